/* storecheck load --out as a user runs it against the reference store: the json and csv
 * files can be read while the run goes on and end with the result's totals; a Prometheus that
 * is down, or one that takes connections and never answers, neither slows nor fails the load:
 * it ends on time and the result and the console say what was not delivered. storecheck run
 * streams its load phase from load.outputs, capacity all its steps. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loadgen/clock.h"
#include "tests/outputs/prom_fixture.h"
#include "tests/refstore/harness.h"
#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

static struct rs_server store;
static char url[128];

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* The complete lines of a JSON lines file that parse, and the last value of
 * storecheck_requests_total in them (-1: none); *bad counts the lines that do not parse.
 * Values of the counter never go down from line to line. */
static int json_lines(const char *path, double *requests, int *bad)
{
    char *text = sc_read(path);
    int lines = 0;
    *requests = -1;
    *bad = 0;
    for (char *p = text, *nl; p && (nl = strchr(p, '\n')); p = nl + 1) {
        *nl = '\0';
        cJSON *o = cJSON_Parse(p);
        const cJSON *d = cJSON_GetObjectItem(o, "data");
        if (!o || !cJSON_IsNumber(cJSON_GetObjectItem(d, "value"))) {
            (*bad)++;
        } else {
            lines++;
            if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "metric")),
                       "storecheck_requests_total") == 0) {
                double v = cJSON_GetObjectItem(d, "value")->valuedouble;
                CHECK(v >= *requests);
                *requests = v;
            }
        }
        cJSON_Delete(o);
    }
    free(text);
    return lines;
}

/* The data rows of a CSV file (after its header), each with the 11 columns; the last
 * storecheck_requests_total value. */
static int csv_rows(const char *path, double *requests)
{
    char *text = sc_read(path);
    int rows = 0;
    *requests = -1;
    char *p = text ? strchr(text, '\n') : NULL;
    CHECK(text && strncmp(text, "metric_name,timestamp,metric_value,run_id,segment,", 50) == 0);
    for (char *nl; p && (nl = strchr(p + 1, '\n')); p = nl) {
        *nl = '\0';
        const char *row = p + 1;
        int commas = 0;
        for (const char *c = row; *c; c++)
            commas += *c == ',';
        CHECK_INT_EQ(commas, 10);
        if (strncmp(row, "storecheck_requests_total,", 26) == 0)
            *requests = atof(strchr(row + 26, ',') + 1);
        rows++;
    }
    free(text);
    return rows;
}

static void test_files_stream_while_the_run_goes_on(void)
{
    char json[256], csv[256], res[256], outp[256], errp[256];
    snprintf(json, sizeof json, "json=%s/live.jsonl", sc_tmpdir());
    snprintf(csv, sizeof csv, "csv=%s/live.csv", sc_tmpdir());
    snprintf(res, sizeof res, "%s/streams.json", sc_tmpdir());
    snprintf(outp, sizeof outp, "%s/streams.out", sc_tmpdir());
    snprintf(errp, sizeof errp, "%s/streams.err", sc_tmpdir());
    const char *args[] = {"load", url,  "-R",    "50", "-d",    "4s", "-t",     "1", "-c",
                          "2",    "-q", "--out", json, "--out", csv,  "--json", res, NULL};
    pid_t pid = sc_spawn(args, outp, errp);
    CHECK(pid > 0);
    /* Mid-run: whole lines are there while the process still runs, and every one of them
     * parses (polled: a slow machine may take a while to write the first second). */
    double mid_requests = -1, mid_csv = -1;
    int bad = 0, mid = 0, running = 0;
    for (int i = 0; i < 200 && !running; i++) {
        sleep_ms(100);
        mid = json_lines(json + 5, &mid_requests, &bad);
        if (mid > 0)
            csv_rows(csv + 4, &mid_csv);
        running = mid > 0 && waitpid(pid, NULL, WNOHANG) == 0;
        if (mid > 0 && !running)
            break; /* it ended before a line could be seen: the check below fails */
    }
    CHECK(running);
    CHECK(mid > 0);
    CHECK_INT_EQ(bad, 0);
    CHECK(mid_requests > 0);
    CHECK(mid_csv > 0);
    CHECK_INT_EQ(sc_reap(pid, 30), 0);
    cJSON *r = sc_json(res);
    CHECK(r != NULL);
    double want = sc_num(cJSON_GetObjectItem(r, "totals"), "requests"), got, got_csv;
    CHECK(json_lines(json + 5, &got, &bad) > mid);
    CHECK_INT_EQ(bad, 0);
    CHECK(want > mid_requests);
    CHECK_INT_EQ(got, want);
    CHECK(csv_rows(csv + 4, &got_csv) > 0);
    CHECK_INT_EQ(got_csv, want);
    cJSON_Delete(r);
}

