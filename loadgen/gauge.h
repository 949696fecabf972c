/* A count shared by the worker threads, and the most it ever was at once. The peak of each
 * thread's own count summed over threads overstates the true peak (threads peak at different
 * moments), so the threads share one gauge. */
#ifndef STORECHECK_LOADGEN_GAUGE_H
#define STORECHECK_LOADGEN_GAUGE_H

#include <stdatomic.h>
#include <stdint.h>

struct gauge {
    atomic_uint_fast32_t now, peak;
};

static inline void gauge_up(struct gauge *g)
{
    uint_fast32_t v = atomic_fetch_add_explicit(&g->now, 1, memory_order_relaxed) + 1;
    uint_fast32_t p = atomic_load_explicit(&g->peak, memory_order_relaxed);
    while (v > p && !atomic_compare_exchange_weak_explicit(&g->peak, &p, v, memory_order_relaxed,
                                                           memory_order_relaxed))
        ;
}

static inline void gauge_down(struct gauge *g)
{
    atomic_fetch_sub_explicit(&g->now, 1, memory_order_relaxed);
}

static inline uint32_t gauge_peak(const struct gauge *g)
{
    return (uint32_t)atomic_load_explicit(&g->peak, memory_order_relaxed);
}

#endif
