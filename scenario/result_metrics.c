#include "scenario/result_metrics.h"

#include <string.h>

static const struct lg_scenario_stats *find_scenario(const struct load_result *r, const char *name)
{
    for (size_t i = 0; i < r->scenario_count; i++)
        if (strcmp(r->scenarios[i].name, name) == 0)
            return &r->scenarios[i];
    return NULL;
}

static int has_step(const struct load_result *r, const char *name)
{
    for (size_t i = 0; i < r->step_count; i++)
        if (strcmp(r->steps[i].name, name) == 0)
            return 1;
    return 0;
}

/* Resolve a selector to the steps it covers: a scenario (*sc set) or a step name. -1 when
 * the result has no such scenario or step, and for a bare name (validate rejects it). */
static int resolve(const struct load_result *r, enum th_sel sel, const char *name,
                   const struct lg_scenario_stats **sc)
{
    *sc = NULL;
    if (sel == TH_SEL_SCENARIO || sel == TH_SEL_ITERATION)
        return (*sc = find_scenario(r, name)) ? 0 : -1;
    return sel == TH_SEL_STEP && has_step(r, name) ? 0 : -1;
}

/* Does step i belong to the selection? */
static int selected(const struct load_result *r, size_t i, const struct lg_scenario_stats *sc,
                    const char *name)
{
    if (sc)
        return i >= sc->first_step && i < sc->first_step + sc->step_count;
    return strcmp(r->steps[i].name, name) == 0;
}

static double stat_of(const struct hist *h, enum th_stat stat, double pct)
{
    switch (stat) {
    case TH_STAT_PERCENTILE:
        return (double)hist_percentile(h, pct);
    case TH_STAT_MIN:
        return (double)h->min;
    case TH_STAT_MAX:
        return (double)h->max;
    case TH_STAT_MEAN:
        return hist_mean(h);
    }
    return 0;
}

static int latency(void *ctx, enum th_sel sel, const char *name, enum th_stat stat, double pct,
                   double *us)
{
    const struct load_result *r = ctx;
    if (sel == TH_SEL_ALL) {
        if (!r->latency || !r->latency->total)
            return -1;
        *us = stat_of(r->latency, stat, pct);
        return 0;
    }
    const struct lg_scenario_stats *sc;
    if (resolve(r, sel, name, &sc))
        return -1;
    if (sel == TH_SEL_ITERATION) {
        if (!sc->active || !sc->active->total)
            return -1;
        *us = stat_of(sc->active, stat, pct);
        return 0;
    }
    struct hist *h = hist_new();
    for (size_t i = 0; i < r->step_count; i++)
        if (selected(r, i, sc, name))
            hist_merge(h, r->steps[i].latency);
    int rc = h->total ? 0 : -1;
    if (rc == 0)
        *us = stat_of(h, stat, pct);
    hist_free(h);
    return rc;
}

/* An iteration count of one scenario. */
static uint64_t iterations(const struct lg_scenario_stats *s, enum th_count what)
{
    if (what == TH_COUNT_ITERATIONS)
        return s->started;
    if (what == TH_COUNT_FAILED_ITERATIONS)
        return lg_fail_total(s->failed);
    return s->dropped;
}

static int count_all(const struct load_result *r, enum th_count what, uint64_t *n)
{
    *n = 0;
    if (what == TH_COUNT_REQUESTS) {
        *n = r->totals.requests;
        for (size_t i = 0; i < r->step_count; i++)
            *n += r->steps[i].unsent;
        return 0;
    }
    if (!r->scenario_count) {
        if (what == TH_COUNT_ERRORS)
            *n = load_result_errors(r) + load_result_http_errors(r);
        else if (what == TH_COUNT_DROPPED_ITERATIONS)
            *n = r->totals.dropped;
        else
            return -1;
        return 0;
    }
    if (what == TH_COUNT_ERRORS) {
        for (size_t i = 0; i < r->step_count; i++)
            *n += lg_fail_total(r->steps[i].failed);
        return 0;
    }
    for (size_t i = 0; i < r->scenario_count; i++)
        *n += iterations(&r->scenarios[i], what);
    return 0;
}

static int count(void *ctx, enum th_sel sel, const char *name, enum th_count what, uint64_t *n)
{
    const struct load_result *r = ctx;
    if (sel == TH_SEL_ALL)
        return count_all(r, what, n);
    const struct lg_scenario_stats *sc;
    if (resolve(r, sel, name, &sc))
        return -1;
    *n = 0;
    /* A step no iteration reached and a scenario that never had an arrival measured nothing:
     * no data, not a zero that would pass "errors(step:pay) == 0". */
    if (what == TH_COUNT_REQUESTS || what == TH_COUNT_ERRORS) {
        uint64_t tried = 0;
        for (size_t i = 0; i < r->step_count; i++)
            if (selected(r, i, sc, name)) {
                tried += r->steps[i].requests + r->steps[i].unsent;
                *n += what == TH_COUNT_REQUESTS ? r->steps[i].requests + r->steps[i].unsent
                                                : lg_fail_total(r->steps[i].failed);
            }
        return tried ? 0 : -1;
    }
    if (!sc || sc->started + sc->dropped == 0) /* iterations belong to scenarios, not steps */
        return -1;
    *n = iterations(sc, what);
    return 0;
}

static int elapsed(void *ctx, double *seconds)
{
    const struct load_result *r = ctx;
    *seconds = (double)r->elapsed_us / 1e6;
    return r->elapsed_us ? 0 : -1;
}

void result_metrics(struct th_metrics *m, const struct load_result *r)
{
    m->ctx = (void *)r;
    m->latency = latency;
    m->count = count;
    m->elapsed = elapsed;
}
