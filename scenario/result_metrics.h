/*
 * The numbers thresholds read (scenario/threshold.h's struct th_metrics) from a load result.
 *
 * Requests are those written plus, in a scenario run, the steps that failed before theirs
 * could be (so error_rate stays a fraction). Selectors: no selector is every request;
 * scenario: is the requests of its steps (latency, requests, errors) and its iterations (the
 * iteration counts); step: is every step of that name (in any scenario); iteration: is the
 * duration of the scenario's completed iterations without their think time (its `active`
 * histogram). A bare name has no data: validate rejects it. Nor has a step no iteration
 * reached (nothing sent or tried) or a scenario without an arrival: their counts are no data
 * rather than zeros.
 * Errors are, in a scenario run, the iterations that failed at a step (each failure is one
 * request that went wrong, or one that could not be sent); in a URL run, transport errors
 * plus responses with status >= 400. iterations, failed_iterations and dropped_iterations
 * count scenario iterations (a URL run's dropped_iterations are its dropped requests).
 */
#ifndef STORECHECK_SCENARIO_RESULT_METRICS_H
#define STORECHECK_SCENARIO_RESULT_METRICS_H

#include "loadgen/result.h"
#include "scenario/threshold.h"

/* m reads r (which must outlive m's use). */
void result_metrics(struct th_metrics *m, const struct load_result *r);

#endif
