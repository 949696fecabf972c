/* S group, GraphQL introspection: a production store does not hand its whole schema (every
 * query, mutation and field, the internal ones too) to anyone who asks. */
#include "probes/catalog.h"
#include "probes/graphql.h"

static void run_introspection(struct probe_ctx *ctx)
{
    char url[1024];
    if (gql_begin(ctx, url, sizeof url) != 0)
        return;
    static const char query[] = "{__schema{queryType{name}}}";
    struct http_response r;
    gql_post(ctx, url, query, &r);
    struct gql_answer a;
    gql_read(r.body, r.body_len, &a);
    const cJSON *name = gql_data_at(&a, "__schema.queryType.name");
    const char *sent = "{\"query\":\"{__schema{queryType{name}}}\"}";
    if (!r.status) {
        gql_evidence(ctx, &r, sent, "no answer");
        probe_set(ctx, PROBE_ERROR, "no answer to the introspection query: %s", r.error);
    } else if (cJSON_IsString(name)) {
        gql_evidence(ctx, &r, sent, "data.__schema.queryType.name = \"%s\"", name->valuestring);
        probe_set(ctx, PROBE_FAIL,
                  "introspection is open: %s answered with the schema (query type \"%s\")", query,
                  name->valuestring);
    } else {
        gql_evidence(ctx, &r, sent, "no schema in the answer (%zu error%s)", gql_error_count(&a),
                     gql_error_count(&a) == 1 ? "" : "s");
        probe_set(ctx, PROBE_PASS, "introspection is closed: %s answered %d without the schema",
                  query, r.status);
    }
    gql_answer_free(&a);
    http_response_free(&r);
}

const struct probe probe_s_graphql_introspection = {
    .id = "S-GRAPHQL-INTROSPECTION",
    .group = GROUP_S,
    .title = "GraphQL introspection is closed",
    .severity = SEV_MEDIUM,
    .rationale = "Introspection lists every type, query, mutation and argument of the API, the "
                 "internal and unfinished ones too: a map for whoever looks for a way in.",
    .remediation =
        "Turn introspection off in production (graphql-js: NoSchemaIntrospectionCustomRule; "
        "Apollo Server: introspection: false) and publish the schema to the clients "
        "that need it instead.",
    .references = "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html"
                  "#introspection-graphiql",
    .run = run_introspection,
};
