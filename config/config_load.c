#include "config/config_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/cfg_graphql.h"
#include "config/cfg_sections.h"
#include "common/strv.h"
#include "common/oom.h"
#include "common/redact.h"

static const struct cfg_field report_fields[] = {
    {"json", cfg_read_file, offsetof(struct report_paths, json), 0},
    {"html", cfg_read_file, offsetof(struct report_paths, html), 0},
    {"junit", cfg_read_file, offsetof(struct report_paths, junit), 0},
    {"markdown", cfg_read_file, offsetof(struct report_paths, markdown), 0},
    {"sarif", cfg_read_file, offsetof(struct report_paths, sarif), 0},
    {NULL, NULL, 0, 0},
};

static void read_reports(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_walk_fields(w, v, report_fields, dst);
}

static const struct cfg_field top_fields[] = {
    {"target", cfg_target_read, offsetof(struct config, target), 1},
    {"audit", cfg_audit_read, offsetof(struct config, audit), 0},
    {"load", cfg_load_read, offsetof(struct config, load), 0},
    {"capacity", cfg_capacity_read, offsetof(struct config, capacity), 0},
    {"reports", read_reports, offsetof(struct config, reports), 0},
    {NULL, NULL, 0, 0},
};

static const struct cfg_section top_sections[] = {
    {"reports", report_fields},
    {"load.scenarios.*.graphql", cfg_graphql_fields},
    {NULL, NULL},
};

static const struct cfg_section *const all_sections[] = {
    cfg_target_sections, cfg_audit_sections, cfg_load_sections, cfg_capacity_sections,
    top_sections, NULL,
};

static const char *dir_of(struct arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    return slash == path ? "/" : arena_strndup(a, path, (size_t)(slash - path));
}

struct ordered {
    struct diag d;
    size_t seq;
};

static int by_position(const void *pa, const void *pb)
{
    const struct ordered *a = pa, *b = pb;
    /* Errors without a position ("too many errors") go last. */
    unsigned la = (unsigned)a->d.line - 1, lb = (unsigned)b->d.line - 1;
    if (la != lb)
        return la < lb ? -1 : 1;
    if (a->d.col != b->d.col)
        return a->d.col < b->d.col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Cross-checks run after their section, so put the errors back in file order. */
static void sort_diags(struct diag_list *diags, size_t from)
{
    size_t n = diags->count - from;
    if (n < 2)
        return;
    struct ordered *v = xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct ordered){diags->items[from + i], i};
    qsort(v, n, sizeof *v, by_position);
    for (size_t i = 0; i < n; i++)
        diags->items[from + i] = v[i].d;
    free(v);
}

/* Messages may quote values; a value that is a secret is blanked out. */
static void redact_diags(const struct strv *secrets, struct diag_list *diags, size_t from)
{
    if (!secrets->count)
        return;
    for (size_t i = from; i < diags->count; i++) {
        char *clean = redact_copy(secrets, diags->items[i].message);
        free(diags->items[i].message);
        diags->items[i].message = clean;
    }
}

static void read_root(struct cfg_walk *w, const struct yaml_node *root)
{
    struct config *cfg = w->cfg;
    if (!root || yaml_tree_is_null(root)) {
        diag_add(w->diags, w->file, 0, 0, NULL,
                 "the config is empty: it needs at least target.base_url");
        return;
    }
    if (root->kind != YAML_MAP) {
        diag_add(w->diags, w->file, root->pos.line, root->pos.col, NULL,
                 "expected a mapping with target, audit, load and reports at the top, got %s",
                 yaml_tree_kind_name(root));
        return;
    }
    cfg_walk_fields(w, root, top_fields, cfg);
    cfg_load_check_fault(w, cfg);
    cfg_capacity_check(w, cfg);
    cfg_graphql_bind(w, cfg);
    cfg_audit_check_scenarios(w, cfg);
    if (!cfg->load.timeout_ms)
        cfg->load.timeout_ms = cfg->target.timeout_ms;
}

int config_load_buffer(struct config *cfg, const char *text, size_t len, const char *path,
                       const struct env_source *env, struct diag_list *diags)
{
    config_init(cfg);
    size_t before = diags->count;
    cfg->path = arena_strdup(&cfg->arena, path ? path : "<config>");
    cfg->dir = dir_of(&cfg->arena, cfg->path);
    if (len > CONFIG_MAX_BYTES) {
        diag_add(diags, cfg->path, 0, 0, NULL,
                 "the file is larger than %d MiB, the limit for a config: is it the right file?",
                 CONFIG_MAX_BYTES >> 20);
        return -1;
    }
    cfg_target_defaults(&cfg->target);
    cfg_audit_defaults(&cfg->audit);
    cfg_load_defaults(&cfg->load);
    cfg_capacity_defaults(&cfg->capacity);

    struct yaml_node *root;
    if (yaml_tree_parse(text, len, cfg->path, &cfg->arena, diags, &root))
        return -1;
    env_expand_tree(root, cfg->path, env ? env : &env_process, &cfg->arena, &cfg->secrets, diags);
    struct cfg_walk w;
    cfg_walk_init(&w, cfg, cfg->path, diags);
    w.sections = all_sections;
    read_root(&w, root);
    strv_sort_unique(&cfg->secrets);
    sort_diags(diags, before);
    redact_diags(&cfg->secrets, diags, before);
    return diags->count > before ? -1 : 0;
}

/* Up to CONFIG_MAX_BYTES + 1 bytes of the file, so an oversized one is seen without reading
 * it all; pipes and /dev/stdin work as well as files. */
static char *read_capped(const char *path, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open the config: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory, not a config file");
        close(fd);
        return NULL;
    }
    size_t cap = CONFIG_MAX_BYTES + 1, n = 0;
    char *buf = xmalloc(cap);
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "cannot read the config: %s", strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *len = n;
    return buf;
}

int config_load_file(struct config *cfg, const char *path, const struct env_source *env,
                     struct diag_list *diags)
{
    char err[256];
    size_t len;
    char *text = read_capped(path, &len, err, sizeof err);
    if (!text) {
        config_init(cfg);
        diag_add(diags, path, 0, 0, NULL, "%s", err);
        return -1;
    }
    int rc = config_load_buffer(cfg, text, len, path, env, diags);
    free(text);
    return rc;
}
