#include "loadgen/gather.h"

#include <ev.h>
#include <sys/prctl.h>

uint32_t gather_bound_us(uint64_t mean_us)
{
    uint64_t bound = mean_us / 100;
    if (bound < GATHER_MIN_US)
        return 0;
    return bound > GATHER_MAX_US ? GATHER_MAX_US : (uint32_t)bound;
}

void gather_answer(struct gather *g, struct ev_loop *loop, uint64_t latency_us)
{
    g->sum_us += latency_us;
    if (++g->count < GATHER_EVERY)
        return;
    uint32_t bound = gather_bound_us(g->sum_us / g->count);
    g->sum_us = 0;
    g->count = 0;
    if (bound == g->bound_us)
        return;
    g->bound_us = bound;
    if (bound)
        prctl(PR_SET_TIMERSLACK, (unsigned long)bound * 1000 / 2);
    ev_set_io_collect_interval(loop, (double)bound / 2 / 1e6);
}
