/*
 * The "outputs" member of the load and capacity results (docs/outputs.md#in-the-result): what
 * each live output (--out, load.outputs) did, written and read back. In a merged load result
 * each output also names the segment that streamed it: every segment pushed its own series.
 */
#ifndef STORECHECK_REPORTS_OUTPUTS_JSON_H
#define STORECHECK_REPORTS_OUTPUTS_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/out_spec.h"
#include "common/strv.h"
#include "reports/json_fields.h"

/* One object per output, in order: kind, target and error (through the secrets), sent,
 * dropped, failed; and segment, from segments[i], when segments is not NULL. */
cJSON *outputs_json(const struct out_stats *outputs, size_t n, const uint32_t *segments,
                    const struct strv *secrets);

/* The "outputs" of doc into *outputs (free() it; targets point into doc) and *n: none when
 * the member is absent (no output was asked for). With segments, the segment of each into
 * *segments (free() it) when the outputs have one (a merged result: all of them), else NULL.
 * A wrong field fails rd. */
void outputs_json_read(struct json_fields *rd, const cJSON *doc, struct out_stats **outputs,
                       uint32_t **segments, size_t *n);

#endif
