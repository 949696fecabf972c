/* A run split into segments (--segment i/n) against the reference store: three segments
 * started together and merged make the run one process makes with the same seed and rate;
 * merge refuses what does not add up, segments that asked for other HTTP versions among them. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loadgen/hist.h"
#include "tests/refstore/harness.h"
#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

static struct rs_server store;
static char cfg[512], run_cfg[512], prof[512], seg_json[3][512], whole_json[512], merged_json[512];

/* A feeder file `name` with a column id of 1..count; its path. */
static const char *write_rows(const char *name, int count)
{
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "id\n");
    for (int i = 1; i <= count && n < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d\n", i);
    return sc_write(name, text);
}

/* The run: two scenarios in a 70/30 mix, every iteration taking a row of a unique feeder,
 * 20 -> 60 iterations a second over 1 s, then 60 for 2 s: 160 arrivals for 40 rows. */
static void write_run(void)
{
    char text[2048];
    write_rows("rows.csv", 40);
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  timeout: 5s\n"
             "load:\n"
             "  seed: 7\n"
             "  thresholds:\n"
             "    - \"p99 < 3s\"\n"
             "  feeders:\n"
             "    rows: { file: %s/rows.csv, mode: unique }\n"
             "  scenarios:\n"
             "    a: [ { name: health, path: /healthz } ]\n"
             "    b: [ { name: product, path: \"/api/v1/products/{{rows.id}}\" } ]\n",
             store.http, sc_tmpdir());
    snprintf(cfg, sizeof cfg, "%s", sc_write("split.yaml", text));
    char *at = strstr(text, "  seed: 7\n");
    if (at) { /* the same run for storecheck run, its profile in the config */
        char with_profile[2560];
        snprintf(with_profile, sizeof with_profile, "%.*s  profile: %s/split-profile.yaml\n%s",
                 (int)(at - text), text, sc_tmpdir(), at);
        snprintf(run_cfg, sizeof run_cfg, "%s", sc_write("split-run.yaml", with_profile));
    }
    snprintf(prof, sizeof prof, "%s",
             sc_write("split-profile.yaml", "model: open\n"
                                            "start_rate: 20\n"
                                            "stages:\n"
                                            "  - { duration: 1s, rate: 60 }\n"
                                            "  - { duration: 2s, rate: 60 }\n"
                                            "mix: { a: 70, b: 30 }\n"
                                            "max_vus: 200\n"
                                            "pre_allocated_vus: 30\n"));
    for (int i = 0; i < 3; i++)
        snprintf(seg_json[i], sizeof seg_json[i], "%s/seg%d.json", sc_tmpdir(), i);
    snprintf(whole_json, sizeof whole_json, "%s/whole.json", sc_tmpdir());
    snprintf(merged_json, sizeof merged_json, "%s/merged.json", sc_tmpdir());
}

static int merge(const char *const *files, struct sc_ran *ran)
{
    const char *args[16] = {"merge"};
    int n = 1;
    for (; files[n - 1] && n < 13; n++)
        args[n] = files[n - 1];
    args[n++] = "--json";
    args[n++] = merged_json;
    args[n] = NULL;
    remove(merged_json);
    *ran = sc_run(30, args);
    return ran->code;
}

/* h += the histogram saved in o: its buckets, and its exact min, max and sum. */
static void add_buckets(struct hist *h, const cJSON *o)
{
    struct hist *one = hist_new();
    const cJSON *pair;
    cJSON_ArrayForEach(pair, cJSON_GetObjectItem(o, "buckets"))
        hist_record_n(one, (uint64_t)cJSON_GetArrayItem(pair, 0)->valuedouble,
                      (uint64_t)cJSON_GetArrayItem(pair, 1)->valuedouble);
    if (one->total) {
        one->min = (uint64_t)sc_num(o, "min");
        one->max = (uint64_t)sc_num(o, "max");
        one->sum = (uint64_t)sc_num(o, "sum");
    }
    hist_merge(h, one);
    hist_free(one);
}

