/*
 * Thresholds: pass/fail expressions over a load run's metrics, e.g.
 *   p95(scenario:checkout) < 800ms    p95(iteration:checkout) < 3s    p99 < 1.5s
 *   max(step:order) <= 2s    error_rate < 0.5%    rps > 100    dropped_iterations == 0
 *
 * Grammar (spaces allowed between tokens):
 *   threshold := metric [ "(" selector ")" ] op value
 *   metric    := pN (0 < N <= 100, decimals allowed: p99.9) | median | min | max | mean
 *              | error_rate | rps | requests | errors | iterations | failed_iterations
 *              | dropped_iterations
 *   selector  := step:name | scenario:name | iteration:name      (none: every request)
 *                step: the requests of the steps of that name; scenario: the requests of the
 *                scenario's steps (and its iterations, for the counts); iteration: the duration
 *                of the scenario's iterations without their think time (latency metrics only).
 *                A bare name parses (TH_SEL_NAME) only so that validate can say which of
 *                these is meant: threshold_check_selector rejects it.
 *   op        := < | <= | > | >= | == | !=
 *   value     := a duration with a unit (250ms, 1.5s) for pN, median, min, max, mean;
 *                a percentage (0.5%) or a fraction (0.005) for error_rate;
 *                a rate (100, 100/s, 6k/m) for rps; a whole number for the counts.
 * error_rate is errors / requests; rps is requests / elapsed seconds.
 *
 * The engine's result provides the numbers through struct th_metrics; parsing and evaluation
 * allocate nothing.
 */
#ifndef STORECHECK_SCENARIO_THRESHOLD_H
#define STORECHECK_SCENARIO_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "scenario/parse_error.h"

enum th_sel { TH_SEL_ALL, TH_SEL_NAME, TH_SEL_STEP, TH_SEL_SCENARIO, TH_SEL_ITERATION };
enum th_stat { TH_STAT_PERCENTILE, TH_STAT_MIN, TH_STAT_MAX, TH_STAT_MEAN };
enum th_count {
    TH_COUNT_REQUESTS,
    TH_COUNT_ERRORS,
    TH_COUNT_ITERATIONS,
    TH_COUNT_FAILED_ITERATIONS,
    TH_COUNT_DROPPED_ITERATIONS,
};

/* What a threshold reads. Each function returns 0, or -1 when the source has nothing for the
 * selector (an unknown name, no requests recorded, or a bare name: TH_SEL_NAME). name is ""
 * for TH_SEL_ALL. For TH_SEL_ITERATION latency reads the scenario's completed iterations,
 * from the start of the first step to the last response, without the think time between
 * steps; count is never asked for it. */
struct th_metrics {
    void *ctx;
    /* Latency (or iteration duration) in microseconds: a percentile (pct in (0, 100]) or min,
     * max, mean. */
    int (*latency)(void *ctx, enum th_sel sel, const char *name, enum th_stat stat, double pct,
                   double *us);
    int (*count)(void *ctx, enum th_sel sel, const char *name, enum th_count what, uint64_t *n);
    /* Seconds the run has lasted (for rps). */
    int (*elapsed)(void *ctx, double *seconds);
};

enum th_kind { TH_LATENCY, TH_ERROR_RATE, TH_RPS, TH_COUNT };
enum th_op { TH_LT, TH_LE, TH_GT, TH_GE, TH_EQ, TH_NE };

struct threshold_expr {
    enum th_kind kind;
    enum th_stat stat;   /* TH_LATENCY */
    double pct;          /* TH_STAT_PERCENTILE */
    enum th_count count; /* TH_COUNT */
    enum th_sel sel;
    char name[128]; /* the selector's name; "" for TH_SEL_ALL */
    int sel_col;    /* column of the selector in the source (1-based); 0 for TH_SEL_ALL */
    enum th_op op;
    double limit;    /* microseconds, a fraction, per second or a count */
    char label[192]; /* the metric as it is shown: "p95(scenario:checkout)" */
};

/* Parse src (NUL-terminated); -1 with err (col within src) when it does not follow the
 * grammar. */
int threshold_parse(const char *src, struct threshold_expr *out, struct parse_error *err);

enum th_verdict { TH_PASS, TH_FAIL, TH_NODATA };

struct th_result {
    enum th_verdict verdict;
    double observed; /* in the unit of limit */
    char line[320];  /* "p95(scenario:checkout) = 912ms, allowed < 800ms" */
};

/* Evaluate against m. TH_NODATA when the source has no numbers for it: the end-of-run gate
 * counts that as a failure, an early abort check does not. */
void threshold_eval(const struct threshold_expr *t, const struct th_metrics *m,
                    struct th_result *r);

/* validate: does the selector name a scenario or step the config defines, and explicitly? 0,
 * or -1 with a reason in err; for a bare name the reason lists the explicit selectors the
 * config has for it (the selector is at t->sel_col). */
int threshold_check_selector(const struct threshold_expr *t, const struct scenario *scenarios,
                             size_t scenario_count, char *err, size_t errlen);

/* threshold_parse, then threshold_check_selector: 0, or the column in src (1-based) of what is
 * wrong with why in err. */
int threshold_read(const char *src, const struct scenario *scenarios, size_t scenario_count,
                   struct threshold_expr *out, char *err, size_t errlen);

#endif
