/*
 * The metrics of a load run at one moment, as a flat list of samples: the names, labels and
 * units docs/outputs.md lists. Every live output writes this list: JSON and CSV one line per
 * sample, Prometheus one time series per sample. Counters are totals since the start of the
 * run; latency is a histogram of cumulative buckets (le) with _sum and _count, so buckets of
 * several segments or seconds add up.
 */
#ifndef STORECHECK_OUTPUTS_LIVE_METRICS_H
#define STORECHECK_OUTPUTS_LIVE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "loadgen/result.h"

enum { LIVE_LABELS_MAX = 3 }; /* besides run_id and segment */

struct live_label {
    const char *name, *value;
};

struct live_sample {
    const char *name; /* the full metric name: storecheck_latency_seconds_bucket, ... */
    struct live_label labels[LIVE_LABELS_MAX];
    size_t label_count;
    double value;
    int gauge; /* a level, not a total: never added up */
};

struct live_samples {
    struct live_sample *items;
    size_t count, cap;
};

/* The latency buckets' upper bounds, in seconds (the +Inf bucket comes after them). */
extern const double live_latency_bounds[];
extern const size_t live_latency_bound_count;

/* Fill s (emptied first) from the cumulative totals in r (a snapshot or the final result) and
 * the newest finished second (row, NULL if none) for the gauges. Label values point into r
 * and static strings: r must outlive the samples' use. */
void live_metrics_collect(struct live_samples *s, const struct load_result *r,
                          const struct lg_second *row);
void live_samples_free(struct live_samples *s);

#endif