static double total(const cJSON *j, const char *k)
{
    return sc_num(cJSON_GetObjectItem(j, "totals"), k);
}

static void test_three_segments_make_the_whole_run(void)
{
    char start[32];
    snprintf(start, sizeof start, "%lld", (long long)time(NULL) + 3);
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        char seg[8];
        snprintf(seg, sizeof seg, "%d/3", i);
        const char *args[] = {"load",      cfg,          "--profile", prof,
                              "--threads", "1",          "-q",        "--segment",
                              seg,         "--run-id",   "split-7",   "--json",
                              seg_json[i], "--start-at", start,       NULL};
        pids[i] = sc_spawn(args, "/dev/null", "/dev/null");
        CHECK(pids[i] > 0);
    }
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(sc_reap(pids[i], 60), 0);
    const char *whole_args[] = {"load", cfg,        "--profile", prof,     "--threads", "2",
                                "-q",   "--run-id", "split-7",   "--json", whole_json,  NULL};
    struct sc_ran ran = sc_run(60, whole_args);
    CHECK_INT_EQ(ran.code, 0);
    sc_ran_free(&ran);
    const char *files[] = {seg_json[2], seg_json[0], seg_json[1], NULL}; /* any order */
    CHECK_INT_EQ(merge(files, &ran), 0);
    sc_ran_free(&ran);
    CHECK(sc_schema_check(merged_json) != 0);
    CHECK(sc_schema_check(seg_json[0]) != 0);

    cJSON *whole = sc_json(whole_json), *merged = sc_json(merged_json), *seg[3];
    for (int i = 0; i < 3; i++)
        seg[i] = sc_json(seg_json[i]);
    CHECK(whole && merged && seg[0] && seg[1] && seg[2]);
    if (!whole || !merged || !seg[0] || !seg[1] || !seg[2])
        goto out;

    /* The same schedule: 20 -> 60/s over 1 s and 60/s for 2 s are 160 arrivals, a third
     * (+-1) each. */
    CHECK_INT_EQ(total(whole, "scheduled"), 160);
    CHECK_INT_EQ(total(merged, "scheduled"), 160);
    for (int i = 0; i < 3; i++) {
        double n = total(seg[i], "scheduled");
        CHECK(n >= 53 && n <= 54);
        CHECK_INT_EQ(sc_num(cJSON_GetObjectItem(seg[i], "segment"), "index"), i);
        CHECK_STR_EQ(cJSON_GetObjectItem(seg[i], "run_id")->valuestring, "split-7");
    }
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(merged, "segment"), "index")));
    CHECK_INT_EQ(sc_num(cJSON_GetObjectItem(merged, "segment"), "count"), 3);
    CHECK_STR_EQ(cJSON_GetObjectItem(merged, "config_hash")->valuestring,
                 cJSON_GetObjectItem(whole, "config_hash")->valuestring);

    /* The same counts, and the same choices: each scenario started as often, and the
     * unique feeder's 40 rows were used once each over the segments together. */
    CHECK_INT_EQ(total(merged, "requests"), total(whole, "requests"));
    CHECK_INT_EQ(total(merged, "responses"), total(whole, "responses"));
    CHECK_INT_EQ(total(merged, "errors_total"), 0);
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "b" : "a";
        const cJSON *w = sc_scenario(whole, name), *m = sc_scenario(merged, name);
        CHECK_INT_EQ(sc_num(m, "started") + sc_num(m, "dropped"),
                     sc_num(w, "started") + sc_num(w, "dropped"));
        CHECK_INT_EQ(sc_num(m, "completed"), sc_num(w, "completed"));
        CHECK_INT_EQ(sc_failed(m, "feeder_exhausted"), sc_failed(w, "feeder_exhausted"));
    }
    /* Every iteration takes a row: arrivals 0..39 had one, the 120 after them none. */
    const cJSON *ma = sc_scenario(merged, "a"), *mb = sc_scenario(merged, "b");
    CHECK_INT_EQ(sc_num(ma, "completed") + sc_num(mb, "completed"), 40);
    CHECK_INT_EQ(sc_failed(ma, "feeder_exhausted") + sc_failed(mb, "feeder_exhausted"), 120);

    /* The per-second series: as many seconds, the responses of each within the jitter of a
     * second's edge, the same in all. */
    const cJSON *ws = cJSON_GetObjectItem(whole, "seconds"),
                *ms = cJSON_GetObjectItem(merged, "seconds");
    CHECK(abs(cJSON_GetArraySize(ws) - cJSON_GetArraySize(ms)) <= 1);
    double wsum = 0, msum = 0;
    for (int i = 0; i < cJSON_GetArraySize(ms); i++) {
        double w = sc_num(cJSON_GetArrayItem(ws, i), "responses"),
               m = sc_num(cJSON_GetArrayItem(ms, i), "responses");
        wsum += w;
        msum += m;
        CHECK(fabs(w - m) <= 6);
    }
    CHECK_INT_EQ(msum, total(merged, "responses"));
    CHECK_INT_EQ(wsum, total(whole, "responses"));

    /* The merge's percentiles are those of the segments' histograms merged directly. */
    struct hist *h = hist_new();
    for (int i = 0; i < 3; i++)
        add_buckets(h, cJSON_GetObjectItem(cJSON_GetObjectItem(seg[i], "latency_us"), "corrected"));
    const cJSON *mc = cJSON_GetObjectItem(cJSON_GetObjectItem(merged, "latency_us"), "corrected");
    CHECK_INT_EQ(sc_num(mc, "count"), h->total);
    static const double ps[] = {50, 75, 90, 95, 99, 99.9, 99.99};
    static const char *const keys[] = {"p50", "p75", "p90", "p95", "p99", "p99_9", "p99_99"};
    for (int i = 0; i < 7; i++)
        CHECK_INT_EQ(sc_num(mc, keys[i]), hist_percentile(h, ps[i]));
    double sum = 0;
    for (int i = 0; i < 3; i++)
        sum += sc_num(cJSON_GetObjectItem(cJSON_GetObjectItem(seg[i], "latency_us"), "corrected"),
                      "sum");
    CHECK_INT_EQ(sc_num(mc, "sum"), sum);
    hist_free(h);

    /* The thresholds were judged again on the merged numbers. */
    const cJSON *th = cJSON_GetArrayItem(cJSON_GetObjectItem(merged, "thresholds"), 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(th, "passed")));
    CHECK_INT_EQ(sc_num(th, "observed"), sc_num(mc, "p99"));
