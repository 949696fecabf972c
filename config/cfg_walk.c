#include "config/cfg_walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/strv.h"
#include "config/suggest.h"
#include "common/oom.h"
#include "common/redact.h"
#include "common/units.h"

void cfg_walk_init(struct cfg_walk *w, struct config *cfg, const char *file,
                   struct diag_list *diags)
{
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->file = file;
    w->diags = diags;
    keypath_init(&w->path);
}

__attribute__((format(printf, 3, 0))) static void verror(struct cfg_walk *w, struct srcpos pos,
                                                         const char *fmt, va_list ap)
{
    if (++w->errors > CFG_WALK_MAX_ERRORS) {
        if (w->errors == CFG_WALK_MAX_ERRORS + 1)
            diag_add(w->diags, w->file, 0, 0, NULL, "too many errors; stopping here");
        return;
    }
    /* Formatted whole: secrets are blanked out later, and a cut one would not match. */
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    diag_add(w->diags, w->file, pos.line, pos.col, w->path.buf, "%s", msg);
    free(msg);
}

void cfg_walk_error_at(struct cfg_walk *w, struct srcpos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(w, pos, fmt, ap);
    va_end(ap);
}

void cfg_walk_error(struct cfg_walk *w, const struct yaml_node *n, const char *fmt, ...)
{
    if (n->broken)
        return;
    va_list ap;
    va_start(ap, fmt);
    verror(w, n->pos, fmt, ap);
    va_end(ap);
}

/* The full path of the key closest to word anywhere in the tree, written to buf, if it is
 * close enough to be a likely typo or misplacement (target.ca_file for target.tls.ca_file). */
static const char *closest_in_tree(const struct cfg_walk *w, const char *word, char *buf,
                                   size_t len)
{
    size_t best = suggest_limit(word) + 1;
    const char *hint = NULL;
    for (size_t k = 0; w->sections && w->sections[k]; k++) {
        for (const struct cfg_section *s = w->sections[k]; s->path; s++) {
            for (const struct cfg_field *f = s->fields; f->name; f++) {
                size_t d = suggest_distance(word, f->name);
                if (d < best) {
                    best = d;
                    snprintf(buf, len, "%s.%s", s->path, f->name);
                    hint = buf;
                }
            }
        }
    }
    return hint;
}

void cfg_walk_unknown_key(struct cfg_walk *w, const struct yaml_node *e, const char *const *known,
                          size_t n)
{
    /* Past the error cap the suggestion would be dropped anyway: skip its cost. */
    char path[256];
    const char *hint = NULL;
    if (w->errors < CFG_WALK_MAX_ERRORS) {
        hint = suggest_closest(e->key, known, n);
        if (!hint)
            hint = closest_in_tree(w, e->key, path, sizeof path);
    }
    if (hint)
        cfg_walk_error_at(w, e->key_pos, "unknown key '%s' (did you mean '%s'?)", e->key, hint);
    else
        cfg_walk_error_at(w, e->key_pos, "unknown key '%s'", e->key);
}

int cfg_walk_expect_map(struct cfg_walk *w, const struct yaml_node *v, const char *what)
{
    if (v->kind == YAML_MAP)
        return 1;
    cfg_walk_error(w, v, "expected %s, got %s", what, yaml_tree_kind_name(v));
    return 0;
}

int cfg_walk_fields(struct cfg_walk *w, const struct yaml_node *map, const struct cfg_field *fields,
                    void *obj)
{
    if (!cfg_walk_expect_map(w, map, "a mapping"))
        return -1;
    const char *names[32];
    size_t n = 0;
    for (const struct cfg_field *f = fields; f->name && n < sizeof names / sizeof *names; f++)
        names[n++] = f->name;
    for (const struct yaml_node *e = map->first; e; e = e->next) {
        const struct cfg_field *f = fields;
        while (f->name && strcmp(f->name, e->key) != 0)
            f++;
        size_t mark = keypath_push_key(&w->path, e->key);
        if (f->name)
            f->read(w, e, (char *)obj + f->offset);
        else
            cfg_walk_unknown_key(w, e, names, n);
        keypath_pop(&w->path, mark);
    }
    for (const struct cfg_field *f = fields; f->name; f++) {
        if (f->required && !yaml_tree_find(map, f->name)) {
            size_t mark = keypath_push_key(&w->path, f->name);
            cfg_walk_error(w, map, "missing required key '%s'", f->name);
            keypath_pop(&w->path, mark);
        }
    }
    return 0;
}

