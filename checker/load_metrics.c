#include "checker/load_metrics.h"

static int latency(void *ctx, enum th_sel sel, const char *name, enum th_stat stat, double pct,
                   double *us)
{
    const struct load_result *r = ctx;
    if (sel != TH_SEL_ALL || !r->latency || !r->latency->total)
        return -1;
    switch (stat) {
    case TH_STAT_PERCENTILE:
        *us = (double)hist_percentile(r->latency, pct);
        break;
    case TH_STAT_MIN:
        *us = (double)r->latency->min;
        break;
    case TH_STAT_MAX:
        *us = (double)r->latency->max;
        break;
    case TH_STAT_MEAN:
        *us = hist_mean(r->latency);
        break;
    }
    return 0;
}

static int count(void *ctx, enum th_sel sel, const char *name, enum th_count what, uint64_t *n)
{
    const struct load_result *r = ctx;
    if (sel != TH_SEL_ALL)
        return -1;
    switch (what) {
    case TH_COUNT_REQUESTS:
        *n = r->totals.requests;
        return 0;
    case TH_COUNT_ERRORS:
        *n = load_result_errors(r) + load_result_http_errors(r);
        return 0;
    default:
        return -1; /* iterations exist only with scenarios */
    }
}

static int elapsed(void *ctx, double *seconds)
{
    const struct load_result *r = ctx;
    if (!r->elapsed_us)
        return -1;
    *seconds = (double)r->elapsed_us / 1e6;
    return 0;
}

struct th_metrics load_metrics(const struct load_result *r)
{
    return (struct th_metrics){(void *)r, latency, count, elapsed};
}