out:
    cJSON_Delete(whole);
    cJSON_Delete(merged);
    for (int i = 0; i < 3; i++)
        cJSON_Delete(seg[i]);
}

/* Two storecheck run segments: their reports' load results merge into the whole schedule
 * with the mix one process picks. */
static void test_run_segments_merge(void)
{
    char start[32], out[2][600];
    snprintf(start, sizeof start, "%lld", (long long)time(NULL) + 25); /* after the audit */
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        char seg[8];
        snprintf(seg, sizeof seg, "%d/2", i);
        snprintf(out[i], sizeof out[i], "%s/run%d.json", sc_tmpdir(), i);
        const char *args[] = {"run", run_cfg,      "-q",  "--segment", seg,    "--run-id",
                              "r-7", "--start-at", start, "--json",    out[i], NULL};
        pids[i] = sc_spawn(args, "/dev/null", "/dev/null");
        CHECK(pids[i] > 0);
    }
    for (int i = 0; i < 2; i++) {
        int code = sc_reap(pids[i], 120);
        CHECK(code == 0 || code == 1); /* the audit may fail the gate; the run was done */
    }
    const char *files[] = {out[0], out[1], NULL};
    struct sc_ran ran;
    CHECK_INT_EQ(merge(files, &ran), 0);
    sc_ran_free(&ran);
    cJSON *merged = sc_json(merged_json), *whole = sc_json(whole_json);
    CHECK(merged && whole);
    if (merged && whole) {
        CHECK_INT_EQ(total(merged, "scheduled"), 160);
        for (int k = 0; k < 2; k++) {
            const cJSON *w = sc_scenario(whole, k ? "b" : "a"),
                        *m = sc_scenario(merged, k ? "b" : "a");
            CHECK_INT_EQ(sc_num(m, "started") + sc_num(m, "dropped"),
                         sc_num(w, "started") + sc_num(w, "dropped"));
        }
        CHECK_STR_EQ(cJSON_GetObjectItem(merged, "run_id")->valuestring, "r-7");
    }
    cJSON_Delete(merged);
    cJSON_Delete(whole);
}

