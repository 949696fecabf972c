/*
 * Answer gathering. A generator that wakes for every few answers sends its requests in many
 * small writes, and when it shares a machine with the server (loopback runs, and above all on
 * virtual machines) the server pays for every one of those wake-ups on its own core. So after
 * its callbacks ran, a worker's loop sleeps a little before it polls again (libev's I/O collect
 * interval): each wake-up then takes in many answers and sends many requests in one write.
 *
 * An answer that arrives during the sleep is read that much later, and its latency reads that
 * much longer. The sleep is therefore bounded by 1% of the mean response time of the recent
 * answers and by GATHER_MAX_US, and it is off when that bound is under GATHER_MIN_US (fast
 * answers, where a sleep would cost more than it saves). Half the bound is asked for and the
 * thread's timer slack is set to the other half, so the sleep the kernel grants stays within it.
 */
#ifndef STORECHECK_LOADGEN_GATHER_H
#define STORECHECK_LOADGEN_GATHER_H

#include <stdint.h>

struct ev_loop;

enum {
    GATHER_MAX_US = 100,
    GATHER_MIN_US = 20,
    GATHER_EVERY = 256, /* answers between two updates of the bound */
};

struct gather {
    uint64_t sum_us; /* latencies of the answers since the last update */
    uint32_t count;
    uint32_t bound_us; /* the longest sleep now, 0 when off */
};

/* The bound for answers whose mean response time is mean_us. */
uint32_t gather_bound_us(uint64_t mean_us);

/* Count an answer of the calling worker's loop; every GATHER_EVERY answers the loop's sleep
 * follows their mean. */
void gather_answer(struct gather *g, struct ev_loop *loop, uint64_t latency_us);

#endif
