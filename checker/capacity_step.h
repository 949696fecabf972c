/*
 * One step of `storecheck capacity`: the config's scenarios at a constant arrival rate for a
 * warm-up that is not judged and then a judged window; the load.thresholds judged on that
 * window alone. A step whose errors pass the abort rule stops at once, while it runs.
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
    double abort_error_rate;      /* a fraction */
    int live;                     /* a progress line on stderr (a terminal, not quiet) */
    struct live_outputs *outputs; /* --out, load.outputs; NULL: none */
};

/* Run a step at rate into *out (capacity_report_step_free it) and its verdict into *v.
 * 0 when it ran (out->interrupted when Ctrl-C cut it: *v is then meaningless); -1 with err when
 * it could not (the engine could not start: exit 3). */
int capacity_step_run(const struct capacity_step_plan *sp, double rate,
                      struct capacity_report_step *out, enum capacity_verdict *v, char *err,
                      size_t errlen);

#endif
