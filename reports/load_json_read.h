/*
 * Reading a load result JSON (docs/load-json.md) back into a struct load_result, exactly:
 * counters, every histogram from its buckets (with its exact sum, min and max), the
 * per-second series, the scenarios and steps, the thresholds as written, the live outputs,
 * and the segment, run id and config hash of a split run. What `storecheck merge` adds up.
 * A `storecheck run` report is read as the load result it holds.
 */
#ifndef STORECHECK_REPORTS_LOAD_JSON_READ_H
#define STORECHECK_REPORTS_LOAD_JSON_READ_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/out_spec.h"
#include "loadgen/result.h"

/* What the result says was asked for, pointing into the document it was read from. */
struct load_json_source {
    const char **urls;
    size_t url_count;
    const char *method;
    char **headers; /* "Name: value" each (credential values already redacted) */
    size_t header_count;
    const char *profile; /* NULL for a URL run */
    struct out_stats *outputs; /* what the live outputs did (their targets point into the
                                  document); none when no output was asked for */
    uint32_t *output_segments; /* a merged result: the segment of each output; else NULL */
    size_t output_count;
};

/* Parse text as a load result into *r (load_result_free it) and *src (load_json_source_free
 * it; it points into *doc, which the caller deletes after both). 0, or -1 with the reason in
 * err when it is not JSON, not a load result of schema version 1, or a field is missing or
 * out of range; nothing is left to free then. */
int load_json_read(const char *text, size_t len, cJSON **doc, struct load_result *r,
                   struct load_json_source *src, char *err, size_t errlen);
void load_json_source_free(struct load_json_source *src);

#endif
