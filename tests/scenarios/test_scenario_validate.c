/*
 * `storecheck validate` on the load section: what the scenario checks catch before a run, each
 * at file:line:col — an undefined variable, a missing feeder file, a CSV with broken quoting,
 * a threshold on a metric or a name that does not exist or on a bare name (which selector it
 * means is ambiguous), an unknown profile, a mix naming a
 * scenario the config does not define — and that `storecheck load` refuses the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

static int has(const char *text, const char *needle)
{
    if (!text || !strstr(text, needle)) {
        fprintf(stderr, "missing '%s' in:\n%s\n", needle, text ? text : "(nothing)");
        return 0;
    }
    return 1;
}

static void test_scenario_errors(void)
{
    sc_write("broken.csv", "sku,name\n1,\"unclosed\n");
    const char *cfg = sc_write("v.yaml", "target:\n"                          /* 1 */
                                         "  base_url: http://127.0.0.1:9\n"   /* 2 */
                                         "load:\n"                            /* 3 */
                                         "  feeders:\n"                       /* 4 */
                                         "    gone: { file: nowhere.csv }\n"  /* 5 */
                                         "    bad: { file: broken.csv }\n"    /* 6 */
                                         "  scenarios:\n"                     /* 7 */
                                         "    shop:\n"                        /* 8 */
                                         "      - name: item\n"               /* 9 */
                                         "        path: \"/p/{{cart_id}}\"\n" /* 10 */
                                         "  thresholds:\n"                    /* 11 */
                                         "    - \"p95x < 1s\"\n"              /* 12 */
                                         "    - \"p95(step:nope) < 1s\"\n"    /* 13 */
                                         "    - \"p95(shop) < 1s\"\n"        /* 14 */
                                         "    - \"p95(step:itme) < 1s\"\n"   /* 15 */
                                         "    - \"iterations(step:item) > 0\"\n"); /* 16 */
    const char *args[] = {"validate", cfg, NULL};
    struct sc_ran r = sc_run(30, args);
    CHECK_INT_EQ(r.code, 2);
    CHECK(has(r.err, "v.yaml:5:11: load.feeders.gone"));
    CHECK(has(r.err, "broken.csv:2:3: load.feeders.bad"));
    CHECK(has(r.err, "v.yaml:10:15: load.scenarios.shop[0].path: variable 'cart_id'"));
    CHECK(has(r.err, "v.yaml:12:7: load.thresholds[0]"));
    CHECK(has(r.err, "v.yaml:13:7: load.thresholds[1]: p95(step:nope): no step named 'nope'"));
    CHECK(has(r.err, "v.yaml:14:7: load.thresholds[2]: p95(shop): a bare name is ambiguous; "
                     "write p95(iteration:shop) for the duration of a shop iteration (without "
                     "think time) or p95(scenario:shop) for its requests (column 5 of "
                     "'p95(shop) < 1s')"));
    CHECK(has(r.err, "v.yaml:15:7: load.thresholds[3]: p95(step:itme): no step named 'itme' in "
                     "load.scenarios (did you mean 'item'?)"));
    CHECK(has(r.err, "v.yaml:16:7: load.thresholds[4]: iterations(step:item): a step has no "
                     "iterations; write iterations(scenario:shop)"));
    sc_ran_free(&r);

    const char *load[] = {"load", cfg, NULL};
    r = sc_run(30, load);
    CHECK_INT_EQ(r.code, 2);
    CHECK(has(r.err, "variable 'cart_id'"));
    sc_ran_free(&r);
}

static void test_check_errors(void)
{
    /* Every bad check in one pass, each at its item with the column within the expression. */
    const char *cfg = sc_write("c.yaml", "target:\n"                                    /* 1 */
                                         "  base_url: http://127.0.0.1:9\n"             /* 2 */
                                         "load:\n"                                      /* 3 */
                                         "  scenarios:\n"                               /* 4 */
                                         "    shop:\n"                                  /* 5 */
                                         "      - path: /\n"                            /* 6 */
                                         "        check:\n"                             /* 7 */
                                         "          - $.status == captured\n"           /* 8 */
                                         "          - '$.total > 10'\n"                 /* 9 */
                                         "          - $.id matches /[a-/\n"             /* 10 */
                                         "      - path: /x\n"                           /* 11 */
                                         "        check: 'header X-A > 1'\n");          /* 12 */
    const char *args[] = {"validate", cfg, NULL};
    struct sc_ran r = sc_run(30, args);
    CHECK_INT_EQ(r.code, 2);
    CHECK(has(r.err, "c.yaml:8:13: load.scenarios.shop[0].check[0]: check '$.status == "
                     "captured': 'captured' is not a value: write a string in double quotes "
                     "(column 13 of the value)"));
    CHECK(!strstr(r.err ? r.err : "", "check[1]"));
    CHECK(has(r.err, "c.yaml:10:13: load.scenarios.shop[0].check[2]: check '$.id matches /[a-/': "
                     "bad regular expression"));
    CHECK(has(r.err, "c.yaml:12:16: load.scenarios.shop[1].check[0]: check 'header X-A > 1': a "
                     "header takes exists absent == != matches (column 12 of the value)"));
    sc_ran_free(&r);
}

