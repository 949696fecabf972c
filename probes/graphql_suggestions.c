/* S group, GraphQL field suggestions: with introspection closed, "Did you mean ...?" in the
 * answer to a misspelt field still spells the schema out, one guess at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/graphql.h"

/* Misspellings of field names shops commonly have, each one edit away from the real name. */
static const char guesses[] = "prodcts prodct colections categores serch custmer ordrs crt";

/* name with its two middle letters swapped (a doubled letter when they are the same): one
 * edit away, and unlike dropping a letter ("products" to "product") never another common
 * field's name. */
static void misspell(const char *name, char *out, size_t len)
{
    size_t n = strlen(name), mid = n / 2;
    if (name[mid - 1] != name[mid])
        snprintf(out, len, "%.*s%c%c%s", (int)mid - 1, name, name[mid], name[mid - 1],
                 name + mid + 1);
    else
        snprintf(out, len, "%.*s%s", (int)mid, name, name + mid - 1);
}

/* 1 when data answers one of the space-separated names: the field is real after all. */
static int answers_any(const cJSON *data, const char *names)
{
    char name[128];
    for (const char *p = names; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        if (cJSON_GetObjectItemCaseSensitive(data, name))
            return 1;
        p += n + (p[n] == ' ');
    }
    return 0;
}

static void run_suggestions(struct probe_ctx *ctx)
{
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    /* Where the schema can be read, misspell one of its own root fields: a sure test. */
    struct gql_schema s;
    char query[256], misspelt[128];
    if (gql_schema_read(ctx, url, &s) == 0 && s.root_field && strlen(s.root_field) > 3 &&
        strlen(s.root_field) < 100) {
        misspell(s.root_field, misspelt, sizeof misspelt);
        snprintf(query, sizeof query, "{%s%s}", misspelt, s.root_is_object ? "{__typename}" : "");
    } else {
        snprintf(misspelt, sizeof misspelt, "%s", guesses);
        snprintf(query, sizeof query, "{%s}", guesses);
    }
    gql_schema_free(&s);
    struct http_response r;
    char *body = gql_body(query, NULL, NULL);
    gql_post_body(ctx, url, body, NULL, &r);
    struct gql_answer a;
    int answer = gql_read(r.body, r.body_len, &a) == 0;
    char suggestion[300];
    if (!r.status) {
        gql_evidence(ctx, &r, body, "no answer");
        probe_set(ctx, PROBE_ERROR, "no answer to a misspelt field: %s", r.error);
    } else if (answer && gql_suggestion(&a, suggestion, sizeof suggestion)) {
        gql_evidence(ctx, &r, body, "errors[].message: %s", suggestion);
        probe_set(ctx, PROBE_FAIL, "the answer to a misspelt field suggests the real ones: %s",
                  suggestion);
    } else if (answer && !a.errors && !answers_any(a.data, misspelt)) {
        /* Left out without an error: the query was run without being validated against the
         * schema, the step whose errors carry suggestions. */
        gql_evidence(ctx, &r, body, "answered with data, without the misspelt field and "
                                    "without errors");
        probe_set(ctx, PROBE_PASS,
                  "the misspelt field%s (%s) %s left out of the answer without an error: the "
                  "store does not validate queries against its schema, so no error names a "
                  "field (%d)",
                  strchr(misspelt, ' ') ? "s" : "", misspelt,
                  strchr(misspelt, ' ') ? "were" : "was", r.status);
    } else if (answer && !a.errors) {
        gql_evidence(ctx, &r, body, "answered with data and no errors");
        probe_set(ctx, PROBE_ERROR,
                  "the misspelt field%s (%s) answered with data and no errors: cannot judge",
                  strchr(misspelt, ' ') ? "s" : "", misspelt);
    } else {
        gql_evidence(ctx, &r, body, "%zu error%s, none suggesting a field", gql_error_count(&a),
                     gql_error_count(&a) == 1 ? "" : "s");
        probe_set(ctx, PROBE_PASS, "no field suggested for the misspelt field%s %s (%d)",
                  strchr(misspelt, ' ') ? "s" : "", misspelt, r.status);
    }
    free(body);
    gql_answer_free(&a);
    http_response_free(&r);
}

const struct probe probe_s_graphql_suggestions = {
    .id = "S-GRAPHQL-SUGGESTIONS",
    .group = GROUP_S,
    .title = "GraphQL errors do not suggest field names",
    .severity = SEV_LOW,
    .rationale = "Closing introspection hides nothing while the store answers a misspelt field "
                 "with \"Did you mean ...?\": tools such as Clairvoyance rebuild the schema from "
                 "those suggestions.",
    .remediation = "Strip suggestions from error messages in production (Apollo Server: "
                   "hideSchemaDetailsFromClientErrors; graphql-js: remove \"Did you mean\" in "
                   "the error formatter; Hot Chocolate and graphql-java have switches for it).",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#introspection-graphiql",
    .run = run_suggestions,
};
