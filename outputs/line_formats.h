/*
 * The two line formats of the streaming file outputs (docs/outputs.md), one line per sample,
 * all samples of a moment with the same time:
 *   json=FILE  k6's points: {"type":"Point","metric":NAME,"data":{"time":RFC3339,"value":V,
 *              "tags":{"run_id":..,"segment":..,LABELS}}}
 *   csv=FILE   metric_name,timestamp,metric_value,run_id,segment,scenario,step,status,class,
 *              reason,le (a header line first; timestamp in Unix seconds)
 * Each returns 0, or -1 when the stream failed (errno kept).
 */
#ifndef STORECHECK_OUTPUTS_LINE_FORMATS_H
#define STORECHECK_OUTPUTS_LINE_FORMATS_H

#include <stdint.h>
#include <stdio.h>

#include "outputs/live_metrics.h"

/* Who the samples belong to and when they were taken. */
struct line_context {
    const char *run_id;
    uint32_t segment;
    int64_t unix_ms;
};

int line_json_write(FILE *f, const struct live_samples *s, const struct line_context *c);

int line_csv_header(FILE *f);
int line_csv_write(FILE *f, const struct live_samples *s, const struct line_context *c);

#endif
