/* O group, GraphQL error answers: errors[].extensions carry a code for clients, never the
 * server's stack trace or the paths of its source files. */
#include <stdio.h>
#include <stdlib.h>

#include "probes/catalog.h"
#include "probes/graphql.h"

enum { CASES = 3 };

static void run_graphql_errors(struct probe_ctx *ctx)
{
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    struct {
        const char *what, *query, *variables;
    } cases[CASES] = {
        {"a syntax error", "{", NULL},
        {"an unknown field", "{storecheckMissingField}", NULL},
        {"a variable of the wrong type", "query($n:Int){__typename}", "{\"n\":\"not a number\"}"},
    };
    int judged = 0, leaks = 0, other = 0;
    char reason[500] = "";
    for (int i = 0; i < CASES; i++) {
        char *body = gql_body(cases[i].query, cases[i].variables, NULL);
        struct http_response r;
        gql_post_body(ctx, url, body, NULL, &r);
        struct gql_answer a;
        gql_read(r.body, r.body_len, &a);
        /* An error status without GraphQL's errors[] (a framework's error object or page)
         * is an error answer too, judged on all it carries. */
        int outside = !a.errors && !a.data && r.status >= 400 && r.body_len > 0;
        const char *where = outside ? "the error answer" : "errors[].extensions";
        char excerpt[200];
        const char *leak = a.errors  ? gql_extensions_leak(&a, excerpt, sizeof excerpt)
                           : outside ? gql_other_error_leak(&a, r.body, excerpt, sizeof excerpt)
                                     : NULL;
        if (leak) {
            gql_evidence(ctx, &r, body, "%s: a %s in %s: %s", cases[i].what, leak, where,
                         excerpt);
            if (!leaks++)
                snprintf(reason, sizeof reason, "the answer to %s shows a %s in %s: %s",
                         cases[i].what, leak, where, excerpt);
        } else {
            gql_evidence(ctx, &r, body, "%s: %s", cases[i].what,
                         !r.status  ? "no answer"
                         : a.errors ? "errors without a stack trace or internal path"
                         : outside  ? "an error answer without errors[], and without a stack "
                                      "trace or internal path"
                                    : "no GraphQL errors to judge");
        }
        judged += a.errors != NULL || outside;
        other += outside;
        free(body);
        gql_answer_free(&a);
        http_response_free(&r);
    }
    if (leaks)
        probe_set(ctx, PROBE_FAIL, "%s", reason);
    else if (!judged)
        probe_set(ctx, PROBE_ERROR,
                  "none of %d faulty operations got a GraphQL error answer "
                  "to judge",
                  CASES);
    else if (other)
        probe_set(ctx, PROBE_PASS,
                  "%d error answers without stack traces or internal paths (%d of them "
                  "without GraphQL's errors[], judged on all they carry)",
                  judged, other);
    else
        probe_set(ctx, PROBE_PASS,
                  "%d GraphQL error answers without stack traces or internal "
                  "paths in their extensions",
                  judged);
}

const struct probe probe_o_graphql_errors = {
    .id = "O-GRAPHQL-ERRORS",
    .group = GROUP_O,
    .title = "GraphQL errors carry no stack trace or internal path",
    .severity = SEV_MEDIUM,
    .rationale = "GraphQL servers in development mode put the exception's stack trace in "
                 "errors[].extensions (Apollo: exception.stacktrace): file paths, library "
                 "versions and code structure for anyone who sends a faulty query.",
    .remediation = "Run the server in production mode and format errors for clients (Apollo "
                   "Server: includeStacktraceInErrorResponses false, or NODE_ENV=production; "
                   "graphql-js: a formatError that keeps message, locations, path and a code).",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#dont-return-excessive-errors",
    .run = run_graphql_errors,
};
