/* T group, GraphQL depth and cost limits: one request that nests a recursive field deeper than
 * any client needs, and one shallow request whose fields multiply at every level, must both be
 * refused before they run, or one shopper's request can keep the store busy for everyone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/graphql.h"

enum {
    DEEP_LEVELS = 14, /* recursive levels of the deep query: 16 fields deep with its root */
    WIDE_COPIES = 6,  /* aliased copies of the recursive field at each level of the wide query */
    WIDE_LEVELS = 3,  /* 6 + 36 + 216 = 258 selections, 5 deep */
    MAX_NAME = 64,    /* longer field names are not nested (bounded query size) */
};

/* {root{rec{rec{...{__typename}}}}}: malloc'd. */
static char *deep_query(const struct gql_schema *s)
{
    char *q = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&q, &n);
    if (!f)
        return NULL;
    fprintf(f, "{%s{", s->root_field);
    for (int i = 0; i < DEEP_LEVELS; i++)
        fprintf(f, "%s{", s->recursive);
    fputs("__typename", f);
    for (int i = 0; i < DEEP_LEVELS + 2; i++)
        fputc('}', f);
    fclose(f);
    return q;
}

static void wide_level(FILE *f, const char *rec, int level)
{
    if (level == WIDE_LEVELS) {
        fputs("__typename", f);
        return;
    }
    for (int i = 0; i < WIDE_COPIES; i++) {
        fprintf(f, "%sr%d:%s{", i ? " " : "", i, rec);
        wide_level(f, rec, level + 1);
        fputc('}', f);
    }
}

/* {root{r0:rec{r0:rec{...} r1:rec{...} ...} r1:rec{...} ...}}: malloc'd. */
static char *wide_query(const struct gql_schema *s)
{
    char *q = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&q, &n);
    if (!f)
        return NULL;
    fprintf(f, "{%s{", s->root_field);
    wide_level(f, s->recursive, 0);
    fputs("}}", f);
    fclose(f);
    return q;
}

/* Send query; 1 when it ran (data with the root field set, or the root field null without
 * an error: accepted, so no limit checked it before it ran; *null_root is then set), 0 when
 * refused, -1 when no answer came (the reason is then in why). */
static int executed(struct probe_ctx *ctx, const char *url, const struct gql_schema *s,
                    const char *query, const char *what, int *null_root, char *why, size_t len)
{
    char *body = gql_body(query, NULL, NULL);
    struct http_response r;
    gql_post_body(ctx, url, body, NULL, &r);
    struct gql_answer a;
    gql_read(r.body, r.body_len, &a);
    const cJSON *root = gql_data_at(&a, s->root_field);
    int accepted = root && cJSON_IsNull(root) && !a.errors;
    *null_root |= accepted;
    int ran = (root && !cJSON_IsNull(root)) || accepted || (r.truncated && r.status / 100 == 2);
    if (!r.status) {
        gql_evidence(ctx, &r, body, "%s: no answer", what);
        snprintf(why, len, "no answer to the %s: %s%s", what, r.error,
                 r.failure == HTTP_FAIL_TIMEOUT
                     ? " (the store may still be executing it: a limit refuses at once)"
                     : "");
        ran = -1;
    } else {
        gql_evidence(ctx, &r, body, "%s: %s (%zu error%s)", what,
                     r.truncated ? "executed, an answer over 4 MiB"
                     : accepted  ? "accepted, the root field answered null"
                     : ran       ? "executed, data returned"
                                 : "refused, no data",
                     gql_error_count(&a), gql_error_count(&a) == 1 ? "" : "s");
    }
    free(body);
    gql_answer_free(&a);
    http_response_free(&r);
    return ran;
}

static void run_depth(struct probe_ctx *ctx)
{
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    struct gql_schema s;
    if (gql_schema_read(ctx, url, &s) != 0) {
        probe_set(ctx, PROBE_SKIP,
                  "the schema cannot be read (introspection is closed), so no recursive field "
                  "is known to build a deep query from");
        return;
    }
    if (!s.recursive || strlen(s.root_field) > MAX_NAME || strlen(s.recursive) > MAX_NAME) {
        probe_set(ctx, PROBE_SKIP,
                  "the schema has no query field, selectable without arguments, whose type "
                  "has a field of that same type: no deep query to build");
        gql_schema_free(&s);
        return;
    }
    char *deep = deep_query(&s), *wide = wide_query(&s);
    char why_deep[400] = "out of memory", why_wide[400] = "out of memory";
    int null_root = 0;
    int deep_ran = deep ? executed(ctx, url, &s, deep, "deep query", &null_root, why_deep,
                                   sizeof why_deep)
                        : -1;
    int wide_ran = wide ? executed(ctx, url, &s, wide, "wide query", &null_root, why_wide,
                                   sizeof why_wide)
                        : -1;
    enum { WIDE_SELECTIONS = WIDE_COPIES * (1 + WIDE_COPIES * (1 + WIDE_COPIES)) };
    char reason[600] = "";
    size_t w = 0;
    if (deep_ran == 1)
        w += (size_t)snprintf(reason, sizeof reason,
                              "no depth limit: a query %d fields deep (%s nested %d times) was "
                              "executed",
                              DEEP_LEVELS + 2, s.recursive, DEEP_LEVELS);
    if (wide_ran == 1)
        snprintf(reason + w, sizeof reason - w,
                 "%sno cost limit: a query of %d selections (%d aliased copies of %s at each "
                 "of %d levels) was executed",
                 w ? "; " : "", WIDE_SELECTIONS, WIDE_COPIES, s.recursive, WIDE_LEVELS);
    if (reason[0] && null_root)
        probe_set(ctx, PROBE_FAIL,
                  "%s (accepted without an error: %s answered null, so nothing below it ran, "
                  "but no limit refused the query before it did)",
                  reason, s.root_field);
    else if (reason[0])
        probe_set(ctx, PROBE_FAIL, "%s", reason);
    else if (deep_ran < 0 || wide_ran < 0)
        probe_set(ctx, PROBE_ERROR, "%s", deep_ran < 0 ? why_deep : why_wide);
    else
        probe_set(ctx, PROBE_PASS,
                  "a query %d fields deep and a query of %d selections were both refused",
                  DEEP_LEVELS + 2, WIDE_SELECTIONS);
    free(deep);
    free(wide);
    gql_schema_free(&s);
}

const struct probe probe_t_graphql_depth = {
    .id = "T-GRAPHQL-DEPTH",
    .group = GROUP_T,
    .title = "GraphQL queries are limited in depth and cost",
    .severity = SEV_HIGH,
    .rationale = "A recursive field (a product's related products, a category's children) lets "
                 "one small request ask for an answer that grows with every level: without a "
                 "depth and a cost limit, a few requests exhaust the store's database and CPU.",
    .remediation = "Refuse queries deeper than your clients need (graphql-depth-limit, or your "
                   "server's maxDepth) and queries whose estimated cost is over a budget "
                   "(graphql-query-complexity, graphql-cost-analysis, Hot Chocolate cost "
                   "analysis), before they execute.",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#query-limiting-depth-amount",
    .run = run_depth,
};
