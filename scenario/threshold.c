#include "scenario/threshold.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "common/units.h"
#include "config/suggest.h"

static const struct {
    const char *name;
    enum th_kind kind;
    enum th_stat stat;
    enum th_count count;
} metrics[] = {
    {"median", TH_LATENCY, TH_STAT_PERCENTILE, 0},
    {"min", TH_LATENCY, TH_STAT_MIN, 0},
    {"max", TH_LATENCY, TH_STAT_MAX, 0},
    {"mean", TH_LATENCY, TH_STAT_MEAN, 0},
    {"error_rate", TH_ERROR_RATE, 0, 0},
    {"rps", TH_RPS, 0, 0},
    {"requests", TH_COUNT, 0, TH_COUNT_REQUESTS},
    {"errors", TH_COUNT, 0, TH_COUNT_ERRORS},
    {"iterations", TH_COUNT, 0, TH_COUNT_ITERATIONS},
    {"failed_iterations", TH_COUNT, 0, TH_COUNT_FAILED_ITERATIONS},
    {"dropped_iterations", TH_COUNT, 0, TH_COUNT_DROPPED_ITERATIONS},
};

static const struct {
    const char *prefix;
    enum th_sel sel;
} selectors[] = {
    {"step:", TH_SEL_STEP},
    {"scenario:", TH_SEL_SCENARIO},
    {"iteration:", TH_SEL_ITERATION},
};

static const char *const op_text[] = {"<", "<=", ">", ">=", "==", "!="};

static size_t skip_spaces(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    return i;
}

static int parse_metric(const char *s, size_t start, size_t end, struct threshold_expr *t,
                        struct parse_error *err)
{
    size_t n = end - start;
    const char *m = s + start;
    if (n >= 2 && m[0] == 'p' && m[1] >= '0' && m[1] <= '9') {
        char buf[32];
        if (n >= sizeof buf)
            return parse_error_set(err, 1, (int)start + 1, "percentile '%.*s' is too long", (int)n,
                                   m);
        memcpy(buf, m + 1, n - 1);
        buf[n - 1] = '\0';
        char *stop;
        double pct = strtod(buf, &stop);
        if (*stop || !(pct > 0 && pct <= 100))
            return parse_error_set(err, 1, (int)start + 1,
                                   "a percentile is p followed by a number in (0, 100], e.g. "
                                   "p95 or p99.9");
        t->kind = TH_LATENCY;
        t->stat = TH_STAT_PERCENTILE;
        t->pct = pct;
        return 0;
    }
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
        if (strlen(metrics[i].name) == n && memcmp(metrics[i].name, m, n) == 0) {
            t->kind = metrics[i].kind;
            t->stat = metrics[i].stat;
            t->count = metrics[i].count;
            t->pct = 50; /* median */
            return 0;
        }
    }
    return parse_error_set(err, 1, (int)start + 1,
                           "unknown metric '%.*s' (pN, median, min, max, mean, error_rate, "
                           "rps, requests, errors, iterations, failed_iterations, "
                           "dropped_iterations)",
                           (int)n, m);
}

static int parse_value(const char *v, int col, struct threshold_expr *t, struct parse_error *err)
{
    char msg[160];
    uint64_t u;
    switch (t->kind) {
    case TH_LATENCY:
        if (units_parse_duration_us(v, &u, msg, sizeof msg))
            return parse_error_set(err, 1, col, "%s", msg);
        t->limit = (double)u;
        return 0;
    case TH_RPS:
        if (units_parse_rate(v, &t->limit, msg, sizeof msg))
            return parse_error_set(err, 1, col, "%s", msg);
        return 0;
    case TH_COUNT:
        if (units_parse_count(v, &u, msg, sizeof msg))
            return parse_error_set(err, 1, col, "%s", msg);
        t->limit = (double)u;
        return 0;
    case TH_ERROR_RATE: {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        int pct = strcmp(end, "%") == 0;
        if (end == v || (*end && !pct) || errno || !isfinite(x) || x < 0 || v[0] == '-' ||
            v[0] == '+' || v[0] == ' ')
            return parse_error_set(err, 1, col,
                                   "an error rate is a percentage (0.5%%) or a fraction "
                                   "(0.005), not '%s'",
                                   v);
        if (pct)
            x /= 100;
        if (x > 1)
            return parse_error_set(err, 1, col, "an error rate is at most 100%%");
        t->limit = x;
        return 0;
    }
    }
    return -1;
}

