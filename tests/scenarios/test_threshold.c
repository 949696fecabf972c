/* Thresholds: the grammar, located errors, evaluation against a fake metrics source. */
#include <math.h>
#include <string.h>

#include "loadgen/threshold.h"
#include "tests/support/check.h"

static struct threshold_expr parse_ok(const char *src)
{
    struct threshold_expr t;
    struct parse_error err = {0};
    if (threshold_parse(src, &t, &err)) {
        fprintf(stderr, "'%s': %d: %s\n", src, err.col, err.msg);
        CHECK(0);
    }
    return t;
}

static void test_parse(void)
{
    struct threshold_expr t = parse_ok("p95(checkout) < 800ms");
    CHECK(t.kind == TH_LATENCY && t.stat == TH_STAT_PERCENTILE && t.pct == 95);
    CHECK(t.sel == TH_SEL_NAME);
    CHECK_STR_EQ(t.name, "checkout");
    CHECK(t.op == TH_LT && t.limit == 800000);
    CHECK_STR_EQ(t.label, "p95(checkout)");

    t = parse_ok("p99 < 1.5s");
    CHECK(t.sel == TH_SEL_ALL && t.name[0] == '\0' && t.limit == 1500000);
    CHECK_STR_EQ(t.label, "p99");
    t = parse_ok("  max( step:order )<=2s ");
    CHECK(t.stat == TH_STAT_MAX && t.sel == TH_SEL_STEP && t.op == TH_LE);
    CHECK_STR_EQ(t.name, "order");
    CHECK_STR_EQ(t.label, "max(step:order)");
    t = parse_ok("mean(scenario:browse) < 300ms");
    CHECK(t.stat == TH_STAT_MEAN && t.sel == TH_SEL_SCENARIO);
    CHECK_STR_EQ(t.name, "browse");
    t = parse_ok("p99.9 <= 3s");
    CHECK(fabs(t.pct - 99.9) < 1e-12);
    t = parse_ok("median >= 1ms");
    CHECK(t.stat == TH_STAT_PERCENTILE && t.pct == 50 && t.op == TH_GE);
    t = parse_ok("error_rate < 0.5%");
    CHECK(t.kind == TH_ERROR_RATE && fabs(t.limit - 0.005) < 1e-15);
    t = parse_ok("error_rate(checkout) <= 0.01");
    CHECK(t.limit == 0.01);
    t = parse_ok("rps > 100");
    CHECK(t.kind == TH_RPS && t.op == TH_GT && t.limit == 100);
    t = parse_ok("rps >= 6k/m");
    CHECK(t.limit == 100);
    t = parse_ok("dropped_iterations == 0");
    CHECK(t.kind == TH_COUNT && t.count == TH_COUNT_DROPPED_ITERATIONS && t.op == TH_EQ);
    t = parse_ok("failed_iterations(scenario:checkout) != 1k");
    CHECK(t.count == TH_COUNT_FAILED_ITERATIONS && t.op == TH_NE && t.limit == 1000);
    t = parse_ok("p100 < 1h");
    CHECK(t.pct == 100);
}

static void expect_error(const char *src, int col, const char *msg)
{
    struct threshold_expr t;
    struct parse_error err = {0};
    CHECK(threshold_parse(src, &t, &err) == -1);
    CHECK_INT_EQ(err.col, col);
    CHECK_CONTAINS(err.msg, msg);
}

static void test_errors(void)
{
    expect_error("", 1, "expected a metric");
    expect_error("  < 3s", 3, "expected a metric");
    expect_error("p95x(checkout) < 800ms", 1, "a percentile is p followed by");
    expect_error("p0 < 1s", 1, "(0, 100]");
    expect_error("p101 < 1s", 1, "(0, 100]");
    expect_error("latency < 1s", 1, "unknown metric 'latency'");
    expect_error("p95(checkout < 800ms", 4, "not closed");
    expect_error("p95() < 1s", 5, "expected a name");
    expect_error("p95(step:) < 1s", 5, "expected a name");
    expect_error("p95 800ms", 5, "expected a comparison");
    expect_error("p95 => 800ms", 5, "expected a comparison");
    expect_error("p95 < ", 7, "expected a value");
    expect_error("p95 < 800", 7, "needs a unit");
    expect_error("p95 < 800 ms", 7, "unknown unit");
    expect_error("error_rate < 5 %", 14, "percentage");
    expect_error("error_rate < 150%", 14, "at most 100%");
    expect_error("error_rate < -1%", 14, "percentage");
    expect_error("rps > fast", 7, "not a number");
    expect_error("dropped_iterations == 0.5", 23, "whole number");
}

/* A fake result: scenario "checkout" with step "order"; everything else is unknown. */
struct fake {
    uint64_t requests, errors, dropped;
    double seconds;
};

