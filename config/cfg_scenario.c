/* A scenario's steps: requests with templates kept as text for the scenario engine. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg_request.h"
#include "config/cfg_sections.h"
#include "common/oom.h"
#include "common/units.h"

static void read_name(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a step name");
    if (!s)
        return;
    if (!cfg_walk_is_name(s))
        cfg_walk_error(w, v, "'%s' is not a valid step name (letters, digits, _ . -)", s);
    else
        *(const char **)dst = s;
}

static void read_path(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct step *st = dst;
    cfg_read_url_path(w, v, &st->path);
    st->path_pos = v->pos;
}

static void read_expect(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct step *st = dst;
    cfg_request_read_statuses(w, v, &st->expect, &st->expect_count);
}

static const char *const extract_sources[] = {
    [EXTRACT_JSON] = "json",
    [EXTRACT_HEADER] = "header",
    [EXTRACT_COOKIE] = "cookie",
};
enum { SOURCE_COUNT = sizeof extract_sources / sizeof *extract_sources };

/* "$.id" (a JSON path) or a mapping of one source to its argument: { header: X-Foo }. */
static void read_extraction(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct step *st = ctx;
    if (!cfg_walk_is_var(e->key)) {
        cfg_walk_error_at(w, e->key_pos, "'%s' is not a variable name (letters, digits and _)",
                          e->key);
        return;
    }
    struct extraction x = {.var = e->key, .source = EXTRACT_JSON, .pos = e->pos};
    const struct yaml_node *arg = e;
    if (e->kind == YAML_MAP) {
        if (e->count != 1) {
            cfg_walk_error(w, e, "expected one of json, header or cookie");
            return;
        }
        arg = e->first;
        int i = 0;
        while (i < SOURCE_COUNT && strcmp(arg->key, extract_sources[i]) != 0)
            i++;
        size_t mark = keypath_push_key(&w->path, arg->key);
        if (i == SOURCE_COUNT)
            cfg_walk_unknown_key(w, arg, extract_sources, SOURCE_COUNT);
        keypath_pop(&w->path, mark);
        if (i == SOURCE_COUNT)
            return;
        x.source = (enum extract_source)i;
        x.pos = arg->pos;
    }
    x.expr = cfg_walk_scalar(w, arg, "a JSON path ($.id) or { header: NAME } / { cookie: NAME }");
    if (!x.expr)
        return;
    if (x.source == EXTRACT_JSON && x.expr[0] != '$') {
        cfg_walk_error(w, arg, "'%s' is not a JSON path: it starts with '$'", x.expr);
        return;
    }
    if (x.source != EXTRACT_JSON && !cfg_walk_is_token(x.expr)) {
        cfg_walk_error(w, arg, "'%s' is not a valid %s name", x.expr, extract_sources[x.source]);
        return;
    }
    st->extractions[st->extraction_count++] = x;
}

static void read_extract(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct step *st = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping of variable names to JSON paths"))
        return;
    st->extractions =
        arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *st->extractions);
    cfg_walk_entries(w, v, read_extraction, st);
}

static void read_check(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct step *st = dst;
    cfg_request_read_checks(w, v, &st->checks, &st->check_count);
}

/* A duration, or a range "500ms-2s" drawn from uniformly. */
static void read_think(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct step *st = dst;
    const char *s = cfg_walk_scalar(w, v, "a duration (1s) or a range (500ms-2s)");
    if (!s)
        return;
    char lo[64], err[160];
    const char *dash = strchr(s, '-');
    const char *hi = dash ? dash + 1 : s;
    size_t n = dash ? (size_t)(dash - s) : strlen(s);
    if (n >= sizeof lo) {
        cfg_walk_error(w, v, "'%s' is not a duration", s);
        return;
    }
    memcpy(lo, s, n);
    lo[n] = '\0';
    if (units_parse_duration_ms(lo, &st->think_min_ms, err, sizeof err) ||
        units_parse_duration_ms(hi, &st->think_max_ms, err, sizeof err))
        cfg_walk_error(w, v, "%s", err);
    else if (st->think_min_ms > st->think_max_ms)
        cfg_walk_error(w, v, "the range '%s' ends before it starts", s);
    else if (st->think_max_ms == 0) /* a range may start at 0, but must pause at all */
        cfg_walk_error(w, v, "the pause must be above 0 (leave think out for none)");
}

