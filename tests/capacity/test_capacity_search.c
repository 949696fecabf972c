/* The capacity search against fake stores: a sharp knee, a noisy store, the cap, the abort,
 * a start that already breaks, and the step budget. */
#include <math.h>

#include "checker/capacity_search.h"
#include "tests/support/check.h"

/* A fake store: holds every rate up to knee; its errors explode at exactly abort_at (when
 * > 0); it breaks at the rates listed in noise even below the knee. */
struct oracle {
    double knee, abort_at;
    const double *noise;
    int noise_count;
    double tried[64];
    int tries;
};

static enum capacity_verdict ask(struct oracle *o, double rate)
{
    o->tried[o->tries++ % 64] = rate;
    for (int i = 0; i < o->noise_count; i++)
        if (fabs(o->noise[i] - rate) < 1e-9)
            return CAPACITY_BREAKS;
    if (o->abort_at > 0 && fabs(rate - o->abort_at) < 1e-9)
        return CAPACITY_ABORTS;
    return rate <= o->knee ? CAPACITY_HOLDS : CAPACITY_BREAKS;
}

static void search(struct capacity_search *s, const struct capacity_rules *r, struct oracle *o)
{
    capacity_search_init(s, r);
    double rate;
    while (capacity_search_next(s, &rate) && o->tries < 64)
        capacity_search_record(s, rate, ask(o, rate));
}

static const struct capacity_rules doubling = {
    .start = 50, .factor = 2, .precision = 0.05, .relative = 1, .max_steps = 40};

static void test_sharp_knee_within_precision(void)
{
    struct oracle o = {.knee = 230};
    struct capacity_search s;
    search(&s, &doubling, &o);
    CHECK_INT_EQ(s.end, CAPACITY_FOUND);
    CHECK(s.holds <= 230 && s.breaks > 230);
    CHECK(s.breaks - s.holds <= 0.05 * s.breaks);
    CHECK(s.holds >= 230 * 0.95);
    /* 50, 100, 200 hold, 400 breaks, then bisection only inside (200, 400). */
    CHECK(o.tried[0] == 50 && o.tried[1] == 100 && o.tried[2] == 200 && o.tried[3] == 400);
    for (int i = 4; i < o.tries; i++)
        CHECK(o.tried[i] > 200 && o.tried[i] < 400);
}

static void test_increment_and_absolute_precision(void)
{
    struct capacity_rules r = {
        .start = 100, .increment = 100, .precision = 10, .max_steps = 40};
    struct oracle o = {.knee = 555};
    struct capacity_search s;
    search(&s, &r, &o);
    CHECK_INT_EQ(s.end, CAPACITY_FOUND);
    CHECK(o.tried[1] == 200 && o.tried[4] == 500 && o.tried[5] == 600);
    CHECK(s.holds <= 555 && s.breaks > 555 && s.breaks - s.holds <= 10);
}

static void test_noise_keeps_a_seen_bracket(void)
{
    /* 200 breaks by chance though the knee is 330: the search bisects (100, 200) and may
     * only report rates it saw hold, with a breaking one within the precision above. */
    static const double noise[] = {200};
    struct oracle o = {.knee = 330, .noise = noise, .noise_count = 1};
    struct capacity_search s;
    search(&s, &doubling, &o);
    CHECK_INT_EQ(s.end, CAPACITY_FOUND);
    CHECK(s.breaks - s.holds <= 0.05 * s.breaks);
    int held = 0, broke = 0;
    for (int i = 0; i < o.tries; i++) {
        held |= o.tried[i] == s.holds;
        broke |= o.tried[i] == s.breaks;
    }
    CHECK(held && broke && s.breaks == 200);
    CHECK(s.holds > 100 && s.holds < 200);
}

static void test_noise_holding_above_the_knee(void)
{
    /* A store that holds 400 once though it breaks from 300 on: the search steps on to 800
     * and then bisects (400, 800), never back below what it saw hold. */
    struct oracle o = {.knee = 300};
    struct capacity_search s;
    capacity_search_init(&s, &doubling);
    double rate;
    while (capacity_search_next(&s, &rate) && o.tries < 64) {
        enum capacity_verdict v = rate == 400 ? CAPACITY_HOLDS : ask(&o, rate);
        capacity_search_record(&s, rate, v);
    }
    CHECK_INT_EQ(s.end, CAPACITY_FOUND);
    CHECK(s.holds == 400 && s.breaks > 400 && s.breaks <= 400 / 0.95 + 1e-9);
}

