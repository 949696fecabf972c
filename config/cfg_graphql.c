#include "config/cfg_graphql.h"

#include <stddef.h>
#include <string.h>

#include "config/json_text.h"
#include "common/strbuf.h"

struct operation {
    const char *query;
    const char *variables; /* JSON text */
    const char *operation_name;
};

static const char name_chars[] =
    "_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int is_name_char(char c)
{
    return c && strchr(name_chars, c);
}

/* GraphQL's Name: [_A-Za-z][_0-9A-Za-z]* */
static int is_graphql_name(const char *s)
{
    return is_name_char(*s) && !(*s >= '0' && *s <= '9') && s[strspn(s, name_chars)] == '\0';
}

/* Does the document define a mutation? The keyword counts only outside selection sets,
 * strings and comments, where an operation begins. */
static int defines_mutation(const char *q)
{
    int depth = 0;
    for (const char *p = q; *p;) {
        if (*p == '#') {
            p += strcspn(p, "\n");
        } else if (strncmp(p, "\"\"\"", 3) == 0) {
            const char *end = strstr(p + 3, "\"\"\"");
            p = end ? end + 3 : p + strlen(p);
        } else if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            p += *p == '"';
        } else if (*p == '{' || *p == '}') {
            depth += *p++ == '{' ? 1 : -1;
        } else if (depth <= 0 && strncmp(p, "mutation", 8) == 0 &&
                   (p == q || !is_name_char(p[-1])) && !is_name_char(p[8])) {
            return 1;
        } else {
            p++;
        }
    }
    return 0;
}

static void read_query(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    if (v->kind != YAML_SCALAR || yaml_tree_is_null(v)) {
        cfg_walk_error(w, v, "the query is a string (the GraphQL document), got %s",
                       yaml_tree_kind_name(v));
        return;
    }
    if (!strchr(v->value, '{')) {
        cfg_walk_error(w, v, "'%s' is not a GraphQL query: it has no selection set '{ ... }'",
                       v->value);
        return;
    }
    *(const char **)dst = v->value;
}

static void read_variables(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    if (cfg_walk_expect_map(w, v, "a mapping of variable names to values"))
        *(const char **)dst = json_text_from_yaml(v, &w->cfg->arena);
}

static void read_operation_name(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "an operation name");
    if (s && !is_graphql_name(s))
        cfg_walk_error(w, v, "'%s' is not a GraphQL name (a letter or _, then letters, digits, _)",
                       s);
    else if (s)
        *(const char **)dst = s;
}

const struct cfg_field cfg_graphql_fields[] = {
    {"query", read_query, offsetof(struct operation, query), 1},
    {"variables", read_variables, offsetof(struct operation, variables), 0},
    {"operation_name", read_operation_name, offsetof(struct operation, operation_name), 0},
    {NULL, NULL, 0, 0},
};

/* s as a JSON string whose "{{" stays literal text through the template engine. */
static void put_literal(struct strbuf *b, const char *s)
{
    struct strbuf json = {0};
    json_text_put_string(&json, s);
    for (const char *p = json.p; *p; p++) {
        if (p[0] == '{' && p[1] == '{') {
            strbuf_puts(b, "{{\"{{\"}}");
            p++;
        } else {
            strbuf_putc(b, *p);
        }
    }
    strbuf_free(&json);
}

const char *cfg_graphql_read(struct cfg_walk *w, const struct yaml_node *v, int *is_mutation)
{
    struct operation op = {0};
    size_t errors = w->errors;
    *is_mutation = 0;
    if (!cfg_walk_expect_map(w, v, "a mapping with query, variables and operation_name") ||
        cfg_walk_fields(w, v, cfg_graphql_fields, &op) || w->errors > errors || !op.query)
        return NULL;
    struct strbuf b = {0};
    strbuf_puts(&b, "{\"query\":");
    put_literal(&b, op.query);
    if (op.variables) {
        strbuf_puts(&b, ",\"variables\":");
        strbuf_puts(&b, op.variables);
    }
    if (op.operation_name) {
        strbuf_puts(&b, ",\"operationName\":");
        put_literal(&b, op.operation_name);
    }
    strbuf_putc(&b, '}');
    *is_mutation = defines_mutation(op.query);
    const char *body = arena_strndup(&w->cfg->arena, b.p, b.len);
    strbuf_free(&b);
    return body;
}

/* Each GraphQL endpoint without a path of its own goes to target.graphql.path. */
static void bind_endpoints(struct cfg_walk *w, struct target *t)
{
    for (int i = 0; i < EP_COUNT; i++) {
        struct endpoint_request *r = &t->requests[i];
        if (!r->set || !r->graphql || t->endpoints[i])
            continue;
        if (!t->graphql.path) {
            size_t mark = keypath_push_key(&w->path, "target");
            keypath_push_key(&w->path, "endpoints");
            keypath_push_key(&w->path, endpoint_names[i]);
            cfg_walk_error_at(w, r->pos,
                              "a graphql endpoint needs a path: set target.graphql.path, or "
                              "path on the endpoint");
            keypath_pop(&w->path, mark);
            continue;
        }
        t->endpoints[i] = t->graphql.path;
        r->path_pos = t->graphql.pos;
    }
}

void cfg_graphql_bind(struct cfg_walk *w, struct config *cfg)
{
    const struct graphql_api *api = &cfg->target.graphql;
    bind_endpoints(w, &cfg->target);
    for (size_t i = 0; i < cfg->load.scenario_count; i++) {
        struct scenario *sc = &cfg->load.scenarios[i];
        for (size_t j = 0; j < sc->step_count; j++) {
            struct step *st = &sc->steps[j];
            if (!st->graphql)
                continue;
            st->graphql_error_typenames = &api->error_typenames;
            if (st->path)
                continue;
            if (!api->path) {
                size_t mark = keypath_push_key(&w->path, "load");
                keypath_push_key(&w->path, "scenarios");
                keypath_push_key(&w->path, sc->name);
                keypath_push_index(&w->path, j);
                cfg_walk_error_at(w, st->pos,
                                  "a graphql step needs a path: set target.graphql.path, or "
                                  "path on the step");
                keypath_pop(&w->path, mark);
                continue;
            }
            st->path = api->path;
            st->path_pos = api->pos;
        }
    }
}
