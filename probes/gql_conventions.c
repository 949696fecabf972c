#include "probes/gql_conventions.h"

#include <stdio.h>
#include <string.h>

#include "probes/answer_fit.h"
#include "probes/gql_facts.h"
#include "probes/graphql.h"
#include "probes/http.h"

static const char graphql_key[] = "target.graphql.path";

/* POST {"query": query} to the GraphQL path into r. 0 when an answer came, -1 with the verdict
 * set (no answer: error; a request the store did not take: skip naming the key). */
static int post_query(struct probe_ctx *ctx, const char *query, struct http_response *r)
{
    gql_post(ctx, ctx->cfg->target.graphql.path, query, r);
    if (!r->status) {
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

/* Judge one answer to a bad query: 0 an error with a code, 1 an error without one, 2 not a
 * GraphQL error answer; why says which. */
static int judge_error_answer(struct probe_ctx *ctx, const char *what,
                              const struct http_response *r, char *why, size_t len)
{
    struct gql_answer a;
    gql_read(r->body, r->body_len, &a);
    const char *message = gql_error_message(&a, 0), *code = gql_error_code(&a, 0);
    int is_error = message != NULL;
    int verdict;
    if (r->status >= 500) {
        snprintf(why, len, "%s answered %d: a bad query is the client's error, not a server error",
                 what, r->status);
        verdict = 2;
    } else if (!is_error) {
        snprintf(why, len, "%s answered %d without a GraphQL errors[] entry with a message", what,
                 r->status);
        verdict = 2;
    } else if (!code || !code[0]) {
        snprintf(why, len,
                 "%s: errors[] has no extensions.code: clients can tell errors apart only by "
                 "their message text",
                 what);
        verdict = 1;
    } else {
        snprintf(why, len, "%s: errors[] with extensions.code %.80s", what, code);
        verdict = 0;
    }
    http_evidence(ctx, r, "%s; message: %.120s", why, message && message[0] ? message : "(none)");
    gql_answer_free(&a);
    return verdict;
}

void gql_conventions_errors(struct probe_ctx *ctx)
{
    static const char *const queries[][2] = {
        {"a syntax error", "{ storecheckProbe("},
        {"an unknown field", "{ storecheckMissingField }"},
    };
    int worst = 0;
    char worst_why[400] = "";
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        struct http_response r;
        if (post_query(ctx, queries[i][1], &r) != 0)
            return;
        char why[400];
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

/* Read the schema through introspection into f. 0, or -1 with the verdict set: a skip that
 * says introspection is off and what it would have shown (needs). */
static int introspect(struct probe_ctx *ctx, const char *needs, struct gql_schema_facts *f)
{
    struct http_response r;
    if (post_query(ctx, gql_facts_schema_query, &r) != 0)
        return -1;
    char message[200];
    int rc = gql_facts_schema(r.body, f, message, sizeof message);
    if (rc != 0) {
        http_evidence(ctx, &r, "introspection: %s",
                      message[0] ? message : "no __schema in the answer");
        probe_set(ctx, PROBE_SKIP,
                  "introspection is off (as production stores often run it): %s can be seen "
                  "only through introspection, so this GraphQL API cannot be judged from "
                  "outside; REST conventions do not apply to it",
                  needs);
    } else {
        http_evidence(ctx, &r,
                      "introspection: %d deprecated fields (%d without a reason); query type: %d "
                      "connections with pageInfo, %d lists with a paging argument, %d without",
                      f->deprecated, f->unexplained, f->connections, f->paged, f->unpaged);
    }
    http_response_free(&r);
    return rc;
}

void gql_conventions_versioning(struct probe_ctx *ctx)
{
    struct gql_schema_facts f;
    if (introspect(ctx, "@deprecated on retired fields", &f) != 0)
        return;
    if (f.unexplained)
        probe_set(ctx, PROBE_WARN,
                  "%d of %d deprecated fields carry no deprecationReason (e.g. %s): clients are "
                  "not told what replaces them",
                  f.unexplained, f.deprecated, f.unexplained_example);
    else if (f.deprecated)
        probe_set(ctx, PROBE_PASS,
                  "the schema evolves by deprecation: %d deprecated field%s, each with a reason "
                  "(GraphQL APIs are not versioned in the path)",
                  f.deprecated, f.deprecated == 1 ? "" : "s");
    else
        probe_set(ctx, PROBE_PASS,
                  "no deprecated fields: the schema has retired nothing yet (GraphQL APIs evolve "
                  "by @deprecated, not by path versions)");
}

void gql_conventions_pagination(struct probe_ctx *ctx)
{
    struct gql_schema_facts f;
    if (introspect(ctx, "the query type's lists and their arguments", &f) != 0)
        return;
    if (f.unpaged)
        probe_set(ctx, PROBE_WARN,
                  "%d list field%s of the query type take%s no paging argument (e.g. %s): one "
                  "query can ask for the whole list; page it through a connection (first/after, "
                  "pageInfo)",
                  f.unpaged, f.unpaged == 1 ? "" : "s", f.unpaged == 1 ? "s" : "",
                  f.unpaged_example);
    else if (f.connections + f.paged == 0)
        probe_set(ctx, PROBE_SKIP, "the query type has no list or connection field to judge");
    else
        probe_set(ctx, PROBE_PASS,
                  "the query type's lists page (%d connections with pageInfo, %d with a paging "
                  "argument); the page-size cap is not measured",
                  f.connections, f.paged);
}