int threshold_parse(const char *src, struct threshold_expr *t, struct parse_error *err)
{
    memset(t, 0, sizeof *t);
    size_t i = skip_spaces(src, 0);
    size_t mstart = i;
    while ((src[i] >= 'a' && src[i] <= 'z') || (src[i] >= '0' && src[i] <= '9') || src[i] == '_' ||
           src[i] == '.')
        i++;
    if (i == mstart)
        return parse_error_set(err, 1, (int)i + 1, "expected a metric (e.g. p95, error_rate)");
    if (parse_metric(src, mstart, i, t, err))
        return -1;
    size_t mend = i;
    i = skip_spaces(src, i);
    if (src[i] == '(') {
        size_t open = i;
        const char *close = strchr(src + i, ')');
        if (!close)
            return parse_error_set(err, 1, (int)open + 1, "'(' is not closed by ')'");
        size_t a = skip_spaces(src, open + 1), b = (size_t)(close - src);
        while (b > a && (src[b - 1] == ' ' || src[b - 1] == '\t'))
            b--;
        const char *sel = src + a;
        size_t n = b - a;
        t->sel = TH_SEL_NAME;
        t->sel_col = (int)a + 1;
        for (size_t k = 0; k < sizeof selectors / sizeof selectors[0]; k++) {
            size_t plen = strlen(selectors[k].prefix);
            if (n >= plen && memcmp(sel, selectors[k].prefix, plen) == 0) {
                t->sel = selectors[k].sel;
                sel += plen, n -= plen;
                break;
            }
        }
        if (n == 0 || memchr(sel, '(', n))
            return parse_error_set(err, 1, t->sel_col,
                                   "expected a name: step:NAME, scenario:NAME or iteration:NAME "
                                   "in '( )'");
        if (t->sel == TH_SEL_ITERATION && t->kind != TH_LATENCY)
            return parse_error_set(err, 1, t->sel_col,
                                   "iteration:NAME is the duration of NAME's iterations, for "
                                   "pN, median, min, max and mean; %.*s(scenario:%.*s) reads "
                                   "the scenario's requests and iterations",
                                   (int)(mend - mstart), src + mstart, (int)n, sel);
        if (n >= sizeof t->name)
            return parse_error_set(err, 1, t->sel_col, "the name is too long");
        memcpy(t->name, sel, n);
        t->name[n] = '\0';
        snprintf(t->label, sizeof t->label, "%.*s(%.*s)", (int)(mend - mstart), src + mstart,
                 (int)(b - a), src + a);
        i = skip_spaces(src, (size_t)(close - src) + 1);
    } else {
        snprintf(t->label, sizeof t->label, "%.*s", (int)(mend - mstart), src + mstart);
    }
    size_t opos = i;
    int op = -1;
    for (int k = 0; k < 6; k++) {
        size_t n = strlen(op_text[k]);
        if (strncmp(src + i, op_text[k], n) == 0 && (op < 0 || n > strlen(op_text[op])))
            op = k;
    }
    if (op < 0)
        return parse_error_set(err, 1, (int)opos + 1,
                               "expected a comparison: <, <=, >, >=, == or !=");
    t->op = (enum th_op)op;
    i = skip_spaces(src, i + strlen(op_text[op]));
    size_t vstart = i, vend = strlen(src);
    while (vend > vstart && (src[vend - 1] == ' ' || src[vend - 1] == '\t'))
        vend--;
    if (vend == vstart)
        return parse_error_set(err, 1, (int)vstart + 1, "expected a value after '%s'", op_text[op]);
    char value[64];
    if (vend - vstart >= sizeof value)
        return parse_error_set(err, 1, (int)vstart + 1, "the value is too long");
    memcpy(value, src + vstart, vend - vstart);
    value[vend - vstart] = '\0';
    return parse_value(value, (int)vstart + 1, t, err);
}