/* Run 'load URL -d SECONDS' with a prometheus-rw output to port; the result in *res. */
static struct sc_ran run_with_receiver(int port, const char *seconds, cJSON **res)
{
    char out[128], path[256];
    snprintf(out, sizeof out, "prometheus-rw=http://127.0.0.1:%d/api/v1/write", port);
    snprintf(path, sizeof path, "%s/rw-%d.json", sc_tmpdir(), port);
    const char *args[] = {"load", url, "-R", "20",    "-d", seconds,  "-t", "1",
                          "-c",   "2", "-q", "--out", out,  "--json", path, NULL};
    struct sc_ran ran = sc_run(60, args);
    *res = sc_json(path);
    return ran;
}

static void test_prometheus_down(void)
{
    cJSON *res;
    struct sc_ran ran = run_with_receiver(prom_free_port(), "2s", &res);
    CHECK_INT_EQ(ran.code, 0);
    CHECK(ran.wall_ms < 2000 + 3000);
    CHECK(res != NULL);
    const cJSON *out = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "outputs"), 0);
    CHECK_INT_EQ(sc_num(out, "sent"), 0);
    CHECK(sc_num(out, "failed") + sc_num(out, "dropped") >= 2);
    CHECK(cJSON_IsString(cJSON_GetObjectItem(out, "error")));
    CHECK(sc_num(cJSON_GetObjectItem(res, "totals"), "responses") >= 30);
    CHECK_CONTAINS(ran.err, "prometheus-rw=http://127.0.0.1:"); /* said on the console */
    cJSON_Delete(res);
    sc_ran_free(&ran);
}

/* A loopback socket that listens and never accepts: the kernel's backlog takes connections
 * and nothing ever answers. Its descriptor; its port in *port. */
static int stalled_receiver(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    CHECK(listen(fd, 8) == 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A receiver that takes connections (the kernel's backlog) and never answers: each push
 * waits out its 5 s timeout, the queue fills and the oldest bodies are dropped. */
static void test_prometheus_never_answers(void)
{
    int port, fd = stalled_receiver(&port);
    cJSON *res;
    struct sc_ran ran = run_with_receiver(port, "7s", &res);
    close(fd);
    CHECK_INT_EQ(ran.code, 0);
    /* The load itself took its 7 s; the end waited at most 5 s more for the last pushes. */
    CHECK(sc_num(res, "elapsed_us") < 7.5e6);
    CHECK(ran.wall_ms < 7000 + 5000 + 2500);
    CHECK(sc_num(cJSON_GetObjectItem(res, "totals"), "responses") >= 120);
    const cJSON *out = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "outputs"), 0);
    CHECK_INT_EQ(sc_num(out, "sent"), 0);
    CHECK(sc_num(out, "dropped") >= 1);
    CHECK_CONTAINS(ran.err, "prometheus-rw=http://127.0.0.1:");
    cJSON_Delete(res);
    sc_ran_free(&ran);
}

/* Ctrl-C during a load whose Prometheus never answers: the command still ends at once (the
 * last pushes get a moment only), interrupted, with the result written. */
static void test_ctrl_c_with_a_stalled_receiver(void)
{
    int port, fd = stalled_receiver(&port);
    char out[128], res[256], outp[256], errp[256];
    snprintf(out, sizeof out, "prometheus-rw=http://127.0.0.1:%d/api/v1/write", port);
    snprintf(res, sizeof res, "%s/ctrl-c.json", sc_tmpdir());
    snprintf(outp, sizeof outp, "%s/ctrl-c.out", sc_tmpdir());
    snprintf(errp, sizeof errp, "%s/ctrl-c.err", sc_tmpdir());
    const char *args[] = {"load", url, "-R", "20",    "-d", "60s",    "-t", "1",
                          "-c",   "2", "-q", "--out", out,  "--json", res,  NULL};
    pid_t pid = sc_spawn(args, outp, errp);
    CHECK(pid > 0);
    sleep_ms(2500);
    kill(pid, SIGINT);
    uint64_t t0 = clock_us();
    CHECK_INT_EQ(sc_reap(pid, 30), 3);
    uint64_t took_ms = (clock_us() - t0) / 1000;
    if (took_ms >= 5000)
        fprintf(stderr, "ended %llu ms after Ctrl-C\n", (unsigned long long)took_ms);
    CHECK(took_ms < 5000);
    close(fd);
    cJSON *doc = sc_json(res);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(doc, "interrupted")));
    const cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "outputs"), 0);
    CHECK_INT_EQ(sc_num(o, "sent"), 0);
    CHECK(sc_num(o, "dropped") + sc_num(o, "failed") >= 1);
    cJSON_Delete(doc);
}