int cfg_walk_entries(struct cfg_walk *w, const struct yaml_node *map,
                     void (*fn)(struct cfg_walk *w, const struct yaml_node *e, void *ctx),
                     void *ctx)
{
    if (!cfg_walk_expect_map(w, map, "a mapping"))
        return -1;
    for (const struct yaml_node *e = map->first; e; e = e->next) {
        size_t mark = keypath_push_key(&w->path, e->key);
        fn(w, e, ctx);
        keypath_pop(&w->path, mark);
    }
    return 0;
}

void cfg_walk_items(struct cfg_walk *w, const struct yaml_node *list,
                    void (*fn)(struct cfg_walk *w, const struct yaml_node *item, void *ctx),
                    void *ctx)
{
    if (list->kind != YAML_LIST) {
        fn(w, list, ctx);
        return;
    }
    for (const struct yaml_node *e = list->first; e; e = e->next) {
        size_t mark = keypath_push_index(&w->path, e->index);
        fn(w, e, ctx);
        keypath_pop(&w->path, mark);
    }
}

const char *cfg_walk_scalar(struct cfg_walk *w, const struct yaml_node *v, const char *what)
{
    if (v->kind != YAML_SCALAR || yaml_tree_is_null(v)) {
        cfg_walk_error(w, v, "expected %s, got %s", what, yaml_tree_kind_name(v));
        return NULL;
    }
    return v->value;
}

int cfg_walk_is_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *s))
            return 0;
    return 1;
}

int cfg_walk_is_var(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", *s))
            return 0;
    return 1;
}

int cfg_walk_is_token(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c))
            return 0;
    }
    return 1;
}

int cfg_walk_check_path(struct cfg_walk *w, const struct yaml_node *v, const char *s)
{
    if (s[0] != '/' && strncmp(s, "{{", 2) != 0) {
        cfg_walk_error(w, v, "'%s' is not a path: it must start with '/'", s);
        return 0;
    }
    for (const char *c = s; *c; c++) {
        if ((unsigned char)*c < ' ' || *c == 0x7f) {
            cfg_walk_error(w, v, "control character in the path");
            return 0;
        }
    }
    return 1;
}

const char *cfg_walk_resolve(struct cfg_walk *w, const char *path)
{
    const char *dir = w->cfg->dir;
    if (path[0] == '/' || !dir || strcmp(dir, ".") == 0)
        return path;
    return arena_printf(&w->cfg->arena, "%s/%s", dir, path);
}

void cfg_read_str(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a string");
    if (s)
        *(const char **)dst = s;
}

void cfg_read_file(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a file path");
    if (s)
        *(const char **)dst = cfg_walk_resolve(w, s);
}

void cfg_read_url_path(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a path (e.g. /api/v1/products)");
    if (s && cfg_walk_check_path(w, v, s))
        *(const char **)dst = s;
}

void cfg_read_bool(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    if (yaml_tree_bool(v, dst))
        return;
    if (v->kind == YAML_SCALAR && !yaml_tree_is_null(v))
        cfg_walk_error(w, v, "expected true or false, got '%s'", v->value);
    else
        cfg_walk_error(w, v, "expected true or false, got %s", yaml_tree_kind_name(v));
}

int cfg_walk_duration_ms(struct cfg_walk *w, const struct yaml_node *v, uint64_t *ms)
{
    const char *s = cfg_walk_scalar(w, v, "a duration (e.g. 10s, 2m, 250ms)");
    char err[160];
    if (!s)
        return 0;
    if (units_parse_duration_ms(s, ms, err, sizeof err)) {
        cfg_walk_error(w, v, "%s", err);
        return 0;
    }
    return 1;
}

void cfg_read_duration(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t ms;
    if (!cfg_walk_duration_ms(w, v, &ms))
        return;
    if (ms == 0)
        cfg_walk_error(w, v, "the duration must be above 0");
    else
        *(uint64_t *)dst = ms;
}

void cfg_read_rate(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a rate (e.g. 200/s, 1k/s)");
    char err[160];
    double r;
    if (!s)
        return;
    if (units_parse_rate(s, &r, err, sizeof err))
        cfg_walk_error(w, v, "%s", err);
    else if (r <= 0)
        cfg_walk_error(w, v, "the rate must be above 0");
    else
        *(double *)dst = r;
}

