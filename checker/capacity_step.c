#include "checker/capacity_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "common/stop.h"
#include "common/units.h"
#include "loadgen/result_window.h"
#include "scenario/result_metrics.h"

/* The warm-up's snapshot is taken this far into the second after it: the workers' totals
 * of that second boundary are in by then. */
#define SNAPSHOT_SETTLE_US 500000
/* The abort rule judges running totals once they hold this many requests. */
#define ABORT_MIN_REQUESTS 20

/* errors / requests as the thresholds count them; 0 without requests. */
static double error_rate(const struct load_result *r, uint64_t *requests, uint64_t *errors)
{
    struct th_metrics m;
    result_metrics(&m, r);
    *requests = *errors = 0;
    m.count(m.ctx, TH_SEL_ALL, "", TH_COUNT_REQUESTS, requests);
    m.count(m.ctx, TH_SEL_ALL, "", TH_COUNT_ERRORS, errors);
    return *requests ? (double)*errors / (double)*requests : 0;
}

/* Once a second: the abort rule over the step so far. 1 when it fires (the engine is
 * stopped), with the reason. */
static int check_abort(const struct capacity_step_plan *sp, struct engine *e, char *why,
                       size_t len)
{
    struct load_result snap;
    engine_snapshot(e, &snap);
    uint64_t requests, errors;
    double rate = error_rate(&snap, &requests, &errors);
    load_result_free(&snap);
    if (requests < ABORT_MIN_REQUESTS || rate <= sp->abort_error_rate)
        return 0;
    snprintf(why, len, "error rate %.1f%% (%llu of %llu) is above the abort rule's %.1f%%",
             100 * rate, (unsigned long long)errors, (unsigned long long)requests,
             100 * sp->abort_error_rate);
    engine_abort(e);
    return 1;
}

/* "\r  400/s step, judged: 398 resp/s  p99 2.1ms  errors 12  3s left" on stderr. */
static void progress(const struct capacity_step_plan *sp, struct engine *e, double rate)
{
    uint64_t el = engine_elapsed_us(e), total = sp->warmup_us + sp->window_us;
    char left[32], p99[32] = "-";
    units_format_duration_us(el < total ? total - el : 0, left, sizeof left);
    struct lg_second row = {0};
    if (engine_latest(e, &row) == 0)
        units_format_duration_us(row.p99, p99, sizeof p99);
    fprintf(stderr, "\r\033[K  %.1f/s step, %s: %llu resp/s  p99 %s  errors %llu  %s left", rate,
            el < sp->warmup_us ? "warm-up" : "judged", (unsigned long long)row.responses, p99,
            (unsigned long long)row.errors, left);
    fflush(stderr);
}

/* Wait for the engine, taking the warm-up snapshot into *warm and applying the abort rule.
 * 1 when the snapshot was taken (0: the step ended before its warm-up did). */
static int drive(const struct capacity_step_plan *sp, struct engine *e, double rate,
                 struct load_result *warm, struct capacity_report_step *out)
{
    int have_warm = sp->warmup_us == 0;
    uint64_t next_check = 1000000, next_progress = 0;
    while (!engine_done(e)) {
        if (stop_wait_ms(100))
            engine_interrupt(e);
        uint64_t el = engine_elapsed_us(e);
        if (sp->live && el >= next_progress) {
            progress(sp, e, rate);
            next_progress = el + 500000;
        }
        if (!have_warm && el >= sp->warmup_us + SNAPSHOT_SETTLE_US) {
            engine_snapshot(e, warm);
            have_warm = 1;
        }
        if (!sp->abort_at_end && !out->abort_reason[0] && el >= next_check) {
            check_abort(sp, e, out->abort_reason, sizeof out->abort_reason);
            next_check = el + 1000000;
        }
        live_outputs_tick(sp->outputs, e);
    }
    if (sp->live)
        fprintf(stderr, "\r\033[K");
    return have_warm && sp->warmup_us;
}