/* storecheck run streams its load phase from load.outputs; the report says so. */
static void test_run_streams_its_load_phase(void)
{
    char text[1024], report[256];
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  endpoints: { home: /, health: /healthz }\n"
             "load:\n"
             "  rate: 20\n"
             "  duration: 2s\n"
             "  outputs: [ json=run-live.jsonl ]\n",
             store.http);
    const char *cfg = sc_write("run.yaml", text);
    snprintf(report, sizeof report, "%s/run-report.json", sc_tmpdir());
    const char *args[] = {"run", cfg, "--run-id", "run-live", "--json", report, "-q", NULL};
    struct sc_ran ran = sc_run(120, args);
    CHECK(ran.code == 0 || ran.code == 1); /* the plain-http store fails the audit's gate */
    sc_ran_free(&ran);
    cJSON *doc = sc_json(report);
    const cJSON *load = cJSON_GetObjectItem(doc, "load");
    const cJSON *out = cJSON_GetArrayItem(cJSON_GetObjectItem(load, "outputs"), 0);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(out, "kind")), "json");
    CHECK(sc_num(out, "sent") > 0);
    char path[256];
    snprintf(path, sizeof path, "%s/run-live.jsonl", sc_tmpdir());
    double got;
    int bad;
    CHECK(json_lines(path, &got, &bad) > 0);
    CHECK_INT_EQ(bad, 0);
    CHECK(got > 0);
    CHECK_INT_EQ(got, sc_num(cJSON_GetObjectItem(load, "totals"), "requests"));
    cJSON_Delete(doc);
}

/* Run storecheck with args, which must exit 0 within timeout_s. */
static void run_ok(int timeout_s, const char *const *args)
{
    struct sc_ran ran = sc_run(timeout_s, args);
    CHECK_INT_EQ(ran.code, 0);
    sc_ran_free(&ran);
}

/* The one output of a result's "outputs": a json file at path that wrote every line of it,
 * without a failure. */
static void check_json_output(const cJSON *outputs, int i, const char *path)
{
    const cJSON *o = cJSON_GetArrayItem(outputs, i);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(o, "kind")), "json");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(o, "target")), path);
    double requests;
    int bad;
    int lines = json_lines(path, &requests, &bad);
    CHECK(lines > 0);
    CHECK_INT_EQ(sc_num(o, "sent"), lines);
    CHECK_INT_EQ(sc_num(o, "dropped"), 0);
    CHECK_INT_EQ(sc_num(o, "failed"), 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "error")));
}

/* storecheck capacity streams over all its steps: the counters go on from step to step and
 * end at the steps' requests added up. Its result says what the output did, as a load's
 * does, and reads back. */
static void test_capacity_streams_over_its_steps(void)
{
    char text[1024], res[256], out[256];
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "load:\n"
             "  thresholds: [ \"p99 < 2s\" ]\n"
             "  scenarios:\n"
             "    browse: [ { name: health, path: /healthz } ]\n",
             store.http);
    const char *cfg = sc_write("cap.yaml", text);
    const char *prof = sc_write("cap-profile.yaml", "model: open\n"
                                                    "start_rate: 10\n"
                                                    "stages:\n"
                                                    "  - { duration: 1s, rate: 10 }\n"
                                                    "mix: { browse: 100 }\n"
                                                    "max_vus: 100\n"
                                                    "pre_allocated_vus: 10\n");
    snprintf(res, sizeof res, "%s/cap.json", sc_tmpdir());
    snprintf(out, sizeof out, "json=%s/cap.jsonl", sc_tmpdir());
    const char *args[] = {"capacity",    cfg,    "--profile",       prof, "--start",  "20/s",
                          "--max-rate",  "40/s", "--step-duration", "2s", "--warmup", "0s",
                          "--max-steps", "2",    "--out",           out,  "--json",   res,
                          "-q",          NULL};
    run_ok(60, args);
    cJSON *doc = sc_json(res);
    const cJSON *steps = cJSON_GetObjectItem(doc, "steps");
    CHECK_INT_EQ(cJSON_GetArraySize(steps), 2);
    double want = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, steps) want += sc_num(st, "requests");
    double got;
    int bad;
    CHECK(json_lines(out + 5, &got, &bad) > 0); /* never going down is checked line by line */
    CHECK_INT_EQ(bad, 0);
    CHECK(want > 0);
    CHECK_INT_EQ(got, want);
    const cJSON *outputs = cJSON_GetObjectItem(doc, "outputs");
    CHECK_INT_EQ(cJSON_GetArraySize(outputs), 1);
    check_json_output(outputs, 0, out + 5);
    CHECK(sc_schema_check_against(res, "capacity-result.schema.json") != 0);
    char page[256];
    snprintf(page, sizeof page, "%s/cap.html", sc_tmpdir());
    const char *again[] = {"report", res, "--html", page, NULL};
    run_ok(30, again);
    cJSON_Delete(doc);
}

