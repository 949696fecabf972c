#include "scenario/run_fingerprint.h"

#include <stdio.h>
#include <string.h>

#include "scenario/plan.h"

/* FNV-1a, 64 bits: stable across machines and builds. */
struct fp {
    uint64_t h;
};

static void add_bytes(struct fp *f, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        f->h ^= b[i];
        f->h *= 0x100000001b3ULL;
    }
}

static void add_u64(struct fp *f, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    add_bytes(f, b, sizeof b);
}

/* A double by its printed value, so that the bytes of its representation do not matter. */
static void add_double(struct fp *f, double v)
{
    char s[64];
    int n = snprintf(s, sizeof s, "%.17g", v);
    add_bytes(f, s, (size_t)n);
}

/* A string and its end, so that "ab","c" and "a","bc" differ. */
static void add_str(struct fp *f, const char *s)
{
    if (s)
        add_bytes(f, s, strlen(s));
    add_bytes(f, "", 1);
}

static void add_plan(struct fp *f, const struct plan *pl)
{
    add_u64(f, pl->seed);
    add_u64(f, pl->think_min_us);
    add_u64(f, pl->think_max_us);
    add_u64(f, pl->mix.count);
    for (size_t i = 0; i < pl->mix.count; i++) {
        add_str(f, pl->mix.items[i].name);
        add_double(f, pl->mix.items[i].weight);
    }
    add_u64(f, pl->scenario_count);
    for (size_t i = 0; i < pl->scenario_count; i++) {
        const struct plan_scenario *s = &pl->scenarios[i];
        add_str(f, s->name);
        add_u64(f, s->step_count);
        for (size_t j = 0; j < s->step_count; j++) {
            add_str(f, s->steps[j].name);
            add_str(f, s->steps[j].method);
        }
    }
    add_u64(f, pl->feeder_count);
    for (size_t i = 0; i < pl->feeder_count; i++) {
        add_str(f, pl->feeders[i].name);
        add_u64(f, (uint64_t)pl->feeders[i].mode);
        add_u64(f, pl->feeders[i].data->nrows);
    }
}

void run_fingerprint(const struct loadgen_params *p, const struct plan *plan,
                     const struct threshold *thresholds, size_t threshold_count,
                     char out[RUN_FINGERPRINT_LEN])
{
    struct fp f = {0xcbf29ce484222325ULL};
    add_str(&f, "storecheck run fingerprint 1");
    add_u64(&f, (uint64_t)p->model);
    add_double(&f, p->start);
    add_u64(&f, p->stage_count);
    for (size_t i = 0; i < p->stage_count; i++) {
        add_u64(&f, p->stages[i].duration_us);
        add_double(&f, p->stages[i].target);
    }
    add_u64(&f, p->duration_us);
    /* Only a version other than HTTP/1.1 is added: runs from before HTTP/2 keep their
     * fingerprint and still merge with today's HTTP/1.1 segments. */
    if (p->http != LG_HTTP_1)
        add_str(&f, lg_http_names[p->http]);
    add_u64(&f, plan != NULL);
    if (plan)
        add_plan(&f, plan);
    else
        add_u64(&f, p->url_count);
    add_u64(&f, threshold_count);
    for (size_t i = 0; i < threshold_count; i++) {
        add_str(&f, thresholds[i].expr);
        add_u64(&f, (uint64_t)thresholds[i].abort_on_fail);
    }
    snprintf(out, RUN_FINGERPRINT_LEN, "%016llx", (unsigned long long)f.h);
}