static void test_profile_errors(void)
{
    const char *cfg = sc_write("p.yaml", "target:\n"
                                         "  base_url: http://127.0.0.1:9\n"
                                         "load:\n"
                                         "  profile: no-such-profile\n"
                                         "  scenarios:\n"
                                         "    shop: [ { name: home, path: / } ]\n");
    const char *args[] = {"validate", cfg, NULL};
    struct sc_ran r = sc_run(30, args);
    CHECK_INT_EQ(r.code, 2);
    CHECK(has(r.err, "p.yaml:4:12: load.profile: "));
    sc_ran_free(&r);

    const char *prof = sc_write("ghost.yaml", "model: open\n"
                                              "stages:\n"
                                              "  - { duration: 1s, rate: 1 }\n"
                                              "mix: { shop: 1, ghost: 2 }\n");
    char text[512];
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:9\n"
             "load:\n"
             "  profile: %s\n"
             "  scenarios:\n"
             "    shop: [ { name: home, path: / } ]\n",
             prof);
    cfg = sc_write("m.yaml", text);
    const char *again[] = {"validate", cfg, NULL};
    r = sc_run(30, again);
    CHECK_INT_EQ(r.code, 2);
    CHECK(has(r.err, "ghost.yaml:4:17: mix.ghost: scenario 'ghost' is not defined"));
    sc_ran_free(&r);
}

/* A threshold on what the profile's mix never runs is valid, but warned of: under that
 * profile it would have no data. */
static void test_threshold_outside_the_mix(void)
{
    const char *prof = sc_write("only-a.yaml", "model: open\n"
                                               "stages:\n"
                                               "  - { duration: 1s, rate: 1 }\n"
                                               "mix: { a: 1, b: 0 }\n");
    char text[1024];
    snprintf(text, sizeof text,
             "target:\n"                                             /* 1 */
             "  base_url: http://127.0.0.1:9\n"                      /* 2 */
             "load:\n"                                               /* 3 */
             "  profile: %s\n"                                       /* 4 */
             "  scenarios:\n"                                        /* 5 */
             "    a: [ { name: look, path: / } ]\n"                  /* 6 */
             "    b: [ { name: look, path: / }, { name: pay, path: /p } ]\n" /* 7 */
             "  thresholds:\n"                                       /* 8 */
             "    - \"p95(scenario:b) < 1s\"\n"                      /* 9 */
             "    - \"errors(step:pay) == 0\"\n"                     /* 10 */
             "    - \"p95(step:look) < 1s\"\n"                       /* 11 */
             "    - \"iterations(scenario:a) > 0\"\n",               /* 12 */
             prof);
    const char *cfg = sc_write("mix.yaml", text);
    const char *args[] = {"validate", cfg, NULL};
    struct sc_ran r = sc_run(30, args);
    CHECK_INT_EQ(r.code, 0);
    CHECK(has(r.err, "mix.yaml:9:7: load.thresholds[0]: p95(scenario:b): the mix of profile"));
    CHECK(has(r.err, "never runs that scenario, so under it the threshold has no data and "
                     "fails the gate"));
    CHECK(has(r.err, "mix.yaml:10:7: load.thresholds[1]: errors(step:pay): the mix of profile"));
    CHECK(has(r.err, "never runs a scenario with that step"));
    CHECK(!strstr(r.err ? r.err : "", "thresholds[2]"));
    CHECK(!strstr(r.err ? r.err : "", "thresholds[3]"));
    sc_ran_free(&r);
}

int main(void)
{
    RUN(test_scenario_errors);
    RUN(test_check_errors);
    RUN(test_profile_errors);
    RUN(test_threshold_outside_the_mix);
    sc_tmpdir_remove();
    return check_summary();
}
