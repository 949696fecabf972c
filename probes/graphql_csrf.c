/* S group, GraphQL cross-site request forgery: a request a page on any site can make a
 * shopper's browser send, with the shopper's cookies and without a CORS preflight (a GET, or a
 * POST as text/plain or a form), must not run GraphQL operations; above all not mutations. */
#include <stdio.h>
#include <stdlib.h>

#include "probes/catalog.h"
#include "probes/graphql.h"

enum { CASES = 3 };

static void run_csrf(struct probe_ctx *ctx)
{
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    /* __typename on the mutation root changes nothing, yet runs only where mutations run. */
    static const char mutation[] = "mutation{__typename}";
    char *json = gql_body("{__typename}", NULL, NULL);
    static const char form[] = "query=%7B__typename%7D";
    struct {
        const char *what, *sent, *type;
    } cases[CASES] = {
        {"a mutation over GET", "GET ?query=mutation{__typename}", NULL},
        {"a query POSTed as text/plain", json, "text/plain"},
        {"a query POSTed as a form", form, "application/x-www-form-urlencoded"},
    };
    int ran = 0, unanswered = 0;
    char first[300] = "", error[300] = "";
    for (int i = 0; i < CASES; i++) {
        struct http_response r;
        if (i == 0)
            gql_get(ctx, url, mutation, &r);
        else
            gql_post_body(ctx, url, cases[i].sent, cases[i].type, &r);
        struct gql_answer a;
        gql_read(r.body, r.body_len, &a);
        int executed = cJSON_IsString(gql_data_at(&a, "__typename"));
        gql_evidence(ctx, &r, cases[i].sent, "%s: %s", cases[i].what,
                     !r.status  ? "no answer"
                     : executed ? "executed"
                                : "not executed");
        if (executed && !ran++)
            snprintf(first, sizeof first, "%s", cases[i].what);
        if (!r.status && !unanswered++)
            snprintf(error, sizeof error, "no answer to %s: %s", cases[i].what, r.error);
        gql_answer_free(&a);
        http_response_free(&r);
    }
    free(json);
    if (ran)
        probe_set(ctx, PROBE_FAIL,
                  "%s was executed%s: a page on any site can make a shopper's browser send it "
                  "with their cookies",
                  first, ran > 1 ? " (and more: see the evidence)" : "");
    else if (unanswered)
        probe_set(ctx, PROBE_ERROR, "%s", error);
    else
        probe_set(ctx, PROBE_PASS,
                  "a mutation over GET and queries POSTed as text/plain and as a form were all "
                  "refused");
}

const struct probe probe_s_graphql_csrf = {
    .id = "S-GRAPHQL-CSRF",
    .group = GROUP_S,
    .title = "GraphQL runs no operation a cross-site page can send",
    .severity = SEV_HIGH,
    .rationale = "Browsers send GETs and text/plain or form POSTs to any site without asking "
                 "it first, cookies included: a GraphQL server that runs mutations over GET, or "
                 "parses a text/plain body as JSON, lets any page act as the signed-in shopper.",
    .remediation = "Accept mutations over POST only; accept POST bodies only as "
                   "application/json (or application/graphql-response+json), answering 415 "
                   "otherwise; or require a header a form cannot set (Apollo Server's CSRF "
                   "prevention, graphql-http's defaults).",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#cross-site-request-forgery-csrf "
                  "https://graphql.github.io/graphql-over-http/draft/",
    .run = run_csrf,
};
