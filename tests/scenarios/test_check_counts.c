/*
 * A failed check is counted once, wherever it is shown. Against the reference store, a
 * unique feeder hands out products 1 to 5 once each and the step's check holds for ids up to
 * 3: exactly 2 answers fail it, however the run is cut up. Each way of running it (one
 * process on two threads, two segments merged, `storecheck run`) must say 2 in the JSON
 * result (the check, the step's and the scenario's failures, the failures by reason), on the
 * console, in the Markdown and JUnit reports, and to a threshold on the step's errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/refstore/harness.h"
#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

enum { FAILED_CHECKS = 2 }; /* products 4 and 5 */

static struct rs_server store;
static char cfg[512], run_cfg[512], prof[512];

static void write_run(void)
{
    sc_write("ids.csv", "id\n1\n2\n3\n4\n5\n");
    char load[1024], text[2048];
    /* The rows run out on the first step, so the second step fails by its check alone. */
    snprintf(load, sizeof load,
             "  feeders: { ids: { file: %s/ids.csv, mode: unique } }\n"
             "  scenarios:\n"
             "    fed:\n"
             "      - { name: start, path: /healthz }\n"
             "      - { name: product, path: \"/api/v1/products/{{id}}\", expect: [200],\n"
             "          check: [ \"$.id <= 3\" ] }\n"
             "  thresholds:\n"
             "    - \"errors(step:product) == %d\"\n",
             sc_tmpdir(), FAILED_CHECKS);
    char top[256];
    snprintf(top, sizeof top,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  timeout: 5s\n"
             "load:\n",
             store.http);
    snprintf(text, sizeof text, "%s%s", top, load);
    snprintf(cfg, sizeof cfg, "%s", sc_write("counts.yaml", text));
    snprintf(text, sizeof text, "%s  profile: %s/counts-profile.yaml\n%s", top, sc_tmpdir(), load);
    snprintf(run_cfg, sizeof run_cfg, "%s", sc_write("counts-run.yaml", text));
    snprintf(prof, sizeof prof, "%s",
             sc_write("counts-profile.yaml", "model: open\n"
                                             "start_rate: 20\n"
                                             "stages:\n  - { duration: 1s, rate: 20 }\n"
                                             "mix: { fed: 1 }\n"
                                             "max_vus: 20\n"
                                             "pre_allocated_vus: 20\n"));
}

static const char *path_of(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", sc_tmpdir(), name);
    remove(p);
    return p;
}

/* The first reason of a check_failures object: its count, and no failure left to other. */
static double first_reason(const cJSON *owner)
{
    const cJSON *cf = cJSON_GetObjectItemCaseSensitive(owner, "check_failures");
    CHECK_INT_EQ(sc_num(cf, "other"), 0);
    const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(cf, "reasons");
    CHECK_INT_EQ(cJSON_GetArraySize(reasons), 1);
    const cJSON *r = cJSON_GetArrayItem(reasons, 0);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "reason")), "$.id <= 3");
    return sc_num(r, "count");
}

/* Every count of the failed check in a load result (a run report's "load"). */
static void json_counts(const cJSON *load)
{
    CHECK(load != NULL);
    const cJSON *fed = sc_scenario(load, "fed"), *product = sc_step(load, "fed", "product");
    CHECK_INT_EQ(sc_num(product, "requests"), 5);
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(product, "checks");
    CHECK_INT_EQ(cJSON_GetArraySize(checks), 1);
    CHECK_INT_EQ(sc_num(cJSON_GetArrayItem(checks, 0), "failed"), FAILED_CHECKS);
    CHECK_INT_EQ(sc_failed(product, "check_failed"), FAILED_CHECKS);
    CHECK_INT_EQ(sc_num(product, "failed_total"), FAILED_CHECKS);
    CHECK_INT_EQ(first_reason(product), FAILED_CHECKS);
    CHECK_INT_EQ(sc_failed(fed, "check_failed"), FAILED_CHECKS);
    CHECK_INT_EQ(first_reason(fed), FAILED_CHECKS);
    CHECK_INT_EQ(sc_failed(sc_step(load, "fed", "start"), "check_failed"), 0);
    CHECK_INT_EQ(sc_num(fed, "completed"), 3);
}

/* The console's step table: "fed.product ... 2  check_failed 2" and the check's own line
 * ending in its count. */
