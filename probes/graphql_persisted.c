/* S group, GraphQL persisted queries: a store that declares it runs only the operations its
 * own clients registered must refuse any other, including one that tries to register itself
 * on the way (automatic persisted queries). */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/sha.h>

#include "probes/catalog.h"
#include "probes/graphql.h"

enum { CASES = 2 };

static void run_persisted(struct probe_ctx *ctx)
{
    if (ctx->cfg->target.graphql.path && !ctx->cfg->target.graphql.persisted_only) {
        probe_set(ctx, PROBE_SKIP,
                  "the store does not declare persisted queries only "
                  "(target.graphql.persisted_only)");
        return;
    }
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    static const char query[] = "{__typename}";
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)query, sizeof query - 1, digest);
    char ext[160];
    int w = snprintf(ext, sizeof ext, "{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"");
    for (size_t i = 0; i < sizeof digest; i++)
        w += snprintf(ext + w, sizeof ext - (size_t)w, "%02x", digest[i]);
    snprintf(ext + w, sizeof ext - (size_t)w, "\"}}");
    struct {
        const char *what, *extensions;
    } cases[CASES] = {
        {"an arbitrary query", NULL},
        {"an arbitrary query sent with its own hash (automatic registration)", ext},
    };
    int ran = 0, unanswered = 0;
    char first[200] = "", error[300] = "";
    for (int i = 0; i < CASES; i++) {
        char *body = gql_body(query, NULL, cases[i].extensions);
        struct http_response r;
        gql_post_body(ctx, url, body, NULL, &r);
        struct gql_answer a;
        gql_read(r.body, r.body_len, &a);
        int executed = cJSON_IsString(gql_data_at(&a, "__typename"));
        gql_evidence(ctx, &r, body, "%s: %s", cases[i].what,
                     !r.status  ? "no answer"
                     : executed ? "executed"
                                : "refused");
        if (executed && !ran++)
            snprintf(first, sizeof first, "%s", cases[i].what);
        if (!r.status && !unanswered++)
            snprintf(error, sizeof error, "no answer to %s: %s", cases[i].what, r.error);
        free(body);
        gql_answer_free(&a);
        http_response_free(&r);
    }
    if (ran)
        probe_set(ctx, PROBE_FAIL, "the store declares persisted queries only, but %s was executed",
                  first);
    else if (unanswered)
        probe_set(ctx, PROBE_ERROR, "%s", error);
    else
        probe_set(ctx, PROBE_PASS, "an arbitrary query was refused, with and without its own hash");
}

const struct probe probe_s_graphql_persisted = {
    .id = "S-GRAPHQL-PERSISTED",
    .group = GROUP_S,
    .title = "GraphQL persisted-queries-only mode is honoured",
    .severity = SEV_HIGH,
    .rationale = "Running only the operations the store's own clients registered closes the "
                 "API to every query an attacker writes; a store that declares it but still "
                 "runs arbitrary queries, or registers any query that comes with its hash, has "
                 "none of that protection.",
    .remediation = "Refuse operations whose hash is not in the registered list, and turn off "
                   "automatic registration of new queries in production (Apollo: "
                   "persistedQueries with an operation manifest and safelisting; GraphQL Yoga: "
                   "usePersistedOperations with allowArbitraryOperations false).",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#query-limiting-depth-amount "
                  "https://www.apollographql.com/docs/graphos/platform/security/persisted-queries",
    .run = run_persisted,
};
