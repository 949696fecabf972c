/* The shared connection gauge: its peak is the most open at one moment, not a sum of peaks. */
#include <pthread.h>

#include "loadgen/gauge.h"
#include "tests/support/check.h"

enum { THREADS = 4, ROUNDS = 200000 };

static void test_peaks_at_different_moments_do_not_add_up(void)
{
    struct gauge g = {0};
    /* One thread opens two connections and closes them, then another opens two: each
     * thread's own peak is 2, the process never had more than 2 open. */
    gauge_up(&g);
    gauge_up(&g);
    gauge_down(&g);
    gauge_down(&g);
    gauge_up(&g);
    gauge_up(&g);
    CHECK_INT_EQ(gauge_peak(&g), 2);
    gauge_up(&g);
    CHECK_INT_EQ(gauge_peak(&g), 3);
}

static void *open_close(void *arg)
{
    struct gauge *g = arg;
    for (int i = 0; i < ROUNDS; i++) {
        gauge_up(g);
        gauge_down(g);
    }
    return NULL;
}

static void test_concurrent_peak_is_bounded(void)
{
    struct gauge g = {0};
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, open_close, &g) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    /* At most one open per thread at any moment. */
    CHECK(gauge_peak(&g) >= 1 && gauge_peak(&g) <= THREADS);
    CHECK_INT_EQ(atomic_load(&g.now), 0);
}

int main(void)
{
    RUN(test_peaks_at_different_moments_do_not_add_up);
    RUN(test_concurrent_peak_is_bounded);
    return check_summary();
}
