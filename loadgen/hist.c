#include "loadgen/hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

_Static_assert(((uint64_t)HIST_SUB_COUNT << (HIST_BUCKETS - 1)) > HIST_MAX,
               "HIST_BUCKETS does not cover HIST_MAX");
_Static_assert(((uint64_t)HIST_SUB_COUNT << (HIST_BUCKETS - 2)) <= HIST_MAX,
               "HIST_BUCKETS is larger than needed");

struct hist *hist_new(void)
{
    /* Zeroed by calloc: a fresh large block comes zeroed from the kernel, and only the pages
     * of the counters in use are ever touched (a memset would fault in all of them). */
    struct hist *h = xcalloc(1, sizeof *h);
    h->min = UINT64_MAX;
    h->lo = HIST_COUNTS;
    return h;
}

void hist_free(struct hist *h)
{
    free(h);
}

void hist_reset(struct hist *h)
{
    /* Only the counters in use were touched. */
    if (h->lo <= h->hi)
        memset(&h->counts[h->lo], 0, (h->hi - h->lo + 1) * sizeof h->counts[0]);
    h->total = h->sum = h->max = h->clamped = 0;
    h->min = UINT64_MAX;
    h->lo = HIST_COUNTS;
    h->hi = 0;
}

void hist_record_n(struct hist *h, uint64_t v, uint64_t count)
{
    if (count == 0)
        return;
    if (v > HIST_MAX) {
        v = HIST_MAX;
        h->clamped += count;
    }
    uint32_t i = hist_index(v);
    h->counts[i] += count;
    h->total += count;
    h->sum += v * count;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    if (i < h->lo)
        h->lo = i;
    if (i > h->hi)
        h->hi = i;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->total == 0)
        return;
    for (uint32_t i = src->lo; i <= src->hi; i++)
        dst->counts[i] += src->counts[i];
    dst->total += src->total;
    dst->sum += src->sum;
    dst->clamped += src->clamped;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    if (src->lo < dst->lo)
        dst->lo = src->lo;
    if (src->hi > dst->hi)
        dst->hi = src->hi;
}

void hist_subtract(struct hist *dst, const struct hist *src)
{
    if (src->total == 0)
        return;
    for (uint32_t i = src->lo; i <= src->hi; i++)
        dst->counts[i] -= src->counts[i];
    dst->total -= src->total;
    dst->sum -= src->sum;
    dst->clamped -= src->clamped;
    uint32_t lo = dst->lo, hi = dst->hi;
    while (lo <= hi && !dst->counts[lo])
        lo++;
    while (hi > lo && !dst->counts[hi])
        hi--;
    if (!dst->total || lo > hi) {
        hist_reset(dst);
        return;
    }
    uint64_t low = hist_index_low(lo), high = hist_index_high(hi);
    dst->min = low > dst->min ? low : dst->min;
    dst->max = high < dst->max ? high : dst->max;
    dst->lo = lo;
    dst->hi = hi;
}

uint64_t hist_index_low(uint32_t i)
{
    uint32_t bucket = i >> HIST_SUB_HALF_BITS;
    uint32_t sub = (i & (HIST_SUB_HALF - 1)) + HIST_SUB_HALF;
    if (bucket == 0) /* the first bucket uses its whole linear range */
        return i;
    return (uint64_t)sub << (bucket - 1);
}

uint64_t hist_index_high(uint32_t i)
{
    uint32_t bucket = i >> HIST_SUB_HALF_BITS;
    uint64_t width = bucket == 0 ? 1 : (uint64_t)1 << (bucket - 1);
    return hist_index_low(i) + width - 1;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
    if (h->total == 0)
        return 0;
    if (p < 0)
        p = 0;
    if (p > 100)
        p = 100;
    uint64_t want = (uint64_t)ceil(p / 100.0 * (double)h->total);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (uint32_t i = h->lo; i <= h->hi; i++) {
        seen += h->counts[i];
        if (seen >= want) {
            uint64_t v = hist_index_high(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

double hist_mean(const struct hist *h)
{
    return h->total ? (double)h->sum / (double)h->total : 0.0;
}

double hist_stdev(const struct hist *h)
{
    if (h->total < 2)
        return 0.0;
    double mean = hist_mean(h), acc = 0;
    for (uint32_t i = h->lo; i <= h->hi; i++) {
        if (!h->counts[i])
            continue;
        double mid = ((double)hist_index_low(i) + (double)hist_index_high(i)) / 2.0;
        acc += (double)h->counts[i] * (mid - mean) * (mid - mean);
    }
    return sqrt(acc / (double)h->total);
}