static void test_max_rate_caps(void)
{
    struct capacity_rules r = doubling;
    r.max_rate = 300;
    struct oracle o = {.knee = 1e9};
    struct capacity_search s;
    search(&s, &r, &o);
    CHECK_INT_EQ(s.end, CAPACITY_AT_MAX_RATE);
    CHECK(s.holds == 300);
    CHECK_INT_EQ(o.tries, 4); /* 50, 100, 200, then 300 instead of 400 */
    for (int i = 0; i < o.tries; i++)
        CHECK(o.tried[i] <= 300);
}

static void test_max_rate_breaking_bisects_below_it(void)
{
    struct capacity_rules r = doubling;
    r.max_rate = 300;
    struct oracle o = {.knee = 250};
    struct capacity_search s;
    search(&s, &r, &o);
    CHECK_INT_EQ(s.end, CAPACITY_FOUND);
    CHECK(s.breaks <= 300 && s.holds <= 250 && s.holds >= 250 * 0.95);
}

static void test_abort_stops_at_once(void)
{
    struct oracle o = {.knee = 1e9, .abort_at = 400};
    struct capacity_search s;
    search(&s, &doubling, &o);
    CHECK_INT_EQ(s.end, CAPACITY_ABORTED);
    CHECK_INT_EQ(o.tries, 4); /* 50, 100, 200 hold, 400 aborts: no bisection after it */
    CHECK(s.holds == 200 && s.breaks == 400);
    double rate;
    CHECK(!capacity_search_next(&s, &rate));
}

static void test_abort_in_bisection(void)
{
    /* 200 breaks; the abort rule fires when a bisection step at 150 aborts. */
    struct oracle o = {.knee = 120, .abort_at = 150};
    struct capacity_search s;
    search(&s, &doubling, &o);
    CHECK_INT_EQ(s.end, CAPACITY_ABORTED);
    CHECK(s.holds == 100 && s.breaks == 150);
    CHECK(o.tried[o.tries - 1] == 150);
}

static void test_start_already_breaks(void)
{
    struct oracle o = {.knee = 20};
    struct capacity_search s;
    search(&s, &doubling, &o);
    CHECK_INT_EQ(s.end, CAPACITY_FOUND);
    CHECK(o.tried[0] == 50 && o.tried[1] == 25 && o.tried[2] == 12.5);
    CHECK(s.holds <= 20 && s.holds >= 19);
}

static void test_nothing_holds(void)
{
    struct oracle o = {.knee = 0};
    struct capacity_search s;
    search(&s, &doubling, &o);
    CHECK_INT_EQ(s.end, CAPACITY_NOTHING_HOLDS);
    CHECK(s.holds == 0);
    CHECK_INT_EQ(o.tries, 5); /* 50, 25, 12.5, 6.25, 3.125 */
}

static void test_step_budget(void)
{
    struct capacity_rules r = doubling;
    r.max_steps = 5;
    struct oracle o = {.knee = 1000};
    struct capacity_search s;
    search(&s, &r, &o);
    CHECK_INT_EQ(s.end, CAPACITY_OUT_OF_STEPS);
    CHECK_INT_EQ(o.tries, 5);
    CHECK(s.holds == 800);
    CHECK_STR_EQ(capacity_end_name(s.end), "out_of_steps");
}

int main(void)
{
    RUN(test_sharp_knee_within_precision);
    RUN(test_increment_and_absolute_precision);
    RUN(test_noise_keeps_a_seen_bracket);
    RUN(test_noise_holding_above_the_knee);
    RUN(test_max_rate_caps);
    RUN(test_max_rate_breaking_bisects_below_it);
    RUN(test_abort_stops_at_once);
    RUN(test_abort_in_bisection);
    RUN(test_start_already_breaks);
    RUN(test_nothing_holds);
    RUN(test_step_budget);
    return check_summary();
}