static void format_value(const struct threshold_expr *t, double v, char *buf, size_t len)
{
    switch (t->kind) {
    case TH_LATENCY:
        units_format_duration_us((uint64_t)llround(v < 0 ? 0 : v), buf, len);
        return;
    case TH_ERROR_RATE:
        snprintf(buf, len, "%.3g%%", v * 100);
        return;
    case TH_RPS:
        snprintf(buf, len, "%.1f/s", v);
        return;
    case TH_COUNT:
        snprintf(buf, len, "%.0f", v);
        return;
    }
}

static int compare(enum th_op op, double a, double b)
{
    switch (op) {
    case TH_LT:
        return a < b;
    case TH_LE:
        return a <= b;
    case TH_GT:
        return a > b;
    case TH_GE:
        return a >= b;
    case TH_EQ:
        return a == b;
    case TH_NE:
        return a != b;
    }
    return 0;
}

/* The observed value in the unit of t->limit; -1 when the source has none. */
static int observe(const struct threshold_expr *t, const struct th_metrics *m, double *out)
{
    uint64_t a, b;
    double secs;
    switch (t->kind) {
    case TH_LATENCY:
        return m->latency(m->ctx, t->sel, t->name, t->stat, t->pct, out);
    case TH_COUNT:
        if (m->count(m->ctx, t->sel, t->name, t->count, &a))
            return -1;
        *out = (double)a;
        return 0;
    case TH_ERROR_RATE:
        if (m->count(m->ctx, t->sel, t->name, TH_COUNT_REQUESTS, &a) || a == 0 ||
            m->count(m->ctx, t->sel, t->name, TH_COUNT_ERRORS, &b))
            return -1;
        *out = (double)b / (double)a;
        return 0;
    case TH_RPS:
        if (m->count(m->ctx, t->sel, t->name, TH_COUNT_REQUESTS, &a) || m->elapsed(m->ctx, &secs) ||
            !(secs > 0))
            return -1;
        *out = (double)a / secs;
        return 0;
    }
    return -1;
}

void threshold_eval(const struct threshold_expr *t, const struct th_metrics *m, struct th_result *r)
{
    char limit[48], seen[48];
    format_value(t, t->limit, limit, sizeof limit);
    if (observe(t, m, &r->observed)) {
        r->verdict = TH_NODATA;
        r->observed = 0;
        snprintf(r->line, sizeof r->line, "%s: no data, allowed %s %s", t->label, op_text[t->op],
                 limit);
        return;
    }
    r->verdict = compare(t->op, r->observed, t->limit) ? TH_PASS : TH_FAIL;
    format_value(t, r->observed, seen, sizeof seen);
    snprintf(r->line, sizeof r->line, "%s = %s, allowed %s %s", t->label, seen, op_text[t->op],
             limit);
}

static int defines_scenario(const struct scenario *scenarios, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return 1;
    return 0;
}

static int defines_step(const struct scenario *scenarios, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < scenarios[i].step_count; j++)
            if (scenarios[i].steps[j].name && strcmp(scenarios[i].steps[j].name, name) == 0)
                return 1;
    return 0;
}

/* The metric as written, without its selector: "p95" of "p95(checkout)". */
static int metric_len(const struct threshold_expr *t)
{
    const char *open = strchr(t->label, '(');
    return open ? (int)(open - t->label) : (int)strlen(t->label);
}

/* iterations, failed_iterations, dropped_iterations: a scenario's, never a step's. */
static int counts_iterations(const struct threshold_expr *t)
{
    return t->kind == TH_COUNT && t->count != TH_COUNT_REQUESTS && t->count != TH_COUNT_ERRORS;
}

