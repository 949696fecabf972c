#include "checker/load_phase.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "checker/load_gate.h"
#include "checker/progress.h"
#include "common/stop.h"
#include "probes/fault.h"
#include "probes/under_load.h"
#include "scenario/run_fingerprint.h"

struct probe_batch {
    const struct config *cfg;
    const struct engine_observer *observer;
    const struct probe *const *table;
    size_t count;
    struct engine_report *out;
    pthread_t thread;
    int started;
};

/* Every check of the batch runs whatever audit.only says (it selects the baseline); audit.skip
 * still applies. */
static void *batch_main(void *arg)
{
    struct probe_batch *b = arg;
    const char *ids[8];
    struct strv only = {ids, 0};
    for (size_t i = 0; i < b->count && i < sizeof ids / sizeof *ids; i++)
        ids[only.count++] = b->table[i]->id;
    struct engine_options opt = {
        .table = b->table, .table_count = b->count, .only = &only, .observer = b->observer};
    char err[256];
    if (engine_run(b->cfg, &opt, b->out, err, sizeof err) != 0)
        memset(b->out, 0, sizeof *b->out);
    return NULL;
}

static void batch_start(struct probe_batch *b)
{
    b->started = pthread_create(&b->thread, NULL, batch_main, b) == 0;
}

static void batch_join(struct probe_batch *b)
{
    if (b->started)
        pthread_join(b->thread, NULL);
    b->started = 0;
}

static void fault_set(struct progress *prog, const struct config *cfg, const struct fault *f,
                      int on, struct load_phase *lp, uint64_t at_ms)
{
    char err[256];
    /* Started faults are registered: the signal path can undo one (fault_undo_all). */
    uint64_t timeout = cfg->target.timeout_ms;
    int rc = on ? fault_start(cfg, f, timeout, err, sizeof err)
                : fault_stop(cfg, f, timeout, err, sizeof err);
    if (rc == 0) {
        if (on)
            lp->fault.started_ms = (int64_t)at_ms;
        else
            lp->fault.stopped_ms = (int64_t)at_ms;
        progress_say(prog, "fault %s %s at %.1fs of the load", f->name, on ? "on" : "off",
                     (double)at_ms / 1000);
        return;
    }
    snprintf(lp->fault_error, sizeof lp->fault_error, "%s the fault failed: %s",
             on ? "starting" : "stopping", err);
    lp->fault.error = lp->fault_error;
}

/* The under-load checks start once the load has settled: after a quarter of it, at most 2 s. */
static uint64_t checks_at_us(const struct loadgen_params *p)
{
    uint64_t q = p->duration_us / 4;
    return q < 2000000 ? q : 2000000;
}

