#include "probes/gql_conventions.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "probes/answer_fit.h"
#include "probes/http.h"

static const char graphql_key[] = "target.graphql.path";

/* POST {"query": query} to the GraphQL path into r. 0 when an answer came, -1 with the verdict
 * set (no answer: error; a request the store did not take: skip naming the key). */
static int gql_post(struct probe_ctx *ctx, const char *query, struct http_response *r)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "query", query);
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    struct http_request req = {
        .method = "POST",
        .url = ctx->cfg->target.graphql.path,
        .body = text,
        .max_body = 8 << 20,
        .headers = {"Content-Type: application/json",
                    "Accept: application/graphql-response+json, application/json"}};
    int rc = http_get1(ctx, &req, r);
    cJSON_free(text);
    if (rc != 0) {
        http_evidence(ctx, r, NULL);
        probe_set(ctx, PROBE_ERROR, "no answer from the GraphQL API: %s", r->error);
        http_response_free(r);
        return -1;
    }
    if (answer_fit_skip(ctx, r, graphql_key)) {
        http_response_free(r);
        return -1;
    }
    return 0;
}

/* The first of errors[] of a GraphQL answer, or NULL. */
static const cJSON *first_error(const cJSON *doc)
{
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
    return cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0) : NULL;
}

/* Judge one answer to a bad query: 0 an error with a code, 1 an error without one (why says
 * so), 2 not a GraphQL error answer. */
static int judge_error_answer(struct probe_ctx *ctx, const char *what,
                              const struct http_response *r, char *why, size_t len)
{
    cJSON *doc = cJSON_Parse(r->body ? r->body : "");
    const cJSON *err = first_error(doc);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "message");
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(err, "extensions");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(ext, "code");
    int verdict;
    if (r->status >= 500) {
        snprintf(why, len, "%s answered %d: a bad query is the client's error, not a server error",
                 what, r->status);
        verdict = 2;
    } else if (!cJSON_IsString(msg)) {
        snprintf(why, len, "%s answered %d without a GraphQL errors[] entry with a message", what,
                 r->status);
        verdict = 2;
    } else if (!cJSON_IsString(code)) {
        snprintf(why, len,
                 "%s: errors[] has no extensions.code: clients can tell errors apart only by "
                 "their message text",
                 what);
        verdict = 1;
    } else {
        snprintf(why, len, "%s: errors[] with extensions.code %.60s", what, code->valuestring);
        verdict = 0;
    }
    http_evidence(ctx, r, "%s; message: %.120s", why,
                  cJSON_IsString(msg) ? msg->valuestring : "(none)");
    cJSON_Delete(doc);
    return verdict;
}

void gql_conventions_errors(struct probe_ctx *ctx)
{
    static const char *const queries[][2] = {
        {"a syntax error", "{ storecheckProbe("},
        {"an unknown field", "{ storecheckMissingField }"},
    };
    int worst = 0;
    char worst_why[300] = "";
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        struct http_response r;
        if (gql_post(ctx, queries[i][1], &r) != 0)
            return;
        char why[300];
        int v = judge_error_answer(ctx, queries[i][0], &r, why, sizeof why);
        if (v > worst || !worst_why[0]) {
            worst = v > worst ? v : worst;
            snprintf(worst_why, sizeof worst_why, "%s", why);
        }
        http_response_free(&r);
    }
    if (worst == 2)
        probe_set(ctx, PROBE_FAIL, "%s", worst_why);
    else if (worst == 1)
        probe_set(ctx, PROBE_WARN, "%s", worst_why);
    else
        probe_set(ctx, PROBE_PASS,
                  "GraphQL errors in errors[] with extensions.code (REST problem+json does not "
                  "apply to a GraphQL API)");
}

/* Introspect with query; the answer's data.__schema, with its document in *doc (free it), or
 * NULL with the verdict set: a skip when introspection is off. */
static const cJSON *introspect(struct probe_ctx *ctx, const char *query, const char *needs,
                               cJSON **doc)
{
    struct http_response r;
    *doc = NULL;
    if (gql_post(ctx, query, &r) != 0)
        return NULL;
    *doc = cJSON_Parse(r.body ? r.body : "");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(*doc, "data");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(data, "__schema");
    if (!cJSON_IsObject(schema)) {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(first_error(*doc), "message");
        http_evidence(ctx, &r, "introspection: %.160s",
                      cJSON_IsString(msg) ? msg->valuestring : "no __schema in the answer");
        probe_set(ctx, PROBE_SKIP,
                  "introspection is off (as production stores often run it): %s can be seen "
                  "only through introspection, so this GraphQL API cannot be judged from "
                  "outside; REST conventions do not apply to it",
                  needs);
        cJSON_Delete(*doc);
        *doc = NULL;
        http_response_free(&r);
        return NULL;
    }
    http_evidence(ctx, &r, "introspection answered");
    http_response_free(&r);
    return schema;
}

