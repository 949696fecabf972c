/* Figures in evidence: a value outside the range its quantity can take is said to be
 * implausible instead of printed, and monotonic intervals are signed. */
#include <math.h>
#include <stdint.h>

#include "probes/figure.h"
#include "tests/support/check.h"

static void test_in_range_prints_the_value(void)
{
    char buf[FIGURE_LEN];
    CHECK_STR_EQ(figure(buf, sizeof buf, 412.4, 0, FIGURE_MAX_WAIT_MS, 0, "ms"), "412 ms");
    CHECK_STR_EQ(figure(buf, sizeof buf, 1.25, 0, 100, 2, "s"), "1.25 s");
    CHECK_STR_EQ(figure(buf, sizeof buf, -3, -10, 10, 0, "s"), "-3 s");
    CHECK_STR_EQ(figure(buf, sizeof buf, 0, 0, 0, 0, "ms"), "0 ms");
}

static void test_out_of_range_is_named(void)
{
    char buf[FIGURE_LEN];
    /* The wrapped unsigned difference R-WEBHOOK-RETRY once printed. */
    CHECK_STR_EQ(figure(buf, sizeof buf, 18446744073709551607.0, 0, FIGURE_MAX_WAIT_MS, 0, "ms"),
                 "(not a plausible figure: 1.84467e+19 ms)");
    /* O-CLOCK's skew computed from a missing Date. */
    CHECK_CONTAINS(figure(buf, sizeof buf, 1796458849, 0, FIGURE_MAX_SKEW_S / 100, 0, "s"),
                   "not a plausible figure");
    CHECK_CONTAINS(figure(buf, sizeof buf, -1, 0, 10, 0, "ms"), "not a plausible figure: -1 ms");
    CHECK_CONTAINS(figure(buf, sizeof buf, NAN, 0, 10, 0, "ms"), "not a plausible figure");
    CHECK(!figure_in_range(INFINITY, 0, FIGURE_MAX_WAIT_MS));
    CHECK(figure_in_range(FIGURE_MAX_WAIT_MS, 0, FIGURE_MAX_WAIT_MS));
    CHECK(!figure_in_range(FIGURE_MAX_WAIT_MS + 1, 0, FIGURE_MAX_WAIT_MS));
}

static void test_signed_intervals(void)
{
    CHECK(figure_ms_between(1000, 990) == 10);
    CHECK(figure_ms_between(990, 1000) == -10);
    CHECK(figure_ms_between(0, UINT64_C(5000000000)) == -INT64_C(5000000000));
}

int main(void)
{
    RUN(test_in_range_prints_the_value);
    RUN(test_out_of_range_is_named);
    RUN(test_signed_intervals);
    return check_summary();
}
