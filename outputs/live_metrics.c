#include "outputs/live_metrics.h"

#include <stdlib.h>

#include "common/oom.h"

const double live_latency_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                      0.5,   1,      2.5,   5,    10,    30,   60};
const size_t live_latency_bound_count = sizeof live_latency_bounds / sizeof *live_latency_bounds;

/* The le label of each bound, as Prometheus clients write it; the last is +Inf. */
static const char *const le_names[] = {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                       "0.1",   "0.25",   "0.5",   "1",    "2.5",   "5",
                                       "10",    "30",     "60",    "+Inf"};

static const char *const status_classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

static struct live_sample *add(struct live_samples *s, const char *name, double value)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    struct live_sample *x = &s->items[s->count++];
    *x = (struct live_sample){.name = name, .value = value};
    return x;
}

static void label(struct live_sample *x, const char *name, const char *value)
{
    if (x->label_count < LIVE_LABELS_MAX)
        x->labels[x->label_count++] = (struct live_label){name, value};
}

/* Copy the labels of `from` (a scenario and step) onto x. */
static void labels_from(struct live_sample *x, const struct live_label *from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        label(x, from[i].name, from[i].value);
}

static const char *const latency_names[3] = {"storecheck_latency_seconds_bucket",
                                             "storecheck_latency_seconds_sum",
                                             "storecheck_latency_seconds_count"};
static const char *const iteration_names[3] = {"storecheck_iteration_duration_seconds_bucket",
                                               "storecheck_iteration_duration_seconds_sum",
                                               "storecheck_iteration_duration_seconds_count"};
static const char *const step_latency_names[3] = {"storecheck_step_latency_seconds_bucket",
                                                  "storecheck_step_latency_seconds_sum",
                                                  "storecheck_step_latency_seconds_count"};

/* A latency histogram as Prometheus buckets: each bound counts the values at or below it
 * (within the histogram's 0.1% precision), the last (+Inf) all of them. */
static void histogram(struct live_samples *s, const char *const nm[3], const struct hist *h,
                      const struct live_label *labels, size_t n)
{
    uint64_t below[sizeof le_names / sizeof *le_names] = {0};
    for (uint32_t i = h->lo; h->total && i <= h->hi; i++) {
        if (!h->counts[i])
            continue;
        double v = (double)hist_index_low(i) / 1e6;
        for (size_t b = 0; b < live_latency_bound_count; b++)
            if (v <= live_latency_bounds[b])
                below[b] += h->counts[i];
    }
    for (size_t b = 0; b <= live_latency_bound_count; b++) {
        struct live_sample *x =
            add(s, nm[0], (double)(b == live_latency_bound_count ? h->total : below[b]));
        labels_from(x, labels, n);
        label(x, "le", le_names[b]);
    }
    labels_from(add(s, nm[1], (double)h->sum / 1e6), labels, n);
    labels_from(add(s, nm[2], (double)h->total), labels, n);
}

static void requests(struct live_samples *s, const struct load_result *r)
{
    const struct lg_counters *c = &r->totals;
    add(s, "storecheck_requests_total", (double)c->requests);
    for (int k = 0; k < 5; k++) {
        uint64_t n = 0;
        for (int code = (k + 1) * 100; code < (k + 2) * 100; code++)
            n += c->status[code];
        label(add(s, "storecheck_responses_total", (double)n), "status", status_classes[k]);
    }
    for (int k = 0; k < LG_ERR_COUNT; k++)
        label(add(s, "storecheck_errors_total", (double)c->errors[k]), "class", lg_error_names[k]);
    add(s, "storecheck_late_requests_total", (double)c->late);
    add(s, "storecheck_dropped_requests_total", (double)c->dropped);
    add(s, "storecheck_received_bytes_total", (double)c->bytes_in);
    add(s, "storecheck_sent_bytes_total", (double)c->bytes_out);
    histogram(s, latency_names, r->latency, NULL, 0);
}

static void scenarios(struct live_samples *s, const struct load_result *r)
{
    for (size_t i = 0; i < r->scenario_count; i++) {
        const struct lg_scenario_stats *sc = &r->scenarios[i];
        struct live_label who = {"scenario", sc->name};
        labels_from(add(s, "storecheck_iterations_started_total", (double)sc->started), &who, 1);
        labels_from(add(s, "storecheck_iterations_completed_total", (double)sc->completed), &who,
                    1);
        labels_from(add(s, "storecheck_iterations_dropped_total", (double)sc->dropped), &who, 1);
        for (int k = 0; k < LG_FAIL_COUNT; k++) {
            struct live_sample *x =
                add(s, "storecheck_iterations_failed_total", (double)sc->failed[k]);
            labels_from(x, &who, 1);
            label(x, "reason", lg_fail_names[k]);
        }
        if (sc->duration)
            histogram(s, iteration_names, sc->duration, &who, 1);
    }
    for (size_t i = 0; i < r->step_count; i++) {
        const struct lg_step_stats *st = &r->steps[i];
        struct live_label who[2] = {{"scenario", st->scenario}, {"step", st->name}};
        labels_from(add(s, "storecheck_step_requests_total", (double)st->requests), who, 2);
        labels_from(add(s, "storecheck_check_failures_total", (double)st->failed[LG_FAIL_CHECK]),
                    who, 2);
        if (st->latency)
            histogram(s, step_latency_names, st->latency, who, 2);
    }
}

void live_metrics_collect(struct live_samples *s, const struct load_result *r,
                          const struct lg_second *row)
{
    s->count = 0;
    requests(s, r);
    scenarios(s, r);
    add(s, "storecheck_active_users", row ? (double)row->users : 0)->gauge = 1;
    add(s, "storecheck_open_connections", row ? (double)row->connections : 0)->gauge = 1;
}

void live_samples_free(struct live_samples *s)
{
    free(s->items);
    *s = (struct live_samples){0};
}