/* storecheck merge keeps every segment's outputs, each with its segment: each streamed its own
 * series, so no count is added up. */
static void test_merge_keeps_each_segments_outputs(void)
{
    char res[2][256], out[2][256], merged[256], seg[2][8];
    for (int i = 0; i < 2; i++) {
        snprintf(res[i], sizeof res[i], "%s/seg-%d.json", sc_tmpdir(), i);
        snprintf(out[i], sizeof out[i], "json=%s/seg-%d.jsonl", sc_tmpdir(), i);
        snprintf(seg[i], sizeof seg[i], "%d/2", i);
        const char *args[] = {"load",      url,     "--rate", "20",        "-d",   "2s",
                              "--threads", "1",     "-q",     "--segment", seg[i], "--run-id",
                              "merge-out", "--out", out[i],   "--json",    res[i], NULL};
        run_ok(30, args);
    }
    snprintf(merged, sizeof merged, "%s/merged.json", sc_tmpdir());
    const char *args[] = {"merge", res[1], res[0], "--json", merged, "-q", NULL};
    run_ok(30, args);
    cJSON *doc = sc_json(merged);
    const cJSON *outputs = cJSON_GetObjectItem(doc, "outputs");
    CHECK_INT_EQ(cJSON_GetArraySize(outputs), 2);
    for (int i = 0; i < 2; i++) {
        check_json_output(outputs, i, out[i] + 5);
        CHECK_INT_EQ(sc_num(cJSON_GetArrayItem(outputs, i), "segment"), i);
    }
    CHECK(sc_schema_check(merged) != 0);
    cJSON_Delete(doc);
}

/* A bad --out is a usage error (exit 2) before anything runs, on every command that has it. */
static void test_bad_out_is_a_usage_error(void)
{
    const char *cfg = sc_write("bad-out.yaml", "target:\n"
                                               "  base_url: http://127.0.0.1:9\n"
                                               "load:\n"
                                               "  scenarios: { s: [ { path: / } ] }\n");
    const char *const runs[][6] = {
        {"load", url, "--out", "xml=a.xml", NULL},
        {"load", url, "--out", "prometheus-rw=127.0.0.1:9090", NULL},
        {"run", cfg, "--out", "json=", NULL},
        {"capacity", cfg, "--max-rate", "10/s", "--out", "csv"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        const char *args[8] = {0};
        for (size_t k = 0; k < 6 && runs[i][k]; k++)
            args[k] = runs[i][k];
        struct sc_ran ran = sc_run(30, args);
        CHECK_INT_EQ(ran.code, 2);
        CHECK_CONTAINS(ran.err, "--out");
        sc_ran_free(&ran);
    }
}

int main(void)
{
    const char *args[] = {NULL};
    if (!rs_start(&store, args)) {
        fprintf(stderr, "cannot start the reference store\n");
        return 1;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", store.http);
    RUN(test_bad_out_is_a_usage_error);
    RUN(test_files_stream_while_the_run_goes_on);
    RUN(test_prometheus_down);
    RUN(test_prometheus_never_answers);
    RUN(test_ctrl_c_with_a_stalled_receiver);
    RUN(test_run_streams_its_load_phase);
    RUN(test_capacity_streams_over_its_steps);
    RUN(test_merge_keeps_each_segments_outputs);
    CHECK_INT_EQ(rs_stop(&store), 0);
    sc_tmpdir_remove();
    return check_summary();
}
