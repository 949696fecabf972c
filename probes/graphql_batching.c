/* T group, GraphQL batching: one request that carries many operations, as aliased copies of a
 * field or as a JSON array of operations, multiplies the work of one HTTP request and slips
 * past rate limits that count requests (OWASP: batching attacks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/graphql.h"

enum {
    ALIASES = 50, /* aliased copies of one field in one operation */
    BATCH = 10,   /* operations in one JSON array */
};

/* {a0:field a1:field ...} over the schema's root field, else over __typename: malloc'd. */
static char *alias_query(const struct gql_schema *s)
{
    char *q = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&q, &n);
    if (!f)
        return NULL;
    fputc('{', f);
    for (int i = 0; i < ALIASES; i++)
        fprintf(f, "%sa%d:%s%s", i ? " " : "", i, s->root_field ? s->root_field : "__typename",
                s->root_field && s->root_is_object ? "{__typename}" : "");
    fputc('}', f);
    fclose(f);
    return q;
}

/* [{"query":"{__typename}"}, ...]: malloc'd. */
static char *batch_body(void)
{
    char *one = gql_body("{__typename}", NULL, NULL);
    size_t len = strlen(one), cap = BATCH * (len + 1) + 2;
    char *body = malloc(cap);
    size_t w = 0;
    body[w++] = '[';
    for (int i = 0; i < BATCH; i++) {
        if (i)
            body[w++] = ',';
        memcpy(body + w, one, len);
        w += len;
    }
    body[w++] = ']';
    body[w] = '\0';
    free(one);
    return body;
}

static void run_batching(struct probe_ctx *ctx)
{
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    struct gql_schema s;
    gql_schema_read(ctx, url, &s);
    char *query = alias_query(&s), field[80];
    snprintf(field, sizeof field, "%s", s.root_field ? s.root_field : "__typename");
    char *aliased = query ? gql_body(query, NULL, NULL) : NULL, *batch = batch_body();
    free(query);
    gql_schema_free(&s);
    if (!aliased) {
        probe_set(ctx, PROBE_ERROR, "out of memory");
        free(batch);
        return;
    }
    struct http_response r[2];
    gql_post_body(ctx, url, aliased, NULL, &r[0]);
    gql_post_body(ctx, url, batch, NULL, &r[1]);

    struct gql_answer a;
    gql_read(r[0].body, r[0].body_len, &a);
    int copies = a.data ? cJSON_GetArraySize(a.data) : 0;
    int alias_ran = copies >= ALIASES || (r[0].truncated && r[0].status / 100 == 2);
    gql_evidence(ctx, &r[0], aliased, "%d aliased copies in one operation: %d executed", ALIASES,
                 copies);
    size_t batch_ran = gql_batch_executed(r[1].body, r[1].body_len);
    gql_evidence(ctx, &r[1], batch, "a JSON array of %d operations: %zu executed", BATCH,
                 batch_ran);

    char reason[600] = "";
    size_t w = 0;
    if (alias_ran)
        w += (size_t)snprintf(reason, sizeof reason,
                              "%d aliased copies of %s in one operation were all executed", ALIASES,
                              field);
    if (batch_ran > 1)
        snprintf(reason + w, sizeof reason - w,
                 "%s%zu of %d operations in one JSON array were executed", w ? "; " : "", batch_ran,
                 BATCH);
    if (reason[0])
        probe_set(ctx, PROBE_FAIL, "%s", reason);
    else if (!r[0].status || !r[1].status)
        probe_set(ctx, PROBE_ERROR, "no answer to the %s: %s",
                  !r[0].status ? "aliased operation" : "batch",
                  !r[0].status ? r[0].error : r[1].error);
    else
        probe_set(ctx, PROBE_PASS,
                  "%d aliased copies in one operation and a batch of %d operations were both "
                  "refused",
                  ALIASES, BATCH);
    gql_answer_free(&a);
    http_response_free(&r[0]);
    http_response_free(&r[1]);
    free(aliased);
    free(batch);
}

const struct probe probe_t_graphql_batching = {
    .id = "T-GRAPHQL-BATCHING",
    .group = GROUP_T,
    .title = "GraphQL refuses alias and batch amplification",
    .severity = SEV_MEDIUM,
    .rationale = "Fifty aliased copies of a field, or an array of operations, in one request do "
                 "the work of fifty requests while rate limits, WAFs and logs see one: the way "
                 "login brute force and coupon guessing get past a limit of requests per minute.",
    .remediation = "Limit aliases per operation (or count them in the query cost), and refuse "
                   "batched arrays unless a client needs them, then cap their length (Apollo "
                   "Server: allowBatchedHttpRequests false).",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#batching-attacks",
    .run = run_batching,
};