int cfg_walk_status(struct cfg_walk *w, const struct yaml_node *v)
{
    const char *s = cfg_walk_scalar(w, v, "an HTTP status code");
    if (!s)
        return 0;
    int code = 0;
    if (strlen(s) == 3 && strspn(s, "0123456789") == 3)
        code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    if (code >= 100 && code <= 599)
        return code;
    cfg_walk_error(w, v, "'%s' is not an HTTP status code (100-599)", s);
    return 0;
}

int cfg_walk_count_between(struct cfg_walk *w, const struct yaml_node *v, const char *what,
                           uint64_t lo, uint64_t hi, uint64_t *out)
{
    const char *s = cfg_walk_scalar(w, v, what);
    char err[160];
    uint64_t n;
    if (!s)
        return 0;
    if (units_parse_count(s, &n, err, sizeof err)) {
        cfg_walk_error(w, v, "%s", err);
        return 0;
    }
    if (n < lo || n > hi) {
        cfg_walk_error(w, v, "must be between %llu and %llu, got %s", (unsigned long long)lo,
                       (unsigned long long)hi, s);
        return 0;
    }
    *out = n;
    return 1;
}

void cfg_read_u32(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t n;
    if (cfg_walk_count_between(w, v, "a number", 1, UINT32_MAX, &n))
        *(uint32_t *)dst = (uint32_t)n;
}

void cfg_read_u64(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a whole number");
    if (!s)
        return;
    uint64_t n = 0;
    const char *c = s;
    for (; *c >= '0' && *c <= '9'; c++) {
        unsigned d = (unsigned)(*c - '0');
        if (n > (UINT64_MAX - d) / 10)
            break;
        n = n * 10 + d;
    }
    if (*c || c == s)
        cfg_walk_error(w, v, "'%s' is not a whole number from 0 to %llu", s,
                       (unsigned long long)UINT64_MAX);
    else
        *(uint64_t *)dst = n;
}

void cfg_read_severity(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a severity (info, low, medium, high, critical)");
    if (!s)
        return;
    int sev = severity_parse(s);
    if (sev < 0)
        cfg_walk_error(w, v, "unknown severity '%s': use info, low, medium, high or critical", s);
    else
        *(enum severity *)dst = (enum severity)sev;
}

static void count_item(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    (void)w;
    (void)item;
    ++*(size_t *)ctx;
}

static void add_str_item(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct strv *v = ctx;
    const char *s = cfg_walk_scalar(w, item, "a string");
    if (s)
        v->items[v->count++] = s;
}

void cfg_read_strv(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct strv *out = dst;
    size_t n = 0;
    cfg_walk_items(w, v, count_item, &n);
    out->items = arena_alloc(&w->cfg->arena, (n ? n : 1) * sizeof *out->items);
    out->count = 0;
    cfg_walk_items(w, v, add_str_item, out);
}

void cfg_read_method(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "an HTTP method (GET, POST, ...)");
    if (!s)
        return;
    if (!cfg_walk_is_token(s))
        cfg_walk_error(w, v, "'%s' is not an HTTP method", s);
    else
        *(const char **)dst = s;
}

static void read_header(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct kv_list *list = ctx;
    if (!cfg_walk_is_token(e->key)) {
        cfg_walk_error_at(w, e->key_pos, "'%s' is not a valid header name", e->key);
        return;
    }
    const char *value = cfg_walk_scalar(w, e, "a header value");
    if (!value)
        return;
    if (strpbrk(value, "\r\n")) {
        cfg_walk_error(w, e, "a header value cannot hold a line break");
        return;
    }
    /* A mapping cannot mean a field sent twice: "Host" and "host" are one field given two
     * values, of which a server would see both (HTTP/1.1) or one (HTTP/2). */
    for (size_t i = 0; i < list->count; i++)
        if (strcasecmp(list->items[i].key, e->key) == 0) {
            cfg_walk_error_at(w, e->key_pos, "header '%s' is given twice (as '%s' on line %d)",
                              e->key, list->items[i].key, list->items[i].pos.line);
            return;
        }
    if (redact_header_is_secret(e->key))
        strv_add(&w->cfg->arena, &w->cfg->secrets, value);
    list->items[list->count++] = (struct kv){e->key, value, e->pos};
}

void cfg_read_headers(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct kv_list *list = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping of header names to values"))
        return;
    list->items = arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *list->items);
    list->count = 0;
    cfg_walk_entries(w, v, read_header, list);
}
