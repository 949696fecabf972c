/* The load generator's clock: monotonic microseconds (vDSO, no system call). */
#ifndef STORECHECK_LOADGEN_CLOCK_H
#define STORECHECK_LOADGEN_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
