/*
 * The load result as JSON (documented in docs/load-json.md): the contract later reports and
 * `storecheck merge` read. Histograms are written in full (sparse buckets) so results merge
 * exactly. Request header values are redacted when the header carries credentials, and every
 * string passes through the secret list.
 */
#ifndef STORECHECK_REPORTS_LOAD_JSON_H
#define STORECHECK_REPORTS_LOAD_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/out_spec.h"
#include "config/config.h"
#include "loadgen/result.h"

#define LOAD_JSON_SCHEMA_VERSION 1

/* What the run was asked to do, as the command line or config said it. */
struct load_json_meta {
    const char *const *urls;
    size_t url_count;
    const char *method;
    const char *const *headers; /* "Name: value" */
    size_t header_count;
    const struct strv *secrets;      /* values never written; may be NULL */
    const char *profile;             /* scenario runs: the profile file; NULL otherwise */
    const struct out_stats *outputs; /* the live outputs (--out, load.outputs) */
    size_t output_count;
    const uint32_t *output_segments; /* a merged result: the segment of each output; else NULL */
};

/* The document as a cJSON tree (the caller deletes it), for reports that embed it. */
cJSON *load_json_object(const struct load_result *r, const struct load_json_meta *m);

/* The document as a malloc'd string. */
char *load_json_render(const struct load_result *r, const struct load_json_meta *m);

/* Write atomically (temporary file in the same directory, then rename). Returns 0, or -1 with
 * err. */
int load_json_write(const char *path, const struct load_result *r, const struct load_json_meta *m,
                    char *err, size_t errlen);

#endif
