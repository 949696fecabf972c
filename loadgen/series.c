#include "loadgen/series.h"

#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

void series_interval_init(struct series_interval *iv, size_t step_count)
{
    memset(iv, 0, sizeof *iv);
    iv->latency = hist_new();
    iv->step_count = step_count;
    iv->steps = step_count ? xcalloc(step_count, sizeof *iv->steps) : NULL;
}

void series_interval_reset(struct series_interval *iv)
{
    struct hist *h = iv->latency;
    struct lg_step_second *steps = iv->steps;
    size_t step_count = iv->step_count;
    hist_reset(h);
    memset(iv, 0, sizeof *iv);
    if (step_count)
        memset(steps, 0, step_count * sizeof *steps);
    iv->latency = h;
    iv->steps = steps;
    iv->step_count = step_count;
}

void series_interval_free(struct series_interval *iv)
{
    hist_free(iv->latency);
    free(iv->steps);
    iv->latency = NULL;
    iv->steps = NULL;
}

void series_init(struct series *s, unsigned workers, size_t step_count)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->workers = workers;
    s->step_count = step_count;
    for (int i = 0; i < SERIES_RING; i++)
        series_interval_init(&s->slots[i].sum, step_count);
}

void series_free(struct series *s)
{
    for (int i = 0; i < SERIES_RING; i++)
        series_interval_free(&s->slots[i].sum);
    for (size_t i = 0; i < s->count; i++)
        free(s->rows[i].steps);
    free(s->rows);
    pthread_mutex_destroy(&s->mu);
    memset(s, 0, sizeof *s);
}

static void add(struct series_interval *dst, const struct series_interval *src)
{
    hist_merge(dst->latency, src->latency);
    dst->responses += src->responses;
    dst->errors += src->errors;
    dst->status_4xx += src->status_4xx;
    dst->status_5xx += src->status_5xx;
    dst->status_503 += src->status_503;
    dst->late += src->late;
    dst->dropped += src->dropped;
    dst->bytes_in += src->bytes_in;
    dst->bytes_out += src->bytes_out;
    dst->connections += src->connections;
    dst->users += src->users;
    for (size_t i = 0; i < dst->step_count && i < src->step_count; i++) {
        dst->steps[i].responses += src->steps[i].responses;
        dst->steps[i].status_5xx += src->steps[i].status_5xx;
        dst->steps[i].status_503 += src->steps[i].status_503;
        dst->steps[i].errors += src->steps[i].errors;
    }
}

/* Turn a slot into a row; rows stay in order of seconds because slots finish in order. */
static void finish_slot(struct series *s, int i)
{
    const struct series_interval *iv = &s->slots[i].sum;
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->rows = xrealloc(s->rows, s->cap * sizeof *s->rows);
    }
    struct lg_second *row = &s->rows[s->count++];
    *row = (struct lg_second){
        .second = s->slots[i].second,
        .responses = iv->responses,
        .errors = iv->errors,
        .status_4xx = iv->status_4xx,
        .status_5xx = iv->status_5xx,
        .status_503 = iv->status_503,
        .late = iv->late,
        .dropped = iv->dropped,
        .bytes_in = iv->bytes_in,
        .bytes_out = iv->bytes_out,
        .connections = iv->connections,
        .users = iv->users,
        .p50 = hist_percentile(iv->latency, 50),
        .p90 = hist_percentile(iv->latency, 90),
        .p99 = hist_percentile(iv->latency, 99),
        .max = iv->latency->total ? iv->latency->max : 0,
        .mean = hist_mean(iv->latency),
    };
    if (iv->step_count) {
        /* Once a second, not per request. */
        row->steps = xmalloc(iv->step_count * sizeof *row->steps);
        memcpy(row->steps, iv->steps, iv->step_count * sizeof *row->steps);
    }
    series_interval_reset(&s->slots[i].sum);
    s->slots[i].used = 0;
}

/* Finish every used slot older than `second`, oldest first. */
static void finish_before(struct series *s, uint32_t second)
{
    for (;;) {
        int oldest = -1;
        for (int i = 0; i < SERIES_RING; i++)
            if (s->slots[i].used && s->slots[i].second < second &&
                (oldest < 0 || s->slots[i].second < s->slots[oldest].second))
                oldest = i;
        if (oldest < 0)
            return;
        finish_slot(s, oldest);
    }
}

void series_submit(struct series *s, uint32_t second, const struct series_interval *iv)
{
    pthread_mutex_lock(&s->mu);
    if (s->count && second <= s->rows[s->count - 1].second) {
        /* That second is already finished: its row stays as it was, the data is counted in
         * the newest unfinished second instead of being lost. */
        second = s->rows[s->count - 1].second + 1;
    }
    /* Keep at most SERIES_RING seconds open. */
    if (second >= SERIES_RING)
        finish_before(s, second - SERIES_RING + 1);
    int slot = (int)(second % SERIES_RING);
    if (s->slots[slot].used && s->slots[slot].second > second) {
        /* This worker lags more than SERIES_RING seconds behind another: count its share in
         * the newer second rather than lose it. */
        second = s->slots[slot].second;
    }
    if (!s->slots[slot].used) {
        s->slots[slot].used = 1;
        s->slots[slot].second = second;
        s->slots[slot].contributions = 0;
    }
    add(&s->slots[slot].sum, iv);
    if (++s->slots[slot].contributions >= s->workers) {
        finish_before(s, second);
        finish_slot(s, slot);
    }
    pthread_mutex_unlock(&s->mu);
}

void series_finish(struct series *s)
{
    pthread_mutex_lock(&s->mu);
    finish_before(s, UINT32_MAX);
    pthread_mutex_unlock(&s->mu);
}

int series_latest(struct series *s, struct lg_second *out)
{
    pthread_mutex_lock(&s->mu);
    int rc = -1;
    if (s->count) {
        *out = s->rows[s->count - 1];
        out->steps = NULL; /* owned by the series, which may move or free it */
        rc = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

struct lg_second *series_take(struct series *s, size_t *count)
{
    pthread_mutex_lock(&s->mu);
    struct lg_second *rows = s->rows;
    *count = s->count;
    s->rows = NULL;
    s->count = s->cap = 0;
    pthread_mutex_unlock(&s->mu);
    return rows;
}
