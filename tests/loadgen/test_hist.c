/* The histogram against exact percentiles of random samples, and merge against one
 * histogram fed everything. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen/hist.h"
#include "tests/support/check.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The exact value at percentile p: the smallest sample with at least p% at or below it. */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank == 0)
        rank = 1;
    return sorted[rank - 1];
}

/* Log-uniform samples from 1 us to about 1 h, the range latencies live in. */
static uint64_t sample(void)
{
    double e = (double)(next_rand() % 1000000) / 1000000.0 * log(3.6e9);
    return (uint64_t)exp(e);
}

static void within_precision(uint64_t got, uint64_t want)
{
    /* 3 significant digits: the reported value is in the same bucket, at most 0.1% above. */
    double tol = (double)want * 0.001 + 1;
    if (!((double)got >= (double)want && (double)got <= (double)want + tol)) {
        fprintf(stderr, "  got %llu, exact %llu\n", (unsigned long long)got,
                (unsigned long long)want);
        CHECK(0);
    }
}

static void test_percentiles_match_exact(void)
{
    enum { N = 200000 };
    uint64_t *v = malloc(N * sizeof *v);
    struct hist *h = hist_new();
    for (size_t i = 0; i < N; i++) {
        v[i] = sample();
        hist_record(h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_u64);
    const double ps[] = {0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        within_precision(hist_percentile(h, ps[i]), exact_percentile(v, N, ps[i]));
    CHECK_INT_EQ(h->total, N);
    CHECK_INT_EQ(h->min, v[0]);
    CHECK_INT_EQ(h->max, v[N - 1]);
    long double sum = 0;
    for (size_t i = 0; i < N; i++)
        sum += v[i];
    CHECK(fabs(hist_mean(h) - (double)(sum / N)) < 1e-6 * (double)(sum / N));
    /* The stdev from bucket midpoints is within the histogram's precision. */
    long double var = 0, mean = sum / N;
    for (size_t i = 0; i < N; i++)
        var += (v[i] - mean) * (v[i] - mean);
    double sd = sqrt((double)(var / N));
    CHECK(fabs(hist_stdev(h) - sd) < sd * 0.002);
    hist_free(h);
    free(v);
}

static void test_small_values_exact(void)
{
    /* Below 2048 every value has its own counter. */
    struct hist *h = hist_new();
    for (uint64_t v = 0; v < 2048; v++)
        hist_record(h, v);
    for (uint64_t v = 0; v < 2048; v++)
        CHECK_INT_EQ(hist_index_low(hist_index(v)), v);
    CHECK_INT_EQ(hist_percentile(h, 50), 1023);
    CHECK_INT_EQ(hist_percentile(h, 100), 2047);
    hist_free(h);
}

static void test_bucket_bounds(void)
{
    /* Every value lies within its counter's bounds, and bounds are 0.1% wide at most. */
    for (int i = 0; i < 100000; i++) {
        uint64_t v = next_rand() % (HIST_MAX + 1);
        uint32_t idx = hist_index(v);
        CHECK(idx < HIST_COUNTS);
        uint64_t lo = hist_index_low(idx), hi = hist_index_high(idx);
        CHECK(lo <= v && v <= hi);
        CHECK((double)(hi - lo) <= (double)lo * 0.001 + 1);
    }
    CHECK(hist_index(HIST_MAX) < HIST_COUNTS);
}

static void test_merge_is_exact(void)
{
    struct hist *all = hist_new(), *parts[4], *merged = hist_new();
    for (int i = 0; i < 4; i++)
        parts[i] = hist_new();
    for (int i = 0; i < 100000; i++) {
        uint64_t v = sample();
        hist_record(all, v);
        hist_record(parts[next_rand() % 4], v);
    }
    for (int i = 0; i < 4; i++)
        hist_merge(merged, parts[i]);
    CHECK(memcmp(all->counts, merged->counts, sizeof all->counts) == 0);
    CHECK_INT_EQ(all->total, merged->total);
    CHECK_INT_EQ(all->sum, merged->sum);
    CHECK_INT_EQ(all->min, merged->min);
    CHECK_INT_EQ(all->max, merged->max);
    for (double p = 1; p <= 100; p += 0.5)
        CHECK_INT_EQ(hist_percentile(all, p), hist_percentile(merged, p));
    hist_free(all);
    hist_free(merged);
    for (int i = 0; i < 4; i++)
        hist_free(parts[i]);
}

/* What was recorded after a copy, taken as the whole minus the copy: the counts are those of
 * the later values alone, the percentiles theirs within the precision. */
static void test_subtract_keeps_the_later_values(void)
{
    struct hist *whole = hist_new(), *early = hist_new(), *later = hist_new();
    for (int i = 0; i < 20000; i++)
        hist_record(whole, 1 + next_rand() % 100); /* fast early values: 1-100 us */
    hist_merge(early, whole);
    for (int i = 0; i < 20000; i++) {
        uint64_t v = 5000 + next_rand() % 100000; /* slow later ones: 5 ms and up */
        hist_record(whole, v);
        hist_record(later, v);
    }
    hist_subtract(whole, early);
    CHECK(memcmp(whole->counts, later->counts, sizeof whole->counts) == 0);
    CHECK_INT_EQ(whole->total, later->total);
    CHECK_INT_EQ(whole->sum, later->sum);
    CHECK_INT_EQ(whole->lo, later->lo);
    CHECK_INT_EQ(whole->hi, later->hi);
    CHECK(whole->min >= hist_index_low(later->lo) && whole->min <= later->min);
    CHECK_INT_EQ(whole->max, later->max);
    for (double p = 1; p <= 100; p += 0.5)
        within_precision(hist_percentile(whole, p), hist_percentile(later, p));
    hist_subtract(whole, later); /* nothing left */
    CHECK_INT_EQ(whole->total, 0);
    CHECK_INT_EQ(hist_percentile(whole, 99), 0);
    hist_free(whole);
    hist_free(early);
    hist_free(later);
}

static void test_clamp_reset_and_record_n(void)
{
    struct hist *h = hist_new();
    CHECK_INT_EQ(hist_percentile(h, 99), 0);
    hist_record(h, HIST_MAX * 10);
    CHECK_INT_EQ(h->clamped, 1);
    CHECK_INT_EQ(h->max, HIST_MAX);
    hist_reset(h);
    CHECK_INT_EQ(h->total, 0);
    CHECK_INT_EQ(h->clamped, 0);
    for (uint32_t i = 0; i < HIST_COUNTS; i++)
        CHECK(h->counts[i] == 0);
    /* Rebuilding from (bucket low, count) pairs, as a saved JSON result does, is exact. */
    struct hist *src = hist_new();
    for (int i = 0; i < 10000; i++)
        hist_record(src, sample());
    for (uint32_t i = src->lo; i <= src->hi; i++)
        hist_record_n(h, hist_index_low(i), src->counts[i]);
    CHECK(memcmp(h->counts, src->counts, sizeof h->counts) == 0);
    CHECK_INT_EQ(hist_percentile(h, 99), hist_percentile(src, 99));
    hist_free(src);
    hist_free(h);
}

int main(void)
{
    RUN(test_percentiles_match_exact);
    RUN(test_small_values_exact);
    RUN(test_bucket_bounds);
    RUN(test_merge_is_exact);
    RUN(test_subtract_keeps_the_later_values);
    RUN(test_clamp_reset_and_record_n);
    return check_summary();
}
