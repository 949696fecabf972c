/* Pieces of the load and capacity JSON shared between their writers' files (not a public API). */
#ifndef STORECHECK_REPORTS_LOAD_JSON_PARTS_H
#define STORECHECK_REPORTS_LOAD_JSON_PARTS_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "config/config.h"
#include "loadgen/result.h"

void load_json_add_u64(cJSON *o, const char *k, uint64_t v);
/* v with the secrets blanked out; null when v is NULL. */
void load_json_add_redacted(cJSON *o, const char *k, const char *v, const struct strv *secrets);
/* A histogram: count, min, max, mean, stdev, percentiles and its sparse buckets. */
cJSON *load_json_hist(const struct hist *h);

/* Add "virtual_users", "scenarios" and "steps" to root (null / empty for a URL run). */
void load_json_scenarios(cJSON *root, const struct load_result *r, const struct strv *secrets);
/* The judged thresholds, in config order. */
cJSON *load_json_thresholds(const struct load_result *r);

#endif
