/*
 * The shape of a run over time: a start value and stages that ramp linearly from the previous
 * value to their target, then hold the last target until the run ends. For the open model the
 * value is an arrival rate and the schedule gives every request an absolute intended time
 * (request k is due when the expected number of arrivals reaches k), so sending never drifts;
 * for the closed model the value is a number of connections.
 */
#ifndef STORECHECK_LOADGEN_SCHEDULE_H
#define STORECHECK_LOADGEN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "loadgen/result.h"

enum { SCHEDULE_MAX_STAGES = 1000 }; /* as many as a traffic profile may have */

struct schedule {
    double start;
    size_t count;                                /* stages, plus the final hold */
    uint64_t begin_us[SCHEDULE_MAX_STAGES + 1];  /* when each stage begins */
    uint64_t length_us[SCHEDULE_MAX_STAGES + 1]; /* the hold's length is "forever" */
    double from[SCHEDULE_MAX_STAGES + 1], to[SCHEDULE_MAX_STAGES + 1];
    double arrivals_before[SCHEDULE_MAX_STAGES + 1]; /* expected arrivals before each stage */
    uint64_t duration_us;                            /* the run ends here */
};

/* n <= SCHEDULE_MAX_STAGES stages; returns 0, or -1 when there are too many. */
int schedule_init(struct schedule *s, double start, const struct lg_stage *stages, size_t n,
                  uint64_t duration_us);

/* The value (rate or connections) at t microseconds from the start. */
double schedule_value_at(const struct schedule *s, uint64_t t_us);

/* Expected arrivals in [0, t). */
double schedule_arrivals(const struct schedule *s, uint64_t t_us);

/* Intended time of arrival k (0-based) in microseconds from the start, or UINT64_MAX when it
 * falls at or after the end of the run. *hint is a stage index the caller keeps between calls
 * with growing k (start it at 0). */
uint64_t schedule_arrival_time(const struct schedule *s, uint64_t k, size_t *hint);

#endif
