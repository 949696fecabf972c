/* A store without target.graphql: every GraphQL probe skips, and its reason names the config
 * key that would make it apply; none sends a request (the base URL has no server behind it).
 * With a GraphQL path but no persisted_only, the persisted-query probe names that key. */
#include <stdio.h>

#include "tests/probes/support.h"
#include "tests/support/check.h"

static const char *const ids[] = {
    "S-GRAPHQL-INTROSPECTION", "S-GRAPHQL-SUGGESTIONS", "S-GRAPHQL-CSRF",  "S-GRAPHQL-PERSISTED",
    "T-GRAPHQL-DEPTH",         "T-GRAPHQL-BATCHING",    "O-GRAPHQL-ERRORS"};
static const char only[] = "S-GRAPHQL-INTROSPECTION,S-GRAPHQL-SUGGESTIONS,S-GRAPHQL-CSRF,"
                           "S-GRAPHQL-PERSISTED,T-GRAPHQL-DEPTH,T-GRAPHQL-BATCHING,"
                           "O-GRAPHQL-ERRORS";

static void test_no_graphql_path(void)
{
    char yaml[256];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n",
             sup_free_port());
    struct config cfg;
    CHECK(sup_config_yaml(&cfg, yaml) == 0);
    struct engine_report rep;
    sup_run(&cfg, only, &rep);
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        CHECK(sup_expect(&rep, ids[i], PROBE_SKIP, "target.graphql.path"));
        const struct probe_result *r = sup_result(&rep, ids[i]);
        CHECK(r && r->evidence_count == 0);
    }
    engine_report_free(&rep);
    config_free(&cfg);
}

static void test_persisted_not_declared(void)
{
    char yaml[256];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  graphql: /graphql\n",
             sup_free_port());
    struct config cfg;
    CHECK(sup_config_yaml(&cfg, yaml) == 0);
    struct engine_report rep;
    sup_run(&cfg, "S-GRAPHQL-PERSISTED", &rep);
    CHECK(sup_expect(&rep, "S-GRAPHQL-PERSISTED", PROBE_SKIP, "target.graphql.persisted_only"));
    engine_report_free(&rep);
    config_free(&cfg);
}

int main(void)
{
    engine_global_init();
    RUN(test_no_graphql_path);
    RUN(test_persisted_not_declared);
    engine_global_cleanup();
    return check_summary();
}
