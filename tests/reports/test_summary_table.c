/* The end-of-test table as text: the checks' rate and each one that did not pass by name (on
 * one line, whatever the server put in its reason), the thresholds with their observed values,
 * and nothing of a load when none ran. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/summary_table.h"
#include "loadgen/hist.h"
#include "tests/support/check.h"

static char *render(const struct summary_table *t)
{
    static char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    struct cli cli = {0}; /* no colour: the text alone */
    summary_table_print(&cli, f, t);
    fclose(f);
    return buf;
}

static void test_run_table(void)
{
    static const struct probe probes[] = {{.id = "S-HSTS", .group = GROUP_S},
                                          {.id = "S-CSP", .group = GROUP_S},
                                          {.id = "T-LATENCY", .group = GROUP_T},
                                          {.id = "O-HEALTH-UNDER-LOAD", .group = GROUP_O},
                                          {.id = "R-TIMEOUTS", .group = GROUP_R}};
    struct probe_result results[] = {
        {.status = PROBE_PASS, .reason = "fine"},
        {.status = PROBE_FAIL, .reason = "no CSP\nat all\x1b[2J"},
        {.status = PROBE_WARN, .reason = "slow-ish"},
        {.status = PROBE_ERROR, .reason = "timed out after 5000 ms (the probe timeout)"},
        {.status = PROBE_SKIP, .reason = "not configured"}};
    struct report_check checks[5];
    for (size_t i = 0; i < 5; i++)
        checks[i] =
            (struct report_check){&probes[i], SEV_HIGH, &results[i], PHASE_BASELINE, 0, NULL};
    checks[1].gated = 1;
    checks[3].phase = PHASE_UNDER_LOAD;
    checks[3].severity = SEV_MEDIUM;
    struct report_threshold th[2] = {{.expr = "p95 < 800ms"}, {.expr = "error_rate < 1%"}};
    th[0].result.verdict = TH_PASS;
    snprintf(th[0].result.line, sizeof th[0].result.line, "p95 = 12ms, allowed < 800ms");
    th[1].result.verdict = TH_FAIL;
    snprintf(th[1].result.line, sizeof th[1].result.line, "error_rate = 2.5%%, allowed < 1%%");
    struct summary_table t = {checks, 5, th, 2, NULL, NULL};
    const char *out = render(&t);
    CHECK_CONTAINS(out, "  checks..........................: 33.33%  \xe2\x9c\x93 1  \xe2\x9c\x97 2"
                        "  (1 warn, 1 skip)\n");
    CHECK_CONTAINS(out, "    \xe2\x9c\x97 S-CSP fail (high) [gate]: no CSP at all [2J\n");
    CHECK_CONTAINS(out, "    ! T-LATENCY warn (high): slow-ish\n");
    CHECK_CONTAINS(out,
                   "    \xe2\x9c\x97 O-HEALTH-UNDER-LOAD under load error (medium): timed out");
    CHECK(!strstr(out, "S-HSTS") && !strstr(out, "R-TIMEOUTS") && !strchr(out, '\x1b'));
    CHECK_CONTAINS(out,
                   "  thresholds\n"
                   "    \xe2\x9c\x93 p95 < 800ms.................: p95 = 12ms, allowed < 800ms\n"
                   "    \xe2\x9c\x97 error_rate < 1%.............: error_rate = 2.5%, allowed "
                   "< 1%\n");
    CHECK(!strstr(out, "http_reqs") && !strstr(out, "iterations"));
}

/* A threshold with no data is failed (\xe2\x9c\x97) with "no data" observed, in a run's table and
 * in a load's, as every report says it. */
static void test_threshold_without_data(void)
{
    struct report_threshold th = {.expr = "errors(step:pay) == 0"};
    th.result.verdict = TH_NODATA;
    snprintf(th.result.line, sizeof th.result.line, "errors(step:pay): no data, allowed == 0");
    struct summary_table t = {NULL, 0, &th, 1, NULL, NULL};
    const char *want = "    \xe2\x9c\x97 errors(step:pay) == 0.......: errors(step:pay): no data, "
                       "allowed == 0\n";
    CHECK_CONTAINS(render(&t), want);
    char expr[] = "errors(step:pay) == 0", line[] = "errors(step:pay): no data, allowed == 0";
    struct lg_threshold_outcome o = {.expr = expr, .line = line, .no_data = 1};
    struct load_result load = {.elapsed_us = 1000000, .thresholds = &o, .threshold_count = 1};
    load.latency = hist_new();
    t = (struct summary_table){.load = &load};
    CHECK_CONTAINS(render(&t), want);
    hist_free(load.latency);
}

/* An under-load check says which protocol the load's connections spoke, and the load's lines
 * say it beside the version asked for. */
static void test_load_protocol(void)
{
    static const struct probe probes[] = {{.id = "O-HEALTH-UNDER-LOAD", .group = GROUP_O},
                                          {.id = "S-HSTS", .group = GROUP_S}};
    struct probe_result result = {.status = PROBE_FAIL, .reason = "slow"};
    struct report_check checks[] = {{&probes[0], SEV_HIGH, &result, PHASE_UNDER_LOAD, 0, NULL},
                                    {&probes[1], SEV_HIGH, &result, PHASE_BASELINE, 0, NULL}};
    struct load_result load = {.http = LG_HTTP_2, .elapsed_us = 1000000};
    load.totals.protocols[LG_PROTO_H2] = 3;
    load.latency = hist_new();
    struct summary_table t = {checks, 2, NULL, 0, &load, NULL};
    const char *out = render(&t);
    CHECK_CONTAINS(out, "O-HEALTH-UNDER-LOAD under load over h2 fail (high): slow\n");
    CHECK_CONTAINS(out, "S-HSTS fail (high): slow\n"); /* the baseline ran without the load */
    CHECK_CONTAINS(out, "  http_protocol...................: h2  (HTTP 2 asked)\n");
    load.totals.protocols[LG_PROTO_HTTP1] = 1;
    load.http = LG_HTTP_AUTO;
    out = render(&t);
    CHECK_CONTAINS(out, "under load over http/1.1 and h2 fail");
    CHECK_CONTAINS(out, ": http/1.1 and h2  (HTTP auto asked)\n");
    hist_free(load.latency);
}

int main(void)
{
    RUN(test_run_table);
    RUN(test_load_protocol);
    RUN(test_threshold_without_data);
    return check_summary();
}