/* The closed model: 7 users split 3, 2 and 2; each user walks its own rows of a unique feeder
 * (user u's j-th iteration row u + 7j), so over the segments every one of the 70 rows is used
 * once, none twice. */
static void test_closed_model_segments(void)
{
    char text[1024], rows[512];
    snprintf(rows, sizeof rows, "%s", write_rows("rows70.csv", 70));
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "load:\n"
             "  feeders:\n"
             "    rows: { file: %s, mode: unique }\n"
             "  scenarios:\n"
             "    c: [ { name: product, path: \"/api/v1/products/{{id}}\" } ]\n",
             store.http, rows);
    const char *closed_cfg = sc_write("closed.yaml", text);
    const char *closed_prof = sc_write("closed-profile.yaml", "model: closed\n"
                                                              "start_users: 7\n"
                                                              "stages:\n"
                                                              "  - { duration: 2s, users: 7 }\n"
                                                              "think_time: 20ms\n"
                                                              "mix: { c: 1 }\n");
    char start[32], out[3][600];
    snprintf(start, sizeof start, "%lld", (long long)time(NULL) + 2);
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        char seg[8];
        snprintf(seg, sizeof seg, "%d/3", i);
        snprintf(out[i], sizeof out[i], "%s/closed%d.json", sc_tmpdir(), i);
        const char *args[] = {"load", closed_cfg,   "--profile", closed_prof, "--threads", "1",
                              "-q",   "--segment",  seg,         "--run-id",  "closed-7",  "--json",
                              out[i], "--start-at", start,       NULL};
        pids[i] = sc_spawn(args, "/dev/null", "/dev/null");
        CHECK(pids[i] > 0);
    }
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(sc_reap(pids[i], 60), 0);
    static const int users[3] = {3, 2, 2};
    for (int i = 0; i < 3; i++) {
        cJSON *j = sc_json(out[i]);
        CHECK_INT_EQ(sc_num(cJSON_GetObjectItem(j, "virtual_users"), "max"), users[i]);
        cJSON_Delete(j);
    }
    const char *files[] = {out[0], out[1], out[2], NULL};
    struct sc_ran ran;
    CHECK_INT_EQ(merge(files, &ran), 0);
    sc_ran_free(&ran);
    cJSON *m = sc_json(merged_json);
    const cJSON *c = sc_scenario(m, "c");
    CHECK_INT_EQ(sc_num(cJSON_GetObjectItem(m, "virtual_users"), "max"), 7);
    CHECK_INT_EQ(sc_num(c, "completed"), 70);
    CHECK(sc_failed(c, "feeder_exhausted") > 0);
    CHECK_INT_EQ(sc_num(c, "failed_total"), sc_failed(c, "feeder_exhausted"));
    cJSON_Delete(m);
}