static struct cfg_body_ref body_of(struct step *st)
{
    return (struct cfg_body_ref){&st->body_kind, &st->body, &st->body_pos, "a step"};
}

static void read_json(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_request_read_json(w, v, body_of(dst));
}

static void read_form(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_request_read_form(w, v, body_of(dst));
}

static void read_raw_body(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_request_read_raw(w, v, body_of(dst));
}

/* A GraphQL operation is the step's body, sent as JSON. */
static void read_graphql(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct step *st = dst;
    cfg_request_read_graphql(w, v, body_of(st));
    st->graphql = 1;
}

static void read_graphql_errors(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    static const char *const modes[] = {[GRAPHQL_ERRORS_FAIL] = "fail",
                                        [GRAPHQL_ERRORS_IGNORE] = "ignore"};
    const char *s = cfg_walk_scalar(w, v, "fail or ignore");
    if (!s)
        return;
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        if (strcmp(s, modes[i]) == 0) {
            ((struct step *)dst)->graphql_errors = (enum graphql_errors)i;
            return;
        }
    cfg_walk_error(w, v, "'%s' is not fail or ignore", s);
}

static const struct cfg_field step_fields[] = {
    {"name", read_name, offsetof(struct step, name), 0},
    {"method", cfg_read_method, offsetof(struct step, method), 0},
    {"path", read_path, 0, 0}, /* a graphql step may take target.graphql.path */
    {"headers", cfg_read_headers, offsetof(struct step, headers), 0},
    {"expect", read_expect, 0, 0},
    {"extract", read_extract, 0, 0},
    {"check", read_check, 0, 0},
    {"think", read_think, 0, 0},
    {"json", read_json, 0, 0},
    {"form", read_form, 0, 0},
    {"body", read_raw_body, 0, 0},
    {"graphql", read_graphql, 0, 0},
    {"graphql_errors", read_graphql_errors, 0, 0},
    {NULL, NULL, 0, 0},
};

static void read_step(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct scenario *sc = ctx;
    struct step *st = &sc->steps[sc->step_count++];
    st->pos = item->pos;
    int failed = cfg_walk_fields(w, item, step_fields, st);
    if (!st->method)
        st->method = st->graphql ? "POST" : "GET";
    if (failed)
        return;
    if (!st->name)
        st->name = arena_printf(&w->cfg->arena, "step%zu", sc->step_count);
    if (!yaml_tree_find(item, "path") && !st->graphql) {
        size_t mark = keypath_push_key(&w->path, "path");
        cfg_walk_error(w, item, "missing required key 'path'");
        keypath_pop(&w->path, mark);
    }
    const struct yaml_node *mode = yaml_tree_find(item, "graphql_errors");
    if (mode && !st->graphql) {
        size_t mark = keypath_push_key(&w->path, "graphql_errors");
        cfg_walk_error(w, mode, "graphql_errors applies to a step with graphql:");
        keypath_pop(&w->path, mark);
    }
}

static int by_name_then_pos(const void *pa, const void *pb)
{
    const struct step *a = *(const struct step *const *)pa, *b = *(const struct step *const *)pb;
    int c = strcmp(a->name, b->name);
    return c ? c : a < b ? -1 : a > b;
}

/* Steps are told apart by name in results, so a name is used once per scenario. */
static void check_step_names(struct cfg_walk *w, const struct scenario *sc)
{
    const struct step **v = xmalloc(sc->step_count * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < sc->step_count; i++)
        if (sc->steps[i].name)
            v[n++] = &sc->steps[i];
    qsort(v, n, sizeof *v, by_name_then_pos);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i]->name, v[i - 1]->name) != 0)
            continue;
        size_t mark = keypath_push_index(&w->path, (size_t)(v[i] - sc->steps));
        cfg_walk_error_at(w, v[i]->pos, "step name '%s' is already used in this scenario",
                          v[i]->name);
        keypath_pop(&w->path, mark);
    }
    free(v);
}

void cfg_scenario_read(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct scenario *sc = dst;
    if (v->kind != YAML_LIST || v->count == 0) {
        cfg_walk_error(w, v, "expected a list of steps, got %s",
                       v->kind == YAML_LIST ? "an empty list" : yaml_tree_kind_name(v));
        return;
    }
    sc->steps = arena_alloc(&w->cfg->arena, v->count * sizeof *sc->steps);
    cfg_walk_items(w, v, read_step, sc);
    check_step_names(w, sc);
}
