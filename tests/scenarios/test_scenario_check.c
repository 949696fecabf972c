/* validate's checks of the load section: templates, variables defined in order, JSON paths,
 * feeder files, thresholds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/scenario_check.h"
#include "tests/support/check.h"

static char dir[] = "/tmp/storecheck-check-XXXXXX";
static char skus_csv[64], bad_csv[64], missing_csv[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The diagnostic whose key path is key_path and whose message holds msg, or NULL. */
static const struct diag *find(const struct diag_list *d, const char *key_path, const char *msg)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].key_path && strcmp(d->items[i].key_path, key_path) == 0 &&
            strstr(d->items[i].message, msg))
            return &d->items[i];
    return NULL;
}

#define EXPECT(d, key_path, msg)                                                                   \
    do {                                                                                           \
        if (!find(d, key_path, msg)) {                                                             \
            fprintf(stderr, "missing: %s: %s\n", key_path, msg);                                   \
            CHECK(0);                                                                              \
        }                                                                                          \
    } while (0)

static void test_valid_config(void)
{
    write_file("skus.csv", "sku,qty\nA-1,1\nB-2,2\n");
    struct extraction cart_ex[] = {{"cart_id", EXTRACT_JSON, "$.id", {12, 9}},
                                   {"session", EXTRACT_COOKIE, "session", {13, 9}}};
    struct kv hdr[] = {{"Cookie", "session={{session}}", {20, 9}}};
    struct extraction order_ex[] = {{"order_id", EXTRACT_JSON, "$.data.order.id", {30, 9}}};
    struct step steps[] = {
        {.name = "cart",
         .path = "/api/v1/carts",
         .extractions = cart_ex,
         .extraction_count = 2,
         .pos = {10, 7}},
        {.name = "add",
         .path = "/api/v1/carts/{{cart_id}}/items",
         .body = "{\"sku\":\"{{skus.sku}}\",\"qty\":{{qty}},\"n\":{{randint 1 3}}}",
         .headers = {hdr, 1},
         .pos = {18, 7}},
        {.name = "order",
         .path = "/api/v1/checkout",
         .body = "{\"key\":\"{{uuid}}\"}",
         .extractions = order_ex,
         .extraction_count = 1,
         .pos = {25, 7}},
        {.name = "status", .path = "/api/v1/orders/{{order_id}}", .pos = {33, 7}},
    };
    struct scenario sc[] = {{.name = "checkout", .steps = steps, .step_count = 4, .pos = {9, 5}}};
    struct feeder feeders[] = {{"skus", skus_csv, FEEDER_RANDOM, {40, 7}}};
    struct threshold th[] = {{"p95(scenario:checkout) < 800ms", 0, {50, 7}},
                             {"max(step:order) <= 2s", 0, {51, 7}},
                             {"error_rate < 0.5%", 0, {52, 7}},
                             {"p95(iteration:checkout) < 3s", 0, {53, 7}}};
    struct config cfg;
    config_init(&cfg);
    cfg.path = "store.yaml";
    cfg.load.scenarios = sc;
    cfg.load.scenario_count = 1;
    cfg.load.feeders = feeders;
    cfg.load.feeder_count = 1;
    cfg.load.thresholds = th;
    cfg.load.threshold_count = 4;
    struct diag_list d;
    diag_list_init(&d);
    CHECK_INT_EQ(scenario_check(&cfg, &d), 0);
    diag_list_print(&d, stderr);
    diag_list_free(&d);
}