/* seg_json[0] with key set to value (a string) or, with value NULL, removed; its path. */
static const char *altered(const char *name, const char *key, const char *value)
{
    cJSON *j = sc_json(seg_json[0]);
    if (!j)
        return "missing";
    if (value)
        cJSON_ReplaceItemInObject(j, key, cJSON_CreateString(value));
    else
        cJSON_DeleteItemFromObject(j, key);
    char *text = cJSON_Print(j);
    const char *path = sc_write(name, text);
    free(text);
    cJSON_Delete(j);
    return path;
}

/* merge refuses: exit 2, naming the file at fault, and writes nothing. */
static void refused(const char *const *files, const char *named)
{
    struct sc_ran ran;
    CHECK_INT_EQ(merge(files, &ran), 2);
    CHECK(ran.err && strstr(ran.err, named));
    CHECK(access(merged_json, F_OK) != 0);
    sc_ran_free(&ran);
}

static void test_merge_refusals(void)
{
    const char *other_run[] = {seg_json[0], seg_json[1],
                               altered("other-run.json", "run_id", "another"), NULL};
    refused(other_run, "other-run.json");
    const char *other_cfg[] = {seg_json[0], seg_json[1],
                               altered("other-cfg.json", "config_hash", "0123456789abcdef"), NULL};
    refused(other_cfg, "other-cfg.json");
    const char *twice[] = {seg_json[0], seg_json[1], seg_json[1], NULL};
    refused(twice, seg_json[1]);
    const char *missing[] = {seg_json[0], seg_json[2], NULL};
    refused(missing, "1/3");
    const char *not_load[] = {seg_json[0],
                              sc_write("report.json", "{\"kind\": \"storecheck.run\"}"), NULL};
    refused(not_load, "report.json");
    const char *not_json[] = {sc_write("junk.json", "not json at all"), NULL};
    refused(not_json, "junk.json");
    const char *no_hash[] = {seg_json[0], seg_json[1], altered("old.json", "config_hash", NULL),
                             NULL};
    refused(no_hash, "old.json");
    const char *again[] = {merged_json, NULL};
    struct sc_ran ran;
    const char *all[] = {seg_json[0], seg_json[1], seg_json[2], NULL};
    CHECK_INT_EQ(merge(all, &ran), 0);
    sc_ran_free(&ran);
    char copy[600], *text = sc_read(merged_json);
    snprintf(copy, sizeof copy, "%s", sc_write("merged-copy.json", text ? text : ""));
    free(text);
    again[0] = copy;
    refused(again, "merged-copy.json");
}

/* seg_json[2] with run.http set to value or, with value NULL, removed (as in results written
 * before HTTP/2); its path. */
static const char *with_http(const char *name, const char *value)
{
    cJSON *j = sc_json(seg_json[2]), *run = cJSON_GetObjectItem(j, "run");
    if (!run) {
        cJSON_Delete(j);
        return "missing";
    }
    if (value)
        cJSON_ReplaceItemInObject(run, "http", cJSON_CreateString(value));
    else
        cJSON_DeleteItemFromObject(run, "http");
    char *text = cJSON_Print(j);
    const char *path = sc_write(name, text);
    free(text);
    cJSON_Delete(j);
    return path;
}

static const char *run_http(const cJSON *j)
{
    const cJSON *h = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "run"), "http");
    return cJSON_IsString(h) ? h->valuestring : "(none)";
}

/* The HTTP version asked for is part of the run: a segment run with --http auto has another
 * fingerprint and merge refuses it beside HTTP/1.1 segments, as it refuses a segment whose
 * run.http alone differs; a segment without run.http (written before HTTP/2) is HTTP/1.1. */
