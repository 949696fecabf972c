#include "checker/accept.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/yaml_tree.h"

enum { ACCEPT_MAX_BYTES = 1 << 20 };

static const char *const known_keys[] = {"probe", "target", "reason", "expires"};

/* "YYYY-MM-DD" of a real day; the end of that day (UTC) in *end. */
static int parse_day(const char *s, time_t *end)
{
    int y, m, d;
    char extra;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != m - 1)
        return -1;
    *end = t + 24 * 3600;
    return 0;
}

static const char *scalar(const struct yaml_node *n)
{
    return n && n->kind == YAML_SCALAR && !yaml_tree_is_null(n) ? n->value : NULL;
}

static void read_item(struct accept_list *l, const struct yaml_node *item, size_t index,
                      const char *path, accept_known_fn known, struct diag_list *diags)
{
    char key[64];
    snprintf(key, sizeof key, "accepted[%zu]", index);
    if (item->kind != YAML_MAP) {
        diag_add(diags, path, item->pos.line, item->pos.col, key,
                 "expected a mapping with probe, target, reason and expires, got %s",
                 yaml_tree_kind_name(item));
        return;
    }
    for (const struct yaml_node *e = item->first; e; e = e->next) {
        int ok = 0;
        for (size_t k = 0; k < sizeof known_keys / sizeof *known_keys; k++)
            ok |= strcmp(e->key, known_keys[k]) == 0;
        if (!ok)
            diag_add(diags, path, e->key_pos.line, e->key_pos.col, key,
                     "unknown key '%s': use probe, target, reason, expires", e->key);
    }
    struct acceptance a = {.pos = item->pos};
    const char **fields[] = {&a.probe_id, &a.target, &a.reason, &a.expires};
    int bad = 0;
    for (size_t k = 0; k < sizeof known_keys / sizeof *known_keys; k++) {
        const struct yaml_node *v = yaml_tree_find(item, known_keys[k]);
        *fields[k] = scalar(v);
        if (!*fields[k] || !**fields[k]) {
            struct srcpos at = v ? v->pos : item->pos;
            diag_add(diags, path, at.line, at.col, key, "%s '%s' is required",
                     v ? "a non-empty" : "the key", known_keys[k]);
            bad = 1;
        }
    }
    if (bad)
        return;
    const struct yaml_node *pv = yaml_tree_find(item, "probe");
    if (known && !known(a.probe_id)) {
        diag_add(diags, path, pv->pos.line, pv->pos.col, key, "unknown probe id '%s'", a.probe_id);
        bad = 1;
    }
    const struct yaml_node *ev = yaml_tree_find(item, "expires");
    if (parse_day(a.expires, &a.expires_at)) {
        diag_add(diags, path, ev->pos.line, ev->pos.col, key,
                 "expires '%s' is not a date (YYYY-MM-DD)", a.expires);
        bad = 1;
    }
    if (!bad)
        l->items[l->count++] = a;
}

int accept_parse(struct accept_list *l, const char *text, size_t len, const char *path,
                 accept_known_fn known, struct diag_list *diags)
{
    memset(l, 0, sizeof *l);
    arena_init(&l->arena);
    size_t before = diags->count;
    struct yaml_node *root;
    if (yaml_tree_parse(text, len, path, &l->arena, diags, &root))
        return -1;
    const struct yaml_node *list =
        root && root->kind == YAML_MAP ? yaml_tree_find(root, "accepted") : NULL;
    if (!list || (list->kind != YAML_LIST && !yaml_tree_is_null(list))) {
        struct srcpos at = list ? list->pos : root ? root->pos : (struct srcpos){1, 1};
        diag_add(diags, path, at.line, at.col, "accepted",
                 "expected a top-level 'accepted:' list of findings");
        return -1;
    }
    if (root->count > 1)
        for (const struct yaml_node *e = root->first; e; e = e->next)
            if (strcmp(e->key, "accepted") != 0)
                diag_add(diags, path, e->key_pos.line, e->key_pos.col, NULL,
                         "unknown key '%s': the file holds only 'accepted:'", e->key);
    l->items = arena_alloc(&l->arena, (list->count ? list->count : 1) * sizeof *l->items);
    size_t i = 0;
    for (const struct yaml_node *it = list->kind == YAML_LIST ? list->first : NULL; it;
         it = it->next)
        read_item(l, it, i++, path, known, diags);
    return diags->count > before ? -1 : 0;
}

int accept_load(struct accept_list *l, const char *path, accept_known_fn known,
                struct diag_list *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        memset(l, 0, sizeof *l);
        arena_init(&l->arena);
        diag_add(diags, path, 0, 0, NULL, "cannot read the accepted-findings file: %s",
                 strerror(errno));
        return -1;
    }
    char *buf = malloc(ACCEPT_MAX_BYTES + 1);
    size_t len = buf ? fread(buf, 1, ACCEPT_MAX_BYTES + 1, f) : 0;
    fclose(f);
    int rc;
    if (!buf || len > ACCEPT_MAX_BYTES) {
        memset(l, 0, sizeof *l);
        arena_init(&l->arena);
        diag_add(diags, path, 0, 0, NULL, "the accepted-findings file is larger than 1 MiB");
        rc = -1;
    } else {
        rc = accept_parse(l, buf, len, path, known, diags);
    }
    free(buf);
    return rc;
}

void accept_free(struct accept_list *l)
{
    arena_free(&l->arena);
    memset(l, 0, sizeof *l);
}

/* Base URLs compare without a trailing slash and with the scheme and host in any case. */
static int same_target(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    while (na && a[na - 1] == '/')
        na--;
    while (nb && b[nb - 1] == '/')
        nb--;
    return na == nb && strncasecmp(a, b, na) == 0;
}

const struct acceptance *accept_find(const struct accept_list *l, const char *probe_id,
                                     const char *target)
{
    for (size_t i = 0; i < l->count; i++) {
        const struct acceptance *a = &l->items[i];
        if (strcasecmp(a->probe_id, probe_id) == 0 &&
            (strcmp(a->target, "*") == 0 || same_target(a->target, target)))
            return &l->items[i];
    }
    return NULL;
}

int accept_expired(const struct acceptance *a, time_t now)
{
    return now >= a->expires_at;
}
