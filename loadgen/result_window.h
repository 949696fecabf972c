/*
 * The part of a run after a point in it: the run's result minus an engine_snapshot taken at
 * that point, for what thresholds read and a capacity step reports:
 * the counters, the corrected latency, the per-step and per-scenario numbers, the elapsed time.
 * The per-second series, the other histograms and the thresholds are left out.
 */
#ifndef STORECHECK_LOADGEN_RESULT_WINDOW_H
#define STORECHECK_LOADGEN_RESULT_WINDOW_H

#include <stdint.h>

#include "loadgen/result.h"

/* out = end minus from, where from is a snapshot of the same run taken from_us after its
 * start (an empty from: the whole run). load_result_free out. */
void load_result_window(struct load_result *out, const struct load_result *end,
                        const struct load_result *from, uint64_t from_us);

#endif
