/* Thresholds: the grammar, located errors, evaluation against a fake metrics source, the
 * selectors validate accepts, and what each selector reads from a load result. */
#include <math.h>
#include <string.h>

#include "scenario/result_metrics.h"
#include "scenario/threshold.h"
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
    struct threshold_expr t = parse_ok("p95(scenario:checkout) < 800ms");
    CHECK(t.kind == TH_LATENCY && t.stat == TH_STAT_PERCENTILE && t.pct == 95);
    CHECK(t.sel == TH_SEL_SCENARIO && t.sel_col == 5);
    CHECK_STR_EQ(t.name, "checkout");
    CHECK(t.op == TH_LT && t.limit == 800000);
    CHECK_STR_EQ(t.label, "p95(scenario:checkout)");
    t = parse_ok("p95( iteration:checkout ) < 3s");
    CHECK(t.sel == TH_SEL_ITERATION && t.sel_col == 6 && t.limit == 3000000);
    CHECK_STR_EQ(t.name, "checkout");
    CHECK_STR_EQ(t.label, "p95(iteration:checkout)");
    t = parse_ok("max(iteration:checkout) <= 5s");
    CHECK(t.stat == TH_STAT_MAX && t.sel == TH_SEL_ITERATION);
    /* A bare name parses, for validate to say which selector is meant. */
    t = parse_ok("p95(checkout) < 800ms");
    CHECK(t.sel == TH_SEL_NAME && t.sel_col == 5);
    CHECK_STR_EQ(t.name, "checkout");

    t = parse_ok("p99 < 1.5s");
    CHECK(t.sel == TH_SEL_ALL && t.name[0] == '\0' && t.sel_col == 0 && t.limit == 1500000);
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
    t = parse_ok("error_rate(scenario:checkout) <= 0.01");
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
    expect_error("p95( iteration: ) < 1s", 6, "iteration:NAME in '( )'");
    expect_error("error_rate(iteration:checkout) < 1%", 12,
                 "iteration:NAME is the duration of NAME's iterations, for pN, median, min, max "
                 "and mean; error_rate(scenario:checkout) reads");
    expect_error("iterations(iteration:checkout) > 0", 12, "iterations(scenario:checkout)");
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
    case TH_SEL_ITERATION:
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
        *us = pct * (sel == TH_SEL_ITERATION ? 30000 : 10000); /* p95 = 950ms, 2.85s */
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
    struct th_result r = eval("p95(scenario:checkout) < 800ms", &f);
    CHECK(r.verdict == TH_FAIL && r.observed == 950000);
    CHECK_STR_EQ(r.line, "p95(scenario:checkout) = 950ms, allowed < 800ms");
    r = eval("p95(scenario:checkout) <= 950ms", &f);
    CHECK(r.verdict == TH_PASS);
    /* The iteration's duration is asked for as such: the fake's is three times longer. */
    r = eval("p95(iteration:checkout) <= 950ms", &f);
    CHECK(r.verdict == TH_FAIL && r.observed == 2850000);
    CHECK_STR_EQ(r.line, "p95(iteration:checkout) = 2.85s, allowed <= 950ms");
    r = eval("p95(iteration:order) <= 3s", &f);
    CHECK(r.verdict == TH_NODATA);
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

/* Scenarios browse (steps browse, search) and checkout (steps cart, order). */
static int check_selector(const char *src, char *err, size_t len)
{
    static struct step browse[] = {{.name = "browse"}, {.name = "search"}};
    static struct step checkout[] = {{.name = "cart"}, {.name = "order"}};
    static const struct scenario sc[] = {{.name = "browse", .steps = browse, .step_count = 2},
                                         {.name = "checkout", .steps = checkout, .step_count = 2}};
    struct threshold_expr t = parse_ok(src);
    err[0] = '\0';
    return threshold_check_selector(&t, sc, 2, err, len);
}