static void test_http_version_must_match(void)
{
    char other[600];
    snprintf(other, sizeof other, "%s/seg2-auto.json", sc_tmpdir());
    const char *args[] = {"load", cfg,         "--profile", prof,       "--threads", "1",
                          "-q",   "--segment", "2/3",       "--run-id", "split-7",   "--http",
                          "auto", "--json",    other,       NULL};
    struct sc_ran ran = sc_run(60, args);
    CHECK_INT_EQ(ran.code, 0);
    sc_ran_free(&ran);
    cJSON *asked = sc_json(other), *plain = sc_json(seg_json[2]);
    CHECK(asked && plain);
    if (asked && plain) {
        CHECK_STR_EQ(run_http(asked), "auto");
        CHECK_STR_EQ(run_http(plain), "1.1");
        CHECK(strcmp(cJSON_GetObjectItem(asked, "config_hash")->valuestring,
                     cJSON_GetObjectItem(plain, "config_hash")->valuestring) != 0);
    }
    cJSON_Delete(asked);
    cJSON_Delete(plain);
    const char *auto_seg[] = {seg_json[0], seg_json[1], other, NULL};
    refused(auto_seg, "seg2-auto.json");
    const char *h2_seg[] = {seg_json[0], seg_json[1], with_http("seg2-h2.json", "2"), NULL};
    refused(h2_seg, "seg2-h2.json");
    const char *bad[] = {seg_json[0], seg_json[1], with_http("seg2-bad.json", "3"), NULL};
    refused(bad, "seg2-bad.json");
    const char *old[] = {seg_json[0], seg_json[1], with_http("seg2-old.json", NULL), NULL};
    CHECK_INT_EQ(merge(old, &ran), 0);
    sc_ran_free(&ran);
    cJSON *merged = sc_json(merged_json);
    CHECK_STR_EQ(run_http(merged), "1.1");
    cJSON_Delete(merged);
}

static void test_start_at_refused(void)
{
    char past[32], far[32];
    snprintf(past, sizeof past, "%lld", (long long)time(NULL) - 60);
    snprintf(far, sizeof far, "%lld", (long long)time(NULL) + 25 * 3600);
    const char *bad[] = {past, far, "2026-13-01T00:00:00Z", "tomorrow", "2020-01-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *args[] = {"load", cfg, "--profile", prof, "--start-at", bad[i], NULL};
        struct sc_ran ran = sc_run(30, args);
        CHECK_INT_EQ(ran.code, 2);
        CHECK(ran.err && strstr(ran.err, "--start-at"));
        sc_ran_free(&ran);
    }
    const char *seg_bad[] = {"3/3", "1/0", "x"};
    for (size_t i = 0; i < 3; i++) {
        const char *args[] = {"load", cfg, "--profile", prof, "--segment", seg_bad[i], NULL};
        struct sc_ran ran = sc_run(30, args);
        CHECK_INT_EQ(ran.code, 2);
        sc_ran_free(&ran);
    }
}

/* Ctrl-C while waiting for --start-at ends the wait at once with exit 3. */
static void test_start_at_wait_is_interruptible(void)
{
    char start[32];
    snprintf(start, sizeof start, "%lld", (long long)time(NULL) + 60);
    const char *args[] = {"load", cfg, "--profile", prof, "--start-at", start, "-q", NULL};
    pid_t pid = sc_spawn(args, "/dev/null", "/dev/null");
    CHECK(pid > 0);
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    time_t t0 = time(NULL);
    CHECK_INT_EQ(sc_reap(pid, 10), 3);
    CHECK(time(NULL) - t0 < 5);
}

int main(void)
{
    const char *args[] = {NULL};
    if (!rs_start(&store, args)) {
        fprintf(stderr, "cannot start the reference store\n");
        return 1;
    }
    write_run();
    RUN(test_three_segments_make_the_whole_run);
    RUN(test_merge_refusals);
    RUN(test_http_version_must_match);
    RUN(test_run_segments_merge);
    RUN(test_closed_model_segments);
    RUN(test_start_at_refused);
    RUN(test_start_at_wait_is_interruptible);
    CHECK_INT_EQ(rs_stop(&store), 0);
    sc_tmpdir_remove();
    return check_summary();
}