/* A bare name: what the config has for it, written out explicitly. */
static int ambiguous(const struct threshold_expr *t, int scenario, int step, char *err,
                     size_t errlen)
{
    int ml = metric_len(t);
    const char *m = t->label, *n = t->name;
    int iterations = counts_iterations(t);
    char forms[3][400];
    size_t k = 0;
    if (scenario && t->kind == TH_LATENCY)
        snprintf(forms[k++], sizeof forms[0],
                 "%.*s(iteration:%s) for the duration of a %s iteration (without think time)", ml,
                 m, n, n);
    if (scenario)
        snprintf(forms[k++], sizeof forms[0], "%.*s(scenario:%s) for %s", ml, m, n,
                 t->kind == TH_LATENCY ? "its requests"
                 : iterations          ? "the scenario's iterations"
                                       : "the scenario's requests");
    if (step && !iterations)
        snprintf(forms[k++], sizeof forms[0], "%.*s(step:%s) for the requests of the step %s", ml,
                 m, n, n);
    if (k == 0) {
        snprintf(err, errlen,
                 "%s: no scenario named '%s' in load.scenarios (iterations are a scenario's)",
                 t->label, n);
        return -1;
    }
    snprintf(err, errlen, "%s: a bare name is ambiguous; write %s%s%s%s%s", t->label, forms[0],
             k > 2   ? ", "
             : k > 1 ? " or "
                     : "",
             k > 1 ? forms[1] : "", k > 2 ? " or " : "", k > 2 ? forms[2] : "");
    return -1;
}

/* The name of the selector's kind closest to t's, if it is a likely typo of it; else NULL. */
static const char *closest_name(const struct threshold_expr *t, const struct scenario *scenarios,
                                size_t count)
{
    size_t cap = count;
    for (size_t i = 0; i < count; i++)
        cap += scenarios[i].step_count;
    const char **names = xmalloc((cap + 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (t->sel != TH_SEL_STEP)
            names[n++] = scenarios[i].name;
        for (size_t j = 0; j < scenarios[i].step_count; j++)
            if ((t->sel == TH_SEL_STEP || t->sel == TH_SEL_NAME) && scenarios[i].steps[j].name)
                names[n++] = scenarios[i].steps[j].name;
    }
    const char *near = suggest_closest(t->name, names, n);
    free(names);
    return near;
}

/* An iteration count of a step: there is none (the step's requests are not iterations), so
 * the error writes out the scenario's. */
static int step_iterations(const struct threshold_expr *t, const struct scenario *scenarios,
                           size_t count, char *err, size_t errlen)
{
    const char *owner = "";
    for (size_t i = 0; i < count && !owner[0]; i++)
        for (size_t j = 0; j < scenarios[i].step_count; j++)
            if (scenarios[i].steps[j].name && strcmp(scenarios[i].steps[j].name, t->name) == 0)
                owner = scenarios[i].name;
    int ml = metric_len(t);
    snprintf(err, errlen,
             "%s: a step has no iterations; write %.*s(scenario:%s) for the iterations of the "
             "scenario of step %s",
             t->label, ml, t->label, owner, t->name);
    return -1;
}

int threshold_read(const char *src, const struct scenario *scenarios, size_t scenario_count,
                   struct threshold_expr *out, char *err, size_t errlen)
{
    struct parse_error pe;
    if (threshold_parse(src, out, &pe)) {
        snprintf(err, errlen, "%s", pe.msg);
        return pe.col > 0 ? pe.col : 1;
    }
    if (threshold_check_selector(out, scenarios, scenario_count, err, errlen))
        return out->sel_col > 0 ? out->sel_col : 1;
    return 0;
}

int threshold_check_selector(const struct threshold_expr *t, const struct scenario *scenarios,
                             size_t scenario_count, char *err, size_t errlen)
{
    if (t->sel == TH_SEL_ALL)
        return 0;
    int scenario = t->sel != TH_SEL_STEP && defines_scenario(scenarios, scenario_count, t->name);
    int step = (t->sel == TH_SEL_STEP || t->sel == TH_SEL_NAME) &&
               defines_step(scenarios, scenario_count, t->name);
    if (t->sel == TH_SEL_NAME && (scenario || step))
        return ambiguous(t, scenario, step, err, errlen);
    if (step && counts_iterations(t))
        return step_iterations(t, scenarios, scenario_count, err, errlen);
    if (scenario || step)
        return 0;
    const char *near = closest_name(t, scenarios, scenario_count);
    snprintf(err, errlen, "%s: no %s named '%s' in load.scenarios%s%s%s", t->label,
             t->sel == TH_SEL_STEP   ? "step"
             : t->sel == TH_SEL_NAME ? "scenario or step"
                                     : "scenario",
             t->name, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return -1;
}
