/* The live progress lines as text: what each says, and that none is wider than the terminal
 * (a wrapped line cannot be redrawn in place). */
#include <string.h>

#include "checker/progress_view.h"
#include "tests/support/check.h"

static void test_audit_line(void)
{
    const char *running[] = {"S-HSTS", "T-RATE-LIMIT", "O-HEALTH", "R-TIMEOUTS"};
    struct progress_audit_view v = {"baseline audit", 12, 40, running, 4, 3400};
    char line[512];
    size_t n = progress_format_audit(line, sizeof line, &v, 200);
    CHECK_STR_EQ(line, "baseline audit  12/40 probes done  3s  running: S-HSTS, T-RATE-LIMIT, "
                       "O-HEALTH, R-TIMEOUTS");
    CHECK_INT_EQ(n, strlen(line));

    /* Narrow: the ids that do not fit are counted, and the line stays within the width. */
    n = progress_format_audit(line, sizeof line, &v, 72);
    CHECK(n <= 71);
    CHECK_STR_EQ(line, "baseline audit  12/40 probes done  3s  running: S-HSTS, T-RATE-LIMIT +2");

    /* Nothing running: no list. */
    v.running_count = 0;
    v.done = 40;
    progress_format_audit(line, sizeof line, &v, 80);
    CHECK_STR_EQ(line, "baseline audit  40/40 probes done  3s");
}

static void test_load_line(void)
{
    struct progress_load_view v = {.phase = "load",
                                   .elapsed_us = 12500000,
                                   .duration_us = 30000000,
                                   .users = 1,
                                   .active = 10,
                                   .most = 50,
                                   .iterations_kept = 1,
                                   .iterations = 120,
                                   .iterations_failed = 2,
                                   .rate = 45,
                                   .p95_us = 12300,
                                   .errors = 3,
                                   .extra = "under-load probes 1/3 done"};
    char line[512];
    progress_format_load(line, sizeof line, &v, 400);
    CHECK_STR_EQ(line, "load [==========>             ] 12s/30s  users 10/50  iterations 120 "
                       "(2 failed)  45 req/s  p95 12.3ms  errors 3  under-load probes 1/3 done");

    /* A narrower terminal: the bar shrinks so that the numbers still fit. */
    progress_format_load(line, sizeof line, &v, 130);
    CHECK_STR_EQ(line, "load [=====>        ] 12s/30s  users 10/50  iterations 120 (2 failed)  "
                       "45 req/s  p95 12.3ms  errors 3  under-load probes 1/3 done");
    /* Down to a bar of ten; then the end of the line is cut, between two numbers. */
    progress_format_load(line, sizeof line, &v, 80);
    CHECK_STR_EQ(line,
                 "load [====>     ] 12s/30s  users 10/50  iterations 120 (2 failed)  45 req/s");

    /* A URL run: connections, no iterations; no response yet: no p95; past the end: full. */
    v = (struct progress_load_view){.phase = "load, fault orders_down on",
                                    .elapsed_us = 95000000,
                                    .duration_us = 90000000,
                                    .active = 4,
                                    .most = 16};
    progress_format_load(line, sizeof line, &v, 400);
    CHECK_STR_EQ(line, "load, fault orders_down on [========================] 1m35s/1m30s  "
                       "connections 4/16  0 req/s  errors 0");

    /* Never wider than the terminal, however narrow; a tiny buffer is cut, not overrun. */
    for (int width = 1; width < 200; width += 7) {
        size_t n = progress_format_load(line, sizeof line, &v, width);
        CHECK(n == strlen(line) && n <= (size_t)(width < 20 ? 19 : width - 1));
    }
    char tiny[8];
    CHECK_INT_EQ(progress_format_load(tiny, sizeof tiny, &v, 200), 7);
    CHECK_STR_EQ(tiny, "load, f");
}

int main(void)
{
    RUN(test_audit_line);
    RUN(test_load_line);
    return check_summary();
}