static void test_problems(void)
{
    write_file("bad.csv", "email,password\nu1,\"pw\n");
    struct extraction ex0[] = {{"cart_id", EXTRACT_JSON, "$.items[", {12, 9}},
                               {"9lives", EXTRACT_HEADER, "X-Lives", {13, 9}},
                               {"uuid", EXTRACT_HEADER, "X-Id", {14, 9}}};
    struct kv hdr[] = {{"Authorization", "Bearer {{token}}", {21, 9}}};
    struct extraction ex2[] = {{"order_id", EXTRACT_JSON, "$.id", {30, 9}}};
    struct step steps[] = {
        {.name = "cart",
         .path = "/carts/{{order_id}}",
         .extractions = ex0,
         .extraction_count = 3,
         .pos = {10, 7},
         .path_pos = {11, 15}},
        {.name = "add",
         .path = "/carts/{{cart_id",
         .headers = {hdr, 1},
         .body = "{\n  \"sku\": \"{{email}}\",\n  \"q\": {{randint 5 1}}\n}",
         .pos = {18, 7}},
        {.name = "order",
         .path = "/checkout",
         .extractions = ex2,
         .extraction_count = 1,
         .pos = {25, 7}},
    };
    struct scenario sc[] = {{.name = "checkout", .steps = steps, .step_count = 3}};
    struct feeder feeders[] = {{"users", bad_csv, FEEDER_UNIQUE, {40, 7}},
                               {"gone", missing_csv, FEEDER_RANDOM, {41, 7}}};
    struct threshold th[] = {{"p95(chekout) < 800ms", 0, {50, 7}},
                             {"p95x < 1s", 0, {51, 7}},
                             {"p95(step:cart) < 800", 0, {52, 7}},
                             {"p95( order ) < 800ms", 0, {53, 7}}};
    struct config cfg;
    config_init(&cfg);
    cfg.path = "store.yaml";
    cfg.load.scenarios = sc;
    cfg.load.scenario_count = 1;
    cfg.load.feeders = feeders;
    cfg.load.feeder_count = 2;
    cfg.load.thresholds = th;
    cfg.load.threshold_count = 4;
    struct diag_list d;
    diag_list_init(&d);
    size_t n = scenario_check(&cfg, &d);
    CHECK_INT_EQ(n, d.count);
    CHECK_INT_EQ(n, 13);

    /* The broken CSV is reported in the CSV file, at the quote that is not closed. */
    const struct diag *g = find(&d, "load.feeders.users", "quoted field is not closed");
    CHECK(g && g->line == 2 && g->col == 4 && strcmp(g->file, bad_csv) == 0);
    g = find(&d, "load.feeders.gone", "cannot open");
    CHECK(g && g->line == 41 && strcmp(g->file, "store.yaml") == 0);

    /* order_id is extracted, but only by a later step. */
    g = find(&d, "load.scenarios.checkout[0].path", "variable 'order_id' is not defined");
    CHECK(g && g->line == 11 && g->col == 15);
    EXPECT(&d, "load.scenarios.checkout[0].extract.cart_id", "JSON path '$.items['");
    EXPECT(&d, "load.scenarios.checkout[0].extract.9lives", "cannot be used as {{9lives}}");
    EXPECT(&d, "load.scenarios.checkout[0].extract.uuid", "cannot be used as {{uuid}}");
    EXPECT(&d, "load.scenarios.checkout[1].path", "is not closed by '}}' (column 8 of");
    g = find(&d, "load.scenarios.checkout[1].headers.Authorization", "variable 'token'");
    CHECK(g && g->line == 21);
    /* A body that does not compile is reported once, at the line of the value it is on. */
    g = find(&d, "load.scenarios.checkout[1].body", "low bound is above the high bound (line 3");
    CHECK(g && g->line == 18); /* no body_pos: the step's */
    EXPECT(&d, "load.thresholds[0]",
           "no scenario or step named 'chekout' in load.scenarios (did you mean "
           "'checkout'?) (column 5 of 'p95(chekout) < 800ms')");
    EXPECT(&d, "load.thresholds[1]", "a percentile is p followed by a number");
    EXPECT(&d, "load.thresholds[2]", "needs a unit (column 18 of");
    g = find(&d, "load.thresholds[3]",
             "p95(order): a bare name is ambiguous; write p95(step:order) for the requests of "
             "the step order (column 6 of 'p95( order ) < 800ms')");
    CHECK(g && g->line == 53 && g->col == 7);
    diag_list_free(&d);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(skus_csv, sizeof skus_csv, "%s/skus.csv", dir);
    snprintf(bad_csv, sizeof bad_csv, "%s/bad.csv", dir);
    snprintf(missing_csv, sizeof missing_csv, "%s/missing.csv", dir);
    RUN(test_valid_config);
    RUN(test_problems);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_summary();
}
