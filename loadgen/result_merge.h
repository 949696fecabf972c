/*
 * Adding up the results of the segments of one split run (`storecheck merge`): counters and
 * histograms exactly, the per-second series aligned by the second since the common start,
 * the scenarios and steps. What a result cannot hold exactly per second (the percentiles of a
 * second) becomes the largest of the segments' values, an upper bound.
 */
#ifndef STORECHECK_LOADGEN_RESULT_MERGE_H
#define STORECHECK_LOADGEN_RESULT_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "loadgen/result.h"

/* Move r's per-second series `seconds` later (its second 0 becomes second `seconds`). */
void load_result_shift_seconds(struct load_result *r, uint32_t seconds);

/* dst += src, where src's second 0 is dst's second `offset` and src started offset_ms after
 * dst. -1 with the reason in err when they do not have the same scenarios and steps (then dst
 * is unchanged). The thresholds of dst are left as they were: judge them again. */
int load_result_add(struct load_result *dst, const struct load_result *src, uint32_t offset,
                    int64_t offset_ms, char *err, size_t errlen);

#endif
