/*
 * HDR-style log-linear histogram of microsecond values: 1 us to 1 h at 3 significant digits
 * (every recorded value is kept within 0.1% of itself), constant memory, exact merge.
 *
 * Layout as in HdrHistogram: 2048 linear sub-buckets per power of two, the lower half of each
 * bucket after the first shared with the previous one, so HIST_COUNTS counters cover the range.
 * Values above HIST_MAX are recorded as HIST_MAX and counted in `clamped`.
 *
 * A struct hist is about 190 KB; callers allocate it once (hist_new) and reuse it (hist_reset).
 * Recording is a handful of integer operations and never allocates.
 */
#ifndef STORECHECK_LOADGEN_HIST_H
#define STORECHECK_LOADGEN_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_MAX           3600000000ULL /* 1 h in microseconds */
#define HIST_SUB_BITS      11            /* 2048 sub-buckets: 3 significant digits */
#define HIST_SUB_COUNT     (1u << HIST_SUB_BITS)
#define HIST_SUB_HALF      (HIST_SUB_COUNT / 2)
#define HIST_SUB_HALF_BITS (HIST_SUB_BITS - 1)
#define HIST_BUCKETS       22 /* smallest n with 2048 << (n - 1) > HIST_MAX */
#define HIST_COUNTS        ((HIST_BUCKETS + 1) * HIST_SUB_HALF)

struct hist {
    uint64_t total; /* values recorded */
    uint64_t sum;   /* exact sum of the recorded (clamped) values, for the mean */
    uint64_t min;   /* UINT64_MAX while empty */
    uint64_t max;
    uint64_t clamped; /* values that were above HIST_MAX */
    uint32_t lo, hi;  /* lowest and highest counter index in use (lo > hi while empty) */
    uint64_t counts[HIST_COUNTS];
};

/* A new empty histogram (aborts on out of memory); free with hist_free. */
struct hist *hist_new(void);
void hist_free(struct hist *h);
void hist_reset(struct hist *h);

static inline uint32_t hist_index(uint64_t v)
{
    /* Bucket = position of the highest set bit above the sub-bucket range. */
    unsigned pow2ceil = 64u - (unsigned)__builtin_clzll(v | (HIST_SUB_COUNT - 1));
    unsigned bucket = pow2ceil - (HIST_SUB_HALF_BITS + 1);
    uint32_t sub = (uint32_t)(v >> bucket);
    return ((bucket + 1) << HIST_SUB_HALF_BITS) + sub - HIST_SUB_HALF;
}

/* Record one value in microseconds. */
static inline void hist_record(struct hist *h, uint64_t v)
{
    if (v > HIST_MAX) {
        v = HIST_MAX;
        h->clamped++;
    }
    uint32_t i = hist_index(v);
    h->counts[i]++;
    h->total++;
    h->sum += v;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    if (i < h->lo)
        h->lo = i;
    if (i > h->hi)
        h->hi = i;
}

/* Record `count` occurrences of v (used when rebuilding a histogram from saved buckets). */
void hist_record_n(struct hist *h, uint64_t v, uint64_t count);

/* dst += src, exactly: merging per-thread histograms gives the one-thread numbers. */
void hist_merge(struct hist *dst, const struct hist *src);

/* dst -= src, where src is an earlier state of dst (what was recorded up to then): dst keeps
 * what was recorded after it. min and max become the bounds of the buckets still in use,
 * within the old ones. */
void hist_subtract(struct hist *dst, const struct hist *src);

/* Lowest and highest value that land in counter index i. */
uint64_t hist_index_low(uint32_t i);
uint64_t hist_index_high(uint32_t i);

/* The value at percentile p (0..100): the highest value equivalent to the smallest recorded
 * value with at least p% of the values at or below it, capped at max. 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);
double hist_mean(const struct hist *h);
/* Standard deviation from the bucket midpoints. */
double hist_stdev(const struct hist *h);

#endif
