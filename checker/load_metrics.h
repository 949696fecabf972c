/*
 * The numbers thresholds read (loadgen/threshold.h) from a load result. The engine drives
 * URLs, so only the whole-run selector has data: a threshold on a scenario or a step is
 * judged "no data" (which fails the gate) until scenario-driven load reports them.
 */
#ifndef STORECHECK_CHECKER_LOAD_METRICS_H
#define STORECHECK_CHECKER_LOAD_METRICS_H

#include "loadgen/result.h"
#include "loadgen/threshold.h"

/* Metrics over r (which must outlive them). Errors are transport errors plus HTTP answers
 * of 400 and above. */
struct th_metrics load_metrics(const struct load_result *r);

#endif
