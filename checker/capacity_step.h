/*
 * One step of `storecheck capacity`: the config's scenarios at a constant arrival rate for a
 * warm-up that is not judged and then a judged window; the load.thresholds judged on that
 * window alone. A step whose errors pass the abort rule stops at once, while it runs. A step
 * split over segments (--segment) is judged on all their windows added up.
 */
#ifndef STORECHECK_CHECKER_CAPACITY_STEP_H
#define STORECHECK_CHECKER_CAPACITY_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "checker/capacity_search.h"
#include "checker/load_gate.h"
#include "loadgen/engine.h"
#include "outputs/live_outputs.h"
#include "reports/capacity_report.h"

struct capacity_step_plan {
    struct loadgen_params base; /* the scenarios, target, connections and users; the rate and
                                   duration are set per step */
    const struct load_gate *gate;
    uint64_t warmup_us, window_us;
    double abort_error_rate; /* a fraction */
    /* A segment of a split search sees only its share of the step's errors (a store's limit
     * may refuse one segment's arrivals more than another's): the abort rule is then applied
     * to the whole step once it ended, not to this share while it runs. */
    int abort_at_end;
    int live;                     /* a progress line on stderr (a terminal, not quiet) */
    struct live_outputs *outputs; /* --out, load.outputs; NULL: none */
};

/* The engine's parameters of the step at rate (what its fingerprint is taken of). */
void capacity_step_params(const struct capacity_step_plan *sp, double rate,
                          struct loadgen_params *p);

/* Run a step at rate (sp->base.segment's share of its arrivals): its judged window into *win
 * (load_result_free it) and what this process saw into *out (capacity_report_step_free it):
 * the rate, the warm-up, interrupted when Ctrl-C cut it, the abort rule's reason when it
 * fired here. 0 when it ran; -1 with err when it could not (the engine could not start:
 * exit 3). */
int capacity_step_measure(const struct capacity_step_plan *sp, double rate,
                          struct capacity_report_step *out, struct load_result *win, char *err,
                          size_t errlen);

/* The step's numbers and verdict from its judged window (this process's, or every segment's
 * added up): the thresholds and the abort rule judged on it. *v is meaningless when
 * out->interrupted. */
void capacity_step_judge(const struct capacity_step_plan *sp, double rate,
                         struct load_result *win, struct capacity_report_step *out,
                         enum capacity_verdict *v);

#endif
