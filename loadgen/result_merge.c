#include "loadgen/result_merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

static void grow_seconds(struct load_result *r, size_t count)
{
    if (count <= r->seconds_count)
        return;
    r->seconds = xrealloc(r->seconds, count * sizeof *r->seconds);
    for (size_t i = r->seconds_count; i < count; i++) {
        r->seconds[i] = (struct lg_second){.second = (uint32_t)i};
        if (r->step_count)
            r->seconds[i].steps = xcalloc(r->step_count, sizeof *r->seconds[i].steps);
    }
    r->seconds_count = count;
}

void load_result_shift_seconds(struct load_result *r, uint32_t seconds)
{
    if (!seconds || !r->seconds_count)
        return;
    size_t old = r->seconds_count;
    grow_seconds(r, old + seconds);
    for (size_t i = old; i-- > 0;) {
        struct lg_step_second *moved = r->seconds[i + seconds].steps;
        r->seconds[i + seconds] = r->seconds[i];
        r->seconds[i + seconds].second = (uint32_t)(i + seconds);
        r->seconds[i].steps = moved;
    }
    for (size_t i = 0; i < seconds; i++) {
        struct lg_step_second *steps = r->seconds[i].steps;
        if (steps)
            memset(steps, 0, r->step_count * sizeof *steps);
        r->seconds[i] = (struct lg_second){.second = (uint32_t)i, .steps = steps};
    }
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static void add_second(struct lg_second *d, const struct lg_second *s, size_t steps)
{
    uint64_t n = d->responses + s->responses;
    d->mean = n ? (d->mean * (double)d->responses + s->mean * (double)s->responses) / (double)n : 0;
    d->responses = n;
    d->errors += s->errors;
    d->status_4xx += s->status_4xx;
    d->status_5xx += s->status_5xx;
    d->status_503 += s->status_503;
    d->late += s->late;
    d->dropped += s->dropped;
    d->bytes_in += s->bytes_in;
    d->bytes_out += s->bytes_out;
    d->connections += s->connections; /* each segment's own peak: their sum bounds the whole */
    d->users += s->users;
    d->p50 = max_u64(d->p50, s->p50);
    d->p90 = max_u64(d->p90, s->p90);
    d->p99 = max_u64(d->p99, s->p99);
    d->max = max_u64(d->max, s->max);
    for (size_t k = 0; k < steps && d->steps && s->steps; k++) {
        d->steps[k].responses += s->steps[k].responses;
        d->steps[k].status_5xx += s->steps[k].status_5xx;
        d->steps[k].status_503 += s->steps[k].status_503;
        d->steps[k].errors += s->steps[k].errors;
    }
}

static int same_shape(const struct load_result *a, const struct load_result *b, char *err,
                      size_t errlen)
{
    if (a->model != b->model) {
        snprintf(err, errlen, "one is an open-model run, the other a closed-model one");
        return 0;
    }
    if (a->scenario_count != b->scenario_count || a->step_count != b->step_count) {
        snprintf(err, errlen, "they have different scenarios or steps");
        return 0;
    }
    for (size_t i = 0; i < a->scenario_count; i++)
        if (strcmp(a->scenarios[i].name, b->scenarios[i].name) != 0 ||
            a->scenarios[i].first_step != b->scenarios[i].first_step ||
            a->scenarios[i].step_count != b->scenarios[i].step_count) {
            snprintf(err, errlen, "scenario %zu is '%s' in one and '%s' in the other", i + 1,
                     a->scenarios[i].name, b->scenarios[i].name);
            return 0;
        }
    for (size_t i = 0; i < a->step_count; i++)
        if (strcmp(a->steps[i].name, b->steps[i].name) != 0 ||
            a->steps[i].check_count != b->steps[i].check_count) {
            snprintf(err, errlen, "step %zu is '%s' in one and '%s' in the other", i + 1,
                     a->steps[i].name, b->steps[i].name);
            return 0;
        }
    return 1;
}

int load_result_add(struct load_result *dst, const struct load_result *src, uint32_t offset,
                    int64_t offset_ms, char *err, size_t errlen)
{
    if (!same_shape(dst, src, err, errlen))
        return -1;
    dst->interrupted |= src->interrupted;
    dst->aborted |= src->aborted;
    dst->threads += src->threads;
    dst->connections += src->connections;
    dst->max_connections += src->max_connections;
    dst->peak_connections += src->peak_connections;
    dst->vus_max += src->vus_max;
    dst->vus_peak += src->vus_peak;
    uint64_t end = src->elapsed_us + (uint64_t)(offset_ms > 0 ? offset_ms : 0) * 1000;
    dst->elapsed_us = max_u64(dst->elapsed_us, end);
    lg_counters_add(&dst->totals, &src->totals);
    dst->scheduled += src->scheduled;
    hist_merge(dst->latency, src->latency);
    hist_merge(dst->latency_uncorrected, src->latency_uncorrected);
    hist_merge(dst->connect, src->connect);
    hist_merge(dst->tls_handshake, src->tls_handshake);
    hist_merge(dst->ttfb, src->ttfb);
    hist_merge(dst->schedule_lag, src->schedule_lag);
    for (size_t i = 0; i < dst->scenario_count; i++)
        lg_scenario_stats_add(&dst->scenarios[i], &src->scenarios[i]);
    for (size_t i = 0; i < dst->step_count; i++)
        lg_step_stats_add(&dst->steps[i], &src->steps[i]);
    if (src->seconds_count)
        grow_seconds(dst, offset + src->seconds_count);
    for (size_t i = 0; i < src->seconds_count; i++)
        add_second(&dst->seconds[offset + i], &src->seconds[i], dst->step_count);
    if (!dst->first_error[0])
        memcpy(dst->first_error, src->first_error, sizeof dst->first_error);
    double secs = (double)dst->elapsed_us / 1e6;
    dst->achieved_rate = secs > 0 ? (double)dst->totals.responses / secs : 0;
    dst->requested_rate =
        secs > 0 && dst->model == LG_MODEL_OPEN ? (double)dst->scheduled / secs : 0;
    return 0;
}