static void console_counts(const char *out)
{
    CHECK_CONTAINS(out, "  2  check_failed 2\n");
    const char *line = out ? strstr(out, "check '$.id <= 3' failed: got ") : NULL;
    CHECK(line != NULL);
    if (!line)
        return;
    const char *end = strchr(line, '\n');
    CHECK(end && end - line > 3 && strncmp(end - 3, "  2", 3) == 0);
    CHECK(!strstr(end, "check '$.id <= 3' failed: got ")); /* said once */
}

/* A load or merge that exited 0: its JSON result, its threshold on the step's errors and
 * its console say 2. */
static void load_counts(const struct sc_ran *r, const char *json)
{
    CHECK_INT_EQ(r->code, 0);
    cJSON *j = sc_json(json);
    json_counts(j);
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "thresholds"), 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "passed")));
    CHECK_INT_EQ(sc_num(t, "observed"), FAILED_CHECKS);
    console_counts(r->out);
    CHECK_CONTAINS(r->out, "errors(step:product) = 2, allowed == 2");
    cJSON_Delete(j);
}

static void test_one_process_two_threads(void)
{
    const char *json = path_of("threads.json"), *md = path_of("threads.md");
    const char *args[] = {"load",   cfg,  "--profile", prof, "--threads", "2",
                          "--json", json, "--markdown", md,  NULL};
    struct sc_ran r = sc_run(60, args);
    load_counts(&r, json);
    char *text = sc_read(md);
    CHECK_CONTAINS(text, "| fed | product | 5 | 2 |");
    CHECK_CONTAINS(text, "| errors(step:product) == 2 | errors(step:product) = 2, allowed == 2 "
                         "| pass |");
    free(text);
    sc_ran_free(&r);
}

/* Two segments merged: the segments' counts add up to 2 once, not per segment and again. */
static void test_two_segments_merged(void)
{
    const char *seg[2] = {path_of("seg0.json"), path_of("seg1.json")};
    const char *names[2] = {"0/2", "1/2"};
    double per_segment = 0;
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"load",     cfg,      "--profile", prof, "--threads", "1",
                              "--segment", names[i], "--run-id", "counts", "--json", seg[i],
                              "-q",       NULL};
        struct sc_ran r = sc_run(60, args);
        CHECK(r.code == 0 || r.code == 1); /* a segment alone may miss the threshold */
        cJSON *j = sc_json(seg[i]);
        per_segment += sc_failed(sc_step(j, "fed", "product"), "check_failed");
        cJSON_Delete(j);
        sc_ran_free(&r);
    }
    CHECK_INT_EQ(per_segment, FAILED_CHECKS);
    const char *merged = path_of("merged.json");
    const char *args[] = {"merge", seg[0], seg[1], "--json", merged, NULL};
    struct sc_ran r = sc_run(60, args);
    load_counts(&r, merged);
    sc_ran_free(&r);
}

/* storecheck run: the report's load result, its threshold in JSON, JUnit and Markdown. */
static void test_run_reports(void)
{
    const char *json = path_of("run.json"), *junit = path_of("run.xml"),
               *md = path_of("run.md");
    const char *args[] = {"run", run_cfg, "--json", json, "--junit", junit, "--markdown", md,
                          NULL};
    struct sc_ran r = sc_run(120, args);
    CHECK(r.code == 0 || r.code == 1); /* the audit of a plain-http store fails its gate */
    cJSON *j = sc_json(json);
    json_counts(cJSON_GetObjectItemCaseSensitive(j, "load"));
    /* A run judges the thresholds itself: they are the report's, not its load result's. */
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "thresholds"), 0);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "verdict")), "pass");
    CHECK_INT_EQ(sc_num(t, "observed"), FAILED_CHECKS);
    char *xml = sc_read(junit);
    CHECK_CONTAINS(xml, "<testcase classname=\"storecheck.thresholds\" "
                        "name=\"errors(step:product) == 2\" time=\"0.000\">\n"
                        "      <system-out>errors(step:product) = 2, allowed == 2</system-out>\n"
                        "    </testcase>");
    free(xml);
    char *text = sc_read(md);
    CHECK_CONTAINS(text, "| errors(step:product) == 2 | 2 | pass |");
    free(text);
    CHECK_CONTAINS(r.out, "errors(step:product) = 2, allowed == 2");
    cJSON_Delete(j);
    sc_ran_free(&r);
}

int main(void)
{
    const char *args[] = {NULL};
    if (!rs_start(&store, args)) {
        fprintf(stderr, "cannot start the reference store\n");
        return 1;
    }
    write_run();
    RUN(test_one_process_two_threads);
    RUN(test_two_segments_merged);
    RUN(test_run_reports);
    CHECK_INT_EQ(rs_stop(&store), 0);
    sc_tmpdir_remove();
    return check_summary();
}
