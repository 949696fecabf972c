/* --out prometheus-rw against a real Prometheus (Debian's, started here on loopback with the
 * remote-write receiver on): a scenario run against the reference store pushes once a second,
 * and Prometheus's HTTP API then gives the run's totals — requests, responses by status,
 * errors, iterations, failures, check failures, latency count — equal to its JSON result. The
 * output is named in load.outputs, so the config path is the one exercised. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/outputs/prom_fixture.h"
#include "tests/refstore/harness.h"
#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

#define RUN_ID "rw-totals"

static struct rs_server store;
static struct prom_fixture prom;

static double query(const char *promql)
{
    double v = -1;
    CHECK(prom_query(&prom, promql, &v) == 0);
    return v;
}

/* sum(metric{run_id="RUN_ID"<more matchers>}) */
static double total(const char *metric, const char *matchers)
{
    char q[512];
    snprintf(q, sizeof q, "sum(%s{run_id=\"%s\"%s})", metric, RUN_ID, matchers);
    return query(q);
}

/* The latency buckets' bounds in seconds, as docs/outputs.md lists them. */
static const double bounds[] = {0,    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                0.25, 0.5,   1,      2.5,   5,    10,    30,   60};

/* Sum of key over the objects of the array. */
static double sum_of(const cJSON *array, const char *key)
{
    double n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, array) n += sc_num(o, key);
    return n;
}

/* Responses whose status is in [lo, hi). */
static double statuses(const cJSON *totals, int lo, int hi)
{
    double n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(totals, "status")) if (atoi(o->string) >= lo &&
                                                                     atoi(o->string) < hi) n +=
        o->valuedouble;
    return n;
}

static void test_totals_in_prometheus_equal_the_result(void)
{
    char text[2048];
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  timeout: 5s\n"
             "load:\n"
             "  outputs:\n"
             "    - prometheus-rw=%s\n"
             "  scenarios:\n"
             "    browse: [ { name: health, path: /healthz },\n"
             "              { name: product, path: /api/v1/products/1 } ]\n"
             "    picky: [ { name: priced, path: /api/v1/products/2,\n"
             "               check: \"$.currency == \\\"USD\\\"\" } ]\n"
             "    lost: [ { name: missing, path: /no-such-page } ]\n",
             store.http, prom.write_url);
    const char *cfg = sc_write("rw.yaml", text);
    const char *prof = sc_write("rw-profile.yaml", "model: open\n"
                                                   "start_rate: 40\n"
                                                   "stages:\n"
                                                   "  - { duration: 3s, rate: 40 }\n"
                                                   "mix: { browse: 50, picky: 30, lost: 20 }\n"
                                                   "max_vus: 100\n"
                                                   "pre_allocated_vus: 20\n");
    char json[512];
    snprintf(json, sizeof json, "%s/rw.json", sc_tmpdir());
    const char *args[] = {"load", cfg,        "--profile", prof,     "--threads", "2",
                          "-q",   "--run-id", RUN_ID,      "--json", json,        NULL};
    struct sc_ran ran = sc_run(60, args);
    CHECK_INT_EQ(ran.code, 0);
    if (ran.code != 0)
        fprintf(stderr, "%s%s", ran.out, ran.err);
    sc_ran_free(&ran);
    cJSON *res = sc_json(json);
    CHECK(res != NULL);
    if (!res)
        return;
    const cJSON *totals = cJSON_GetObjectItem(res, "totals");
    const cJSON *scenarios = cJSON_GetObjectItem(res, "scenarios");
    const cJSON *latency = cJSON_GetObjectItem(cJSON_GetObjectItem(res, "latency_us"), "corrected");
    /* The run did what the comparison is about. */
    CHECK(sc_num(totals, "requests") > 50);
    CHECK(statuses(totals, 400, 500) > 0);
    CHECK(sc_num(sc_step(res, "picky", "priced"), "failed_total") > 0);

    CHECK_INT_EQ(total("storecheck_requests_total", ""), sc_num(totals, "requests"));
    CHECK_INT_EQ(total("storecheck_responses_total", ""), sc_num(totals, "responses"));
    CHECK_INT_EQ(total("storecheck_responses_total", ",status=\"4xx\""),
                 statuses(totals, 400, 500));
    CHECK_INT_EQ(total("storecheck_responses_total", ",status=\"2xx\""),
                 statuses(totals, 200, 300));
    CHECK_INT_EQ(total("storecheck_errors_total", ""), sc_num(totals, "errors_total"));
    CHECK_INT_EQ(total("storecheck_iterations_started_total", ""), sum_of(scenarios, "started"));
    CHECK_INT_EQ(total("storecheck_iterations_completed_total", ""),
                 sum_of(scenarios, "completed"));
    CHECK_INT_EQ(total("storecheck_iterations_failed_total", ""),
                 sum_of(scenarios, "failed_total"));
    CHECK_INT_EQ(total("storecheck_iterations_failed_total", ",reason=\"unexpected_status\""),
                 sc_failed(sc_scenario(res, "lost"), "unexpected_status"));
    CHECK_INT_EQ(total("storecheck_check_failures_total", ",scenario=\"picky\",step=\"priced\""),
                 sc_failed(sc_step(res, "picky", "priced"), "check_failed"));
    CHECK_INT_EQ(total("storecheck_latency_seconds_count", ""), sc_num(latency, "count"));
    CHECK_INT_EQ(total("storecheck_latency_seconds_bucket", ",le=\"+Inf\""),
                 sc_num(latency, "count"));
    CHECK_INT_EQ(
        total("storecheck_step_latency_seconds_count", ",step=\"health\""),
        sc_num(cJSON_GetObjectItem(sc_step(res, "browse", "health"), "latency_us"), "count"));
    CHECK_INT_EQ(total("storecheck_iteration_duration_seconds_count", ",scenario=\"browse\""),
                 sc_num(sc_scenario(res, "browse"), "completed"));
    /* The median from the buckets lies in the bucket that holds the result's median. */
    double p50 = query("histogram_quantile(0.5, sum by (le) "
                       "(storecheck_latency_seconds_bucket{run_id=\"" RUN_ID "\"}))");
    double want = sc_num(latency, "p50") / 1e6;
    size_t b = 1;
    while (b + 1 < sizeof bounds / sizeof *bounds && want > bounds[b])
        b++;
    if (!(p50 >= bounds[b - 1] && p50 <= bounds[b]))
        fprintf(stderr, "p50 %g s from Prometheus, %g s in the result\n", p50, want);
    CHECK(p50 >= bounds[b - 1] && p50 <= bounds[b]);
    /* Pushed while the run went on (a 3 s run: at least two seconds and the end), none lost. */
    const cJSON *out = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "outputs"), 0);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(out, "kind")), "prometheus-rw");
    CHECK(sc_num(out, "sent") >= 3);
    CHECK_INT_EQ(sc_num(out, "dropped"), 0);
    CHECK_INT_EQ(sc_num(out, "failed"), 0);
    cJSON_Delete(res);
}

int main(void)
{
    if (prom_start(&prom, 60) != 0) {
        fprintf(stderr, "SKIP: prometheus is not installed or did not start "
                        "(scripts/install-deps.sh --tests installs it)\n");
        return 77;
    }
    const char *args[] = {NULL};
    if (!rs_start(&store, args)) {
        fprintf(stderr, "cannot start the reference store\n");
        prom_stop(&prom);
        return 1;
    }
    RUN(test_totals_in_prometheus_equal_the_result);
    CHECK_INT_EQ(rs_stop(&store), 0);
    prom_stop(&prom);
    sc_tmpdir_remove();
    return check_summary();
}
