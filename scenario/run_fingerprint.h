/*
 * The fingerprint of what decides a run's schedule and choices: the model, the start and the
 * stages, the duration, the HTTP version asked for (--http, load.http), and for a scenario run
 * the seed, the mix, the scenarios and their steps, the feeders (mode and rows) and the think
 * times; plus the thresholds judged on it.
 * Segments of one split run must share it: `storecheck merge` refuses results whose
 * fingerprints differ. What each process may choose for itself (threads, connections, the
 * target's address) is left out.
 */
#ifndef STORECHECK_SCENARIO_RUN_FINGERPRINT_H
#define STORECHECK_SCENARIO_RUN_FINGERPRINT_H

#include <stddef.h>

#include "config/config.h"
#include "loadgen/engine.h"

enum { RUN_FINGERPRINT_LEN = 17 }; /* 16 hex digits and a NUL */

struct plan;

/* p's fingerprint with the plan of a scenario run (NULL for a URL run) and the thresholds, as
 * 16 lowercase hex digits in out. */
void run_fingerprint(const struct loadgen_params *p, const struct plan *plan,
                     const struct threshold *thresholds, size_t threshold_count,
                     char out[RUN_FINGERPRINT_LEN]);

#endif
