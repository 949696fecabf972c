/* The open model's schedule: absolute intended times, ramps, counts per stage. */
#include <math.h>

#include "loadgen/schedule.h"
#include "tests/support/check.h"

static uint64_t count_arrivals(const struct schedule *s)
{
    size_t hint = 0;
    uint64_t k = 0, prev = 0;
    for (;; k++) {
        uint64_t t = schedule_arrival_time(s, k, &hint);
        if (t == UINT64_MAX)
            return k;
        CHECK(t >= prev);
        prev = t;
    }
}

static void test_constant_rate_has_no_drift(void)
{
    struct schedule s;
    CHECK(schedule_init(&s, 1000, NULL, 0, 10000000) == 0);
    size_t hint = 0;
    CHECK_INT_EQ(schedule_arrival_time(&s, 0, &hint), 0);
    CHECK_INT_EQ(schedule_arrival_time(&s, 1, &hint), 1000);
    /* Request 9999 is due at exactly 9.999 s: computed from k, never accumulated. */
    CHECK_INT_EQ(schedule_arrival_time(&s, 9999, &hint), 9999000);
    CHECK_INT_EQ(count_arrivals(&s), 10000);
    CHECK(fabs(schedule_arrivals(&s, 5000000) - 5000) < 1e-6);
    CHECK(schedule_value_at(&s, 123) == 1000);
}

static void test_ramps(void)
{
    /* 0 -> 100/s over 2 s (100 arrivals), 100/s for 1 s (100), 100 -> 0 over 2 s (100). */
    struct lg_stage st[] = {{2000000, 100}, {1000000, 100}, {2000000, 0}};
    struct schedule s;
    CHECK(schedule_init(&s, 0, st, 3, 5000000) == 0);
    CHECK_INT_EQ(count_arrivals(&s), 300);
    CHECK(fabs(schedule_value_at(&s, 1000000) - 50) < 1e-9);
    CHECK(fabs(schedule_value_at(&s, 4000000) - 50) < 1e-9);
    CHECK(fabs(schedule_arrivals(&s, 2000000) - 100) < 1e-9);
    size_t hint = 0;
    /* Under a linear ramp from 0, arrival k is due at sqrt(2k/a): k = 25 at 1 s. */
    CHECK_INT_EQ(schedule_arrival_time(&s, 25, &hint), 1000000);
    CHECK_INT_EQ(schedule_arrival_time(&s, 150, &hint), 2500000);
}

static void test_hold_after_stages_and_cut_by_duration(void)
{
    struct lg_stage st[] = {{1000000, 200}};
    struct schedule s;
    /* Ramp 0 -> 200 in 1 s (100), then hold 200/s for 2 s (400); the run ends at 3 s. */
    CHECK(schedule_init(&s, 0, st, 1, 3000000) == 0);
    CHECK_INT_EQ(count_arrivals(&s), 500);
    /* A shorter run cuts the ramp: 0.5 s of it holds 25 arrivals. */
    CHECK(schedule_init(&s, 0, st, 1, 500000) == 0);
    CHECK_INT_EQ(count_arrivals(&s), 25);
}

int main(void)
{
    RUN(test_constant_rate_has_no_drift);
    RUN(test_ramps);
    RUN(test_hold_after_stages_and_cut_by_duration);
    return check_summary();
}
