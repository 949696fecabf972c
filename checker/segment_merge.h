/*
 * The load results of the segments of one split run, read, checked and added up into the
 * result one process would have had: what `storecheck merge` does with the files it is given,
 * and `storecheck capacity --segment` with the judged windows of each step
 * (checker/capacity_share.h).
 */
#ifndef STORECHECK_CHECKER_SEGMENT_MERGE_H
#define STORECHECK_CHECKER_SEGMENT_MERGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "loadgen/result.h"
#include "reports/load_json_read.h"

struct segment_result {
    const char *path;
    cJSON *doc;
    struct load_result r;
    struct load_json_source src; /* points into doc */
};

/* Read s->path as a load result (reports/load_json_read.h). 0, or -1 with the reason in err
 * (the path not included). */
int segment_result_read(struct segment_result *s, char *err, size_t errlen);
void segment_result_free(struct segment_result *s);

/* The n results are the segments of one run, each once: none merged already, one run id,
 * one HTTP version asked for, one config hash, one segment count, no segment twice or missing.
 * Sorts them by segment. 0, or -1 with the reason (naming the files) in err. */
int segment_results_check(struct segment_result *s, size_t n, char *err, size_t errlen);

/* Add every checked segment into s[0].r, aligned by the second since the earliest start.
 * The thresholds are left as they were: judge them again. 0, or -1 with err. */
int segment_results_merge(struct segment_result *s, size_t n, char *err, size_t errlen);

/* The live outputs of every checked segment, in segment order: each segment streamed its own
 * series, so none is added up. *outputs and *segments (the segment of each) are malloc'd,
 * free() both; the outputs' strings point into the segments' documents. */
size_t segment_results_outputs(const struct segment_result *s, size_t n, struct out_stats **outputs,
                               uint32_t **segments);

#endif
