/* The end-of-test table as text: the checks' rate and each one that did not pass by name (on
 * one line, whatever the server put in its reason), the thresholds with their observed values,
 * and nothing of a load when none ran. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/summary_table.h"
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

int main(void)
{
    RUN(test_run_table);
    return check_summary();
}
