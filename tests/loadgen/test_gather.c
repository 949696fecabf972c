/* Answer gathering: the loop's sleep follows 1% of the recent mean response time, within
 * bounds, and the thread's timer slack keeps the granted sleep within it. */
#include <ev.h>
#include <sys/prctl.h>

#include "loadgen/gather.h"
#include "tests/support/check.h"

static void test_bound_is_a_hundredth_of_the_mean_within_limits(void)
{
    CHECK_INT_EQ(gather_bound_us(0), 0);
    CHECK_INT_EQ(gather_bound_us(1999), 0); /* under GATHER_MIN_US: off */
    CHECK_INT_EQ(gather_bound_us(2000), 20);
    CHECK_INT_EQ(gather_bound_us(3210), 32);
    CHECK_INT_EQ(gather_bound_us(9999), 99);
    CHECK_INT_EQ(gather_bound_us(10001), 100);
    CHECK_INT_EQ(gather_bound_us(60000000), GATHER_MAX_US);
}

static void answers(struct gather *g, struct ev_loop *loop, int n, uint64_t latency_us)
{
    for (int i = 0; i < n; i++)
        gather_answer(g, loop, latency_us);
}

static void test_the_bound_follows_each_batch_of_answers(void)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    CHECK(loop != NULL);
    struct gather g = {0};
    answers(&g, loop, GATHER_EVERY - 1, 8000);
    CHECK_INT_EQ(g.bound_us, 0); /* not a whole batch yet */
    answers(&g, loop, 1, 8000);
    CHECK_INT_EQ(g.bound_us, 80);
    /* Half of the bound is the slack the kernel may add to the sleep. */
    CHECK_INT_EQ(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 40000);
    /* Two slow answers among fast ones move the mean, not a maximum. */
    answers(&g, loop, 2, 100000);
    answers(&g, loop, GATHER_EVERY - 2, 2400);
    CHECK_INT_EQ(g.bound_us, (2 * 100000 + (GATHER_EVERY - 2) * 2400) / GATHER_EVERY / 100);
    answers(&g, loop, GATHER_EVERY, 1500);
    CHECK_INT_EQ(g.bound_us, 0);
    ev_loop_destroy(loop);
}

int main(void)
{
    RUN(test_bound_is_a_hundredth_of_the_mean_within_limits);
    RUN(test_the_bound_follows_each_batch_of_answers);
    return check_summary();
}
