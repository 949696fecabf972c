/*
 * The load phase of `storecheck run`: the load from the plan, the under-load checks beside
 * it, and the configured fault injected at its moment and undone after its duration — always
 * undone, also when the run is interrupted or the load ends first.
 */
#ifndef STORECHECK_CHECKER_LOAD_PHASE_H
#define STORECHECK_CHECKER_LOAD_PHASE_H

#include "checker/progress.h"
#include "checker/run_load.h"
#include "checker/split_run.h"
#include "config/config.h"
#include "loadgen/result.h"
#include "outputs/live_outputs.h"
#include "probes/engine.h"
#include "reports/report_model.h"

struct load_phase {
    struct load_result result;
    struct engine_report checks;      /* the under-load checks */
    struct engine_report fault_check; /* R-FAULT-UNDER-LOAD; count 0 when it did not run */
    struct report_fault fault;
    int has_fault;
    char fault_error[512];
    struct live_outputs *outputs; /* load.outputs; its stats go in plan->meta */
};

/* Run it, its progress on prog (NULL: none): as the segment of split (its --start-at waited for first; the fault is injected by
 * segment 0 alone), its run id and config hash in the result. A stop (common/stop.h)
 * interrupts the load (result.interrupted), undoes the fault at once and starts nothing
 * more. load.outputs get the running totals, their stats in plan->meta. 0, or -1 with err
 * when the load could not start (nothing else ran then). */
int load_phase_run(struct progress *prog, const struct config *cfg, struct run_load_plan *plan,
                   const struct split_run *split, struct load_phase *out, char *err, size_t errlen);
void load_phase_free(struct load_phase *lp);

#endif