void gql_conventions_versioning(struct probe_ctx *ctx)
{
    cJSON *doc;
    const cJSON *schema =
        introspect(ctx,
                   "{ __schema { types { name fields(includeDeprecated: true) { name isDeprecated "
                   "deprecationReason } } } }",
                   "@deprecated on retired fields", &doc);
    if (!schema)
        return;
    int deprecated = 0, unexplained = 0;
    char example[200] = "";
    const cJSON *type, *field;
    cJSON_ArrayForEach(type, cJSON_GetObjectItemCaseSensitive(schema, "types"))
    {
        const cJSON *tname = cJSON_GetObjectItemCaseSensitive(type, "name");
        if (!cJSON_IsString(tname) || strncmp(tname->valuestring, "__", 2) == 0)
            continue;
        cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(type, "fields"))
        {
            if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(field, "isDeprecated")))
                continue;
            deprecated++;
            const cJSON *why = cJSON_GetObjectItemCaseSensitive(field, "deprecationReason");
            const cJSON *fname = cJSON_GetObjectItemCaseSensitive(field, "name");
            if ((!cJSON_IsString(why) || !why->valuestring[0]) && !unexplained++)
                snprintf(example, sizeof example, "%.80s.%.80s", tname->valuestring,
                         cJSON_IsString(fname) ? fname->valuestring : "?");
        }
    }
    probe_evidence(ctx, ctx->cfg->target.graphql.path, 0,
                   "%d deprecated fields, %d without a reason", deprecated, unexplained);
    if (unexplained)
        probe_set(ctx, PROBE_WARN,
                  "%d of %d deprecated fields carry no deprecationReason (e.g. %s): clients are "
                  "not told what replaces them",
                  unexplained, deprecated, example);
    else if (deprecated)
        probe_set(ctx, PROBE_PASS,
                  "the schema evolves by deprecation: %d deprecated field%s, each with a reason "
                  "(GraphQL APIs are not versioned in the path)",
                  deprecated, deprecated == 1 ? "" : "s");
    else
        probe_set(ctx, PROBE_PASS,
                  "no deprecated fields: the schema has retired nothing yet (GraphQL APIs evolve "
                  "by @deprecated, not by path versions)");
    cJSON_Delete(doc);
}

/* The arguments that page a list: offset, page or cursor style. */
static int is_paging_arg(const char *name)
{
    static const char *const names[] = {"first",    "last",     "limit",     "take",
                                        "page",     "pageSize", "page_size", "perPage",
                                        "per_page", "offset",   "skip",      "after"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The named type under NON_NULL/LIST wrappers; *list set when a LIST wraps it. */
static const char *unwrap(const cJSON *type, int *list)
{
    *list = 0;
    for (int depth = 0; type && depth < 8; depth++) {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(type, "kind");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(type, "name");
        if (cJSON_IsString(kind) && strcmp(kind->valuestring, "LIST") == 0)
            *list = 1;
        if (cJSON_IsString(name))
            return name->valuestring;
        type = cJSON_GetObjectItemCaseSensitive(type, "ofType");
    }
    return NULL;
}

static const cJSON *type_named(const cJSON *schema, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(schema, "types"))
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "name");
        if (cJSON_IsString(n) && name && strcmp(n->valuestring, name) == 0)
            return t;
    }
    return NULL;
}

static int has_field(const cJSON *type, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(type, "fields"))
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

void gql_conventions_pagination(struct probe_ctx *ctx)
{
    cJSON *doc;
    const cJSON *schema = introspect(
        ctx,
        "{ __schema { queryType { name } types { name fields { name args { name } type { kind "
        "name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
        "the query type's lists and their arguments", &doc);
    if (!schema)
        return;
    const cJSON *qt = cJSON_GetObjectItemCaseSensitive(schema, "queryType");
    const cJSON *qname = cJSON_GetObjectItemCaseSensitive(qt, "name");
    const cJSON *query = type_named(schema, cJSON_IsString(qname) ? qname->valuestring : "Query");
    int connections = 0, paged = 0, unpaged = 0;
    char example[200] = "";
    const cJSON *field;
    cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(query, "fields"))
    {
        int list;
        const char *tname = unwrap(cJSON_GetObjectItemCaseSensitive(field, "type"), &list);
        int connection = !list && has_field(type_named(schema, tname), "pageInfo");
        if (!list && !connection)
            continue;
        int paging = 0;
        const cJSON *arg;
        cJSON_ArrayForEach(arg, cJSON_GetObjectItemCaseSensitive(field, "args"))
        {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(arg, "name");
            paging |= cJSON_IsString(n) && is_paging_arg(n->valuestring);
        }
        const cJSON *fname = cJSON_GetObjectItemCaseSensitive(field, "name");
        if (connection)
            connections++;
        else if (paging)
            paged++;
        else if (!unpaged++)
            snprintf(example, sizeof example, "%.80s",
                     cJSON_IsString(fname) ? fname->valuestring : "?");
    }
    probe_evidence(ctx, ctx->cfg->target.graphql.path, 0,
                   "query type: %d connections with pageInfo, %d lists with a paging argument, "
                   "%d lists without one",
                   connections, paged, unpaged);
    if (unpaged)
        probe_set(ctx, PROBE_WARN,
                  "%d list field%s of the query type take%s no paging argument (e.g. %s): one "
                  "query can ask for the whole list; page it through a connection (first/after, "
                  "pageInfo)",
                  unpaged, unpaged == 1 ? "" : "s", unpaged == 1 ? "s" : "", example);
    else if (connections + paged == 0)
        probe_set(ctx, PROBE_SKIP, "the query type has no list or connection field to judge");
    else
        probe_set(ctx, PROBE_PASS,
                  "the query type's lists page (%d connections with pageInfo, %d with a paging "
                  "argument); the page-size cap is not measured",
                  connections, paged);
    cJSON_Delete(doc);
}