int load_phase_run(struct progress *prog, const struct config *cfg, struct run_load_plan *plan,
                   const struct split_run *split, struct load_phase *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    plan->params.segment = split->segment;
    const struct fault *f = cfg->load.fault.name && split->segment.index == 0
                                ? fault_find(cfg, cfg->load.fault.name)
                                : NULL;
    if (f) {
        out->has_fault = 1;
        out->fault = (struct report_fault){
            f->name, cfg->load.fault.at_ms, cfg->load.fault.duration_ms, -1, -1, NULL};
    }
    struct load_gate gate = {0};
    if (load_gate_init(&gate, &cfg->load, err, errlen))
        return -1;
    /* Live outputs read the running totals. */
    plan->params.snapshots =
        gate.any_abort || progress_wants_snapshots(prog) || cfg->load.output_count;
    struct engine *e = NULL;
    int created = engine_create(&e, &plan->params, err, errlen);
    if (created == 0 && split_run_wait(split))
        snprintf(err, errlen, "interrupted before --start-at");
    if (created != 0 || stop_requested() ||
        live_outputs_open(&out->outputs, cfg->load.outputs, cfg->load.output_count, split->run_id,
                          split->segment.index, err, errlen) ||
        engine_start(e, err, errlen)) {
        live_outputs_free(out->outputs);
        out->outputs = NULL;
        engine_destroy(e);
        load_gate_free(&gate);
        return -1;
    }
    const struct engine_observer *beside = progress_beside_load(prog);
    struct probe_batch checks = {.cfg = cfg,
                                 .observer = beside,
                                 .table = under_load_probes,
                                 .count = under_load_probe_count,
                                 .out = &out->checks};
    static const struct probe *const fault_table[] = {&probe_r_fault_under_load};
    struct probe_batch fault_check = {
        .cfg = cfg, .observer = beside, .table = fault_table, .count = 1, .out = &out->fault_check};
    int fault_on = 0, fault_done = !f;
    uint64_t checks_at = checks_at_us(&plan->params), next_gate = 1100000;
    int aborted = 0, stopped = 0;
    while (!engine_done(e)) {
        int stop = stop_wait_ms(50);
        uint64_t el = engine_elapsed_us(e);
        if (stop && !stopped) {
            stopped = 1;
            engine_interrupt(e);
            if (fault_on) /* undone now, not when the load has wound down */
                fault_set(prog, cfg, f, 0, out, el / 1000);
            fault_on = 0;
            fault_done = 1;
        }
        char why[320];
        if (gate.any_abort && !aborted && el >= next_gate) {
            aborted = load_gate_check_running(&gate, e, why, sizeof why);
            if (aborted) {
                progress_clear(prog);
                fprintf(stderr, "storecheck run: stopping the load early: %s\n", why);
            }
            next_gate = el + 1000000;
        }
        if (!checks.started && !stopped && el >= checks_at) {
            batch_start(&checks);
            progress_say(prog, "under-load probes started at %.1fs of the load", (double)el / 1e6);
        }
        if (!fault_done && !fault_on && el >= out->fault.at_ms * 1000) {
            fault_set(prog, cfg, f, 1, out, el / 1000);
            fault_on = out->fault.started_ms >= 0;
            fault_done = !fault_on;
            if (fault_on)
                batch_start(&fault_check);
        }
        if (fault_on && el >= (out->fault.at_ms + out->fault.duration_ms) * 1000) {
            fault_set(prog, cfg, f, 0, out, el / 1000);
            fault_on = 0;
            fault_done = 1;
        }
        if (!stopped) {
            char phase[160];
            snprintf(phase, sizeof phase, "load%s%s%s", fault_on ? ", fault " : "",
                     fault_on ? f->name : "", fault_on ? " on" : "");
            progress_load(prog, e, &plan->params, phase);
        }
        live_outputs_tick(out->outputs, e);
    }
    progress_clear(prog);
    if (fault_on) /* the load ended (or was stopped) first: the fault never outlives the run */
        fault_set(prog, cfg, f, 0, out, engine_elapsed_us(e) / 1000);
    engine_finish(e, &out->result);
    engine_destroy(e);
    snprintf(out->result.run_id, sizeof out->result.run_id, "%s", split->run_id);
    run_fingerprint(&plan->params, scenario_run_plan(&plan->scenarios), cfg->load.thresholds,
                    cfg->load.threshold_count,
                    out->result.config_hash);
    live_outputs_result(out->outputs, &out->result);
    live_outputs_close(out->outputs);
    /* The run's summary comes later: only trouble is said here. */
    live_outputs_report(out->outputs, stderr, 1, "run", &cfg->secrets);
    plan->meta.outputs = live_outputs_stats(out->outputs, &plan->meta.output_count);
    load_gate_free(&gate);
    batch_join(&checks);
    batch_join(&fault_check);
    return 0;
}

void load_phase_free(struct load_phase *lp)
{
    load_result_free(&lp->result);
    live_outputs_free(lp->outputs);
    lp->outputs = NULL;
    engine_report_free(&lp->checks);
    engine_report_free(&lp->fault_check);
}
