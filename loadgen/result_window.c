#include "loadgen/result_window.h"

#include <string.h>

#include "common/oom.h"

static void sub_fails(uint64_t *d, const uint64_t *s)
{
    for (int i = 0; i < LG_FAIL_COUNT; i++)
        d[i] -= s[i];
}

static struct hist *hist_between(const struct hist *end, const struct hist *from)
{
    struct hist *h = hist_new();
    hist_merge(h, end);
    if (from)
        hist_subtract(h, from);
    return h;
}

static void window_steps(struct load_result *out, const struct load_result *end,
                         const struct load_result *from)
{
    int have = from->step_count == end->step_count;
    out->step_count = end->step_count;
    out->steps = xcalloc(end->step_count + 1, sizeof *out->steps);
    for (size_t i = 0; i < end->step_count; i++) {
        const struct lg_step_stats *e = &end->steps[i];
        struct lg_step_stats *o = &out->steps[i];
        o->name = xstrdup(e->name);
        o->scenario = xstrdup(e->scenario);
        o->requests = e->requests;
        o->responses = e->responses;
        o->unsent = e->unsent;
        memcpy(o->failed, e->failed, sizeof o->failed);
        o->latency = hist_between(e->latency, have ? from->steps[i].latency : NULL);
        if (!have)
            continue;
        o->requests -= from->steps[i].requests;
        o->responses -= from->steps[i].responses;
        o->unsent -= from->steps[i].unsent;
        sub_fails(o->failed, from->steps[i].failed);
    }
}

static void window_scenarios(struct load_result *out, const struct load_result *end,
                             const struct load_result *from)
{
    int have = from->scenario_count == end->scenario_count;
    out->scenario_count = end->scenario_count;
    out->scenarios = xcalloc(end->scenario_count + 1, sizeof *out->scenarios);
    for (size_t i = 0; i < end->scenario_count; i++) {
        const struct lg_scenario_stats *e = &end->scenarios[i];
        const struct lg_scenario_stats *f = have ? &from->scenarios[i] : NULL;
        struct lg_scenario_stats *o = &out->scenarios[i];
        o->name = xstrdup(e->name);
        o->started = e->started - (f ? f->started : 0);
        o->completed = e->completed - (f ? f->completed : 0);
        o->dropped = e->dropped - (f ? f->dropped : 0);
        o->unfinished = e->unfinished;
        memcpy(o->failed, e->failed, sizeof o->failed);
        if (f)
            sub_fails(o->failed, f->failed);
        o->duration = hist_between(e->duration, f ? f->duration : NULL);
        o->active = hist_between(e->active, f ? f->active : NULL);
        o->think = hist_between(e->think, f ? f->think : NULL);
        o->first_step = e->first_step;
        o->step_count = e->step_count;
    }
}

void load_result_window(struct load_result *out, const struct load_result *end,
                        const struct load_result *from, uint64_t from_us)
{
    memset(out, 0, sizeof *out);
    out->model = end->model;
    out->interrupted = end->interrupted;
    out->aborted = end->aborted;
    out->elapsed_us = end->elapsed_us > from_us ? end->elapsed_us - from_us : 0;
    out->totals = end->totals;
    lg_counters_sub(&out->totals, &from->totals);
    out->latency = hist_between(end->latency, from->latency);
    double secs = (double)out->elapsed_us / 1e6;
    if (secs > 0)
        out->achieved_rate = (double)out->totals.responses / secs;
    window_steps(out, end, from);
    window_scenarios(out, end, from);
}