static void judge(const struct capacity_step_plan *sp, struct load_result *win,
                  struct capacity_report_step *out)
{
    load_gate_judge(sp->gate, win);
    out->broken = xcalloc(win->threshold_count + 1, sizeof *out->broken);
    out->broken_exprs = xcalloc(win->threshold_count + 1, sizeof *out->broken_exprs);
    for (size_t i = 0; i < win->threshold_count; i++) {
        const struct lg_threshold_outcome *o = &win->thresholds[i];
        if (o->passed)
            continue;
        out->broken[out->broken_count] = xstrdup(o->line);
        out->broken_exprs[out->broken_count++] = xstrdup(o->expr);
    }
}

static void describe(const struct load_result *win, double rate, struct capacity_report_step *out)
{
    out->offered_rate = rate;
    out->window_us = win->elapsed_us;
    double secs = win->elapsed_us ? (double)win->elapsed_us / 1e6 : 1;
    uint64_t completed = 0;
    for (size_t i = 0; i < win->scenario_count; i++)
        completed += win->scenarios[i].completed;
    out->achieved_rate = (double)completed / secs;
    out->responses = win->totals.responses;
    out->responses_rate = (double)win->totals.responses / secs;
    out->error_rate = error_rate(win, &out->requests, &out->errors);
    struct th_metrics m;
    result_metrics(&m, win);
    m.count(m.ctx, TH_SEL_ALL, "", TH_COUNT_DROPPED_ITERATIONS, &out->dropped);
    out->p50 = hist_percentile(win->latency, 50);
    out->p90 = hist_percentile(win->latency, 90);
    out->p95 = hist_percentile(win->latency, 95);
    out->p99 = hist_percentile(win->latency, 99);
}

void capacity_step_params(const struct capacity_step_plan *sp, double rate,
                          struct loadgen_params *p)
{
    *p = sp->base;
    p->model = LG_MODEL_OPEN;
    p->start = rate;
    p->stages = NULL;
    p->stage_count = 0;
    p->duration_us = sp->warmup_us + sp->window_us;
    p->snapshots = 1;
}

int capacity_step_measure(const struct capacity_step_plan *sp, double rate,
                          struct capacity_report_step *out, struct load_result *win, char *err,
                          size_t errlen)
{
    memset(out, 0, sizeof *out);
    memset(win, 0, sizeof *win);
    out->offered_rate = rate;
    out->warmup_us = sp->warmup_us;
    struct loadgen_params p;
    capacity_step_params(sp, rate, &p);
    struct engine *e = NULL;
    if (engine_create(&e, &p, err, errlen) || engine_start(e, err, errlen)) {
        engine_destroy(e);
        return -1;
    }
    struct load_result warm = {0}, end = {0};
    int warmed = drive(sp, e, rate, &warm, out);
    engine_finish(e, &end);
    engine_destroy(e);
    live_outputs_result(sp->outputs, &end);
    load_result_window(win, &end, &warm, warmed ? sp->warmup_us : 0);
    win->segment = end.segment;
    win->started_unix_ms = end.started_unix_ms + (int64_t)((warmed ? sp->warmup_us : 0) / 1000);
    out->interrupted = end.interrupted;
    load_result_free(&warm);
    load_result_free(&end);
    return 0;
}

void capacity_step_judge(const struct capacity_step_plan *sp, double rate,
                         struct load_result *win, struct capacity_report_step *out,
                         enum capacity_verdict *v)
{
    describe(win, rate, out);
    out->interrupted |= win->interrupted;
    if (!out->interrupted)
        judge(sp, win, out);
    *v = out->abort_reason[0] || out->error_rate > sp->abort_error_rate ? CAPACITY_ABORTS
         : out->broken_count                                            ? CAPACITY_BREAKS
                                                                         : CAPACITY_HOLDS;
    out->verdict = out->interrupted          ? "interrupted"
                   : *v == CAPACITY_ABORTS   ? "aborts"
                   : *v == CAPACITY_BREAKS   ? "breaks"
                                             : "holds";
    if (*v == CAPACITY_ABORTS && !out->abort_reason[0])
        snprintf(out->abort_reason, sizeof out->abort_reason,
                 "error rate %.1f%% is above the abort rule's %.1f%%", 100 * out->error_rate,
                 100 * sp->abort_error_rate);
}