static int is_known(enum th_sel sel, const char *name)
{
    switch (sel) {
    case TH_SEL_ALL:
        return 1;
    case TH_SEL_NAME:
        return strcmp(name, "checkout") == 0 || strcmp(name, "order") == 0;
    case TH_SEL_STEP:
        return strcmp(name, "order") == 0;
    case TH_SEL_SCENARIO:
        return strcmp(name, "checkout") == 0;
    }
    return 0;
}

static int fake_latency(void *ctx, enum th_sel sel, const char *name, enum th_stat stat, double pct,
                        double *us)
{
    if (!is_known(sel, name))
        return -1;
    switch (stat) {
    case TH_STAT_PERCENTILE:
        *us = pct * 10000; /* p95 = 950ms */
        return 0;
    case TH_STAT_MIN:
        *us = 1000;
        return 0;
    case TH_STAT_MAX:
        *us = 2500000;
        return 0;
    case TH_STAT_MEAN:
        *us = 300000;
        return 0;
    }
    return -1;
}

static int fake_count(void *ctx, enum th_sel sel, const char *name, enum th_count what, uint64_t *n)
{
    struct fake *f = ctx;
    if (!is_known(sel, name))
        return -1;
    switch (what) {
    case TH_COUNT_REQUESTS:
        *n = f->requests;
        return 0;
    case TH_COUNT_ERRORS:
        *n = f->errors;
        return 0;
    case TH_COUNT_DROPPED_ITERATIONS:
        *n = f->dropped;
        return 0;
    default:
        return -1;
    }
}

static int fake_elapsed(void *ctx, double *seconds)
{
    *seconds = ((struct fake *)ctx)->seconds;
    return 0;
}

static struct th_result eval(const char *src, struct fake *f)
{
    struct th_metrics m = {f, fake_latency, fake_count, fake_elapsed};
    struct threshold_expr t = parse_ok(src);
    struct th_result r;
    threshold_eval(&t, &m, &r);
    return r;
}

static void test_eval(void)
{
    struct fake f = {.requests = 2000, .errors = 13, .dropped = 0, .seconds = 10};
    struct th_result r = eval("p95(checkout) < 800ms", &f);
    CHECK(r.verdict == TH_FAIL && r.observed == 950000);
    CHECK_STR_EQ(r.line, "p95(checkout) = 950ms, allowed < 800ms");
    r = eval("p95(checkout) <= 950ms", &f);
    CHECK(r.verdict == TH_PASS);
    r = eval("max(step:order) <= 2s", &f);
    CHECK(r.verdict == TH_FAIL);
    CHECK_STR_EQ(r.line, "max(step:order) = 2.5s, allowed <= 2s");
    r = eval("mean(scenario:browse) < 300ms", &f);
    CHECK(r.verdict == TH_NODATA);
    CHECK_STR_EQ(r.line, "mean(scenario:browse): no data, allowed < 300ms");
    r = eval("min > 999us", &f);
    CHECK(r.verdict == TH_PASS);
    r = eval("error_rate < 0.5%", &f);
    CHECK(r.verdict == TH_FAIL && fabs(r.observed - 0.0065) < 1e-12);
    CHECK_STR_EQ(r.line, "error_rate = 0.65%, allowed < 0.5%");
    r = eval("error_rate < 1%", &f);
    CHECK(r.verdict == TH_PASS);
    r = eval("rps > 100", &f);
    CHECK(r.verdict == TH_PASS && r.observed == 200);
    CHECK_STR_EQ(r.line, "rps = 200.0/s, allowed > 100.0/s");
    r = eval("dropped_iterations == 0", &f);
    CHECK(r.verdict == TH_PASS);
    CHECK_STR_EQ(r.line, "dropped_iterations = 0, allowed == 0");
    r = eval("iterations > 0", &f);
    CHECK(r.verdict == TH_NODATA);

    /* No requests: no error rate and no throughput rather than a division by zero. */
    struct fake idle = {.seconds = 0};
    CHECK(eval("error_rate < 1%", &idle).verdict == TH_NODATA);
    CHECK(eval("rps > 1", &idle).verdict == TH_NODATA);
}

static void test_check_selector(void)
{
    struct step steps[] = {{.name = "cart"}, {.name = "order"}};
    struct scenario sc[] = {{.name = "browse"},
                            {.name = "checkout", .steps = steps, .step_count = 2}};
    char err[256];
    struct threshold_expr t = parse_ok("p95 < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == 0);
    t = parse_ok("p95(checkout) < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == 0);
    t = parse_ok("p95(order) < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == 0);
    t = parse_ok("p95(step:order) < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == 0);
    t = parse_ok("p95(scenario:order) < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(scenario:order): no scenario named 'order' in load.scenarios");
    t = parse_ok("p95(step:browse) < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == -1);
    t = parse_ok("p95(search) < 1s");
    CHECK(threshold_check_selector(&t, sc, 2, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "no scenario or step named 'search'");
}

int main(void)
{
    RUN(test_parse);
    RUN(test_errors);
    RUN(test_eval);
    RUN(test_check_selector);
    return check_summary();
}