static void test_check_selector(void)
{
    char err[512];
    CHECK(check_selector("p95 < 1s", err, sizeof err) == 0);
    CHECK(check_selector("p95(scenario:checkout) < 1s", err, sizeof err) == 0);
    CHECK(check_selector("p95(iteration:checkout) < 1s", err, sizeof err) == 0);
    CHECK(check_selector("p95(step:order) < 1s", err, sizeof err) == 0);
    CHECK(check_selector("error_rate(step:search) < 1%", err, sizeof err) == 0);
    CHECK(check_selector("p95(scenario:order) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(scenario:order): no scenario named 'order' in load.scenarios");
    CHECK(check_selector("p95(iteration:order) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(iteration:order): no scenario named 'order' in load.scenarios");
    CHECK(check_selector("p95(step:checkout) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(step:checkout): no step named 'checkout' in load.scenarios");
    CHECK(check_selector("p95(nosuch) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(nosuch): no scenario or step named 'nosuch' in load.scenarios");
    /* A likely typo names what was meant, among the names of the selector's kind. */
    CHECK(check_selector("p95(step:ordr) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(step:ordr): no step named 'ordr' in load.scenarios (did you mean "
                      "'order'?)");
    CHECK(check_selector("requests(scenario:chekout) > 0", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "requests(scenario:chekout): no scenario named 'chekout' in "
                      "load.scenarios (did you mean 'checkout'?)");
    CHECK(check_selector("p95(serch) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(serch): no scenario or step named 'serch' in load.scenarios (did "
                      "you mean 'search'?)");
    /* Iterations are a scenario's: a step has none to count, whatever ran. */
    CHECK(check_selector("iterations(step:order) > 0", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "iterations(step:order): a step has no iterations; write "
                      "iterations(scenario:checkout) for the iterations of the scenario of "
                      "step order");
    CHECK(check_selector("dropped_iterations(step:nope) == 0", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "dropped_iterations(step:nope): no step named 'nope' in load.scenarios");
}

/* A bare name is an error that writes out the selectors the config has for it. */
static void test_bare_name_is_ambiguous(void)
{
    char err[512];
    CHECK(check_selector("p95(checkout) < 800ms", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p95(checkout): a bare name is ambiguous; write p95(iteration:checkout) "
                      "for the duration of a checkout iteration (without think time) or "
                      "p95(scenario:checkout) for its requests");
    CHECK(check_selector("max( order ) < 2s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "max(order): a bare name is ambiguous; write max(step:order) for the "
                      "requests of the step order");
    /* A scenario with a step of the same name: all three. */
    CHECK(check_selector("p99(browse) < 1s", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "p99(browse): a bare name is ambiguous; write p99(iteration:browse) for "
                      "the duration of a browse iteration (without think time), "
                      "p99(scenario:browse) for its requests or p99(step:browse) for the "
                      "requests of the step browse");
    /* Counts have no iteration duration; iteration counts belong to scenarios. */
    CHECK(check_selector("error_rate(browse) < 1%", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "error_rate(browse): a bare name is ambiguous; write "
                      "error_rate(scenario:browse) for the scenario's requests or "
                      "error_rate(step:browse) for the requests of the step browse");
    CHECK(check_selector("iterations(browse) > 0", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "iterations(browse): a bare name is ambiguous; write "
                      "iterations(scenario:browse) for the scenario's iterations");
    CHECK(check_selector("failed_iterations(order) == 0", err, sizeof err) == -1);
    CHECK_STR_EQ(err, "failed_iterations(order): no scenario named 'order' in load.scenarios "
                      "(iterations are a scenario's)");
}

/* A load result whose iteration duration and request latencies differ: scenario checkout with
 * steps cart (10ms) and order (20ms) and iterations of 45ms without think time (2s with it). */
static void test_result_metrics(void)
{
    struct lg_step_stats steps[2] = {{.name = "cart", .requests = 4, .latency = hist_new()},
                                     {.name = "order", .requests = 4, .latency = hist_new()}};
    struct lg_scenario_stats sc = {.name = "checkout",
                                   .started = 4,
                                   .completed = 4,
                                   .duration = hist_new(),
                                   .active = hist_new(),
                                   .think = hist_new(),
                                   .first_step = 0,
                                   .step_count = 2};
    for (int i = 0; i < 4; i++) {
        hist_record(steps[0].latency, 10000);
        hist_record(steps[1].latency, 20000);
        hist_record(sc.active, 45000);
        hist_record(sc.duration, 2045000);
        hist_record(sc.think, 2000000);
    }
    struct load_result r = {0};
    r.steps = steps;
    r.step_count = 2;
    r.scenarios = &sc;
    r.scenario_count = 1;
    struct th_metrics m;
    result_metrics(&m, &r);
    double us;
    CHECK(m.latency(m.ctx, TH_SEL_ITERATION, "checkout", TH_STAT_MAX, 0, &us) == 0);
    CHECK(fabs(us - 45000) < 45000 * 0.01);
    CHECK(m.latency(m.ctx, TH_SEL_SCENARIO, "checkout", TH_STAT_MAX, 0, &us) == 0);
    CHECK(fabs(us - 20000) < 20000 * 0.01);
    CHECK(m.latency(m.ctx, TH_SEL_STEP, "cart", TH_STAT_MAX, 0, &us) == 0);
    CHECK(fabs(us - 10000) < 10000 * 0.01);
    CHECK(m.latency(m.ctx, TH_SEL_ITERATION, "cart", TH_STAT_MAX, 0, &us) == -1);
    CHECK(m.latency(m.ctx, TH_SEL_NAME, "checkout", TH_STAT_MAX, 0, &us) == -1);
    uint64_t n;
    CHECK(m.count(m.ctx, TH_SEL_SCENARIO, "checkout", TH_COUNT_REQUESTS, &n) == 0 && n == 8);
    CHECK(m.count(m.ctx, TH_SEL_NAME, "checkout", TH_COUNT_REQUESTS, &n) == -1);
    CHECK(m.count(m.ctx, TH_SEL_STEP, "order", TH_COUNT_ERRORS, &n) == 0 && n == 0);
    /* A step no iteration reached, a scenario that never had an arrival: nothing was
     * measured there, so a count of them is no data, not a zero that passes "== 0". */
    steps[1].requests = 0;
    CHECK(m.count(m.ctx, TH_SEL_STEP, "order", TH_COUNT_ERRORS, &n) == -1);
    CHECK(m.count(m.ctx, TH_SEL_STEP, "order", TH_COUNT_REQUESTS, &n) == -1);
    steps[1].unsent = 1; /* tried, but its request could not be sent: that is data */
    CHECK(m.count(m.ctx, TH_SEL_STEP, "order", TH_COUNT_REQUESTS, &n) == 0 && n == 1);
    CHECK(m.count(m.ctx, TH_SEL_SCENARIO, "checkout", TH_COUNT_FAILED_ITERATIONS, &n) == 0 &&
          n == 0);
    sc.started = sc.completed = 0;
    steps[0].requests = steps[1].unsent = 0;
    CHECK(m.count(m.ctx, TH_SEL_SCENARIO, "checkout", TH_COUNT_FAILED_ITERATIONS, &n) == -1);
    CHECK(m.count(m.ctx, TH_SEL_SCENARIO, "checkout", TH_COUNT_ERRORS, &n) == -1);
    sc.dropped = 3; /* arrivals, every one dropped: counted */
    CHECK(m.count(m.ctx, TH_SEL_SCENARIO, "checkout", TH_COUNT_DROPPED_ITERATIONS, &n) == 0 &&
          n == 3);
    hist_free(steps[0].latency);
    hist_free(steps[1].latency);
    hist_free(sc.duration);
    hist_free(sc.active);
    hist_free(sc.think);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_errors);
    RUN(test_eval);
    RUN(test_check_selector);
    RUN(test_bare_name_is_ambiguous);
    RUN(test_result_metrics);
    return check_summary();
}
