#include "reports/report_diff.h"

#include <math.h>
#include <string.h>

#include "reports/grade.h"
#include "reports/report_doc.h"

/* The counterpart of item (an element of its array `in`) in `other`: the element with the
 * same `key` value, the n-th of them when item is the n-th in `in` (saved files may repeat
 * an id; pairing by occurrence keeps a report equal to itself). */
static const cJSON *counterpart(const cJSON *item, const cJSON *in, const cJSON *other,
                                const char *key)
{
    const char *v = rd_str(item, key);
    size_t n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, in)
    {
        if (e == item)
            break;
        n += strcmp(rd_str(e, key), v) == 0;
    }
    cJSON_ArrayForEach(e, other)
    {
        if (strcmp(rd_str(e, key), v) == 0 && n-- == 0)
            return e;
    }
    return NULL;
}

static int is_finding(const char *outcome)
{
    return strcmp(outcome, "fail") == 0 || strcmp(outcome, "warn") == 0;
}

static size_t findings(const cJSON *old_doc, const cJSON *new_doc, struct textbuf *out)
{
    size_t regressions = 0;
    const cJSON *c;
    const cJSON *old_checks = rd_get(old_doc, "checks"), *new_checks = rd_get(new_doc, "checks");
    cJSON_ArrayForEach(c, new_checks)
    {
        const char *now = rd_check_outcome(c);
        const cJSON *before = counterpart(c, new_checks, old_checks, "id");
        const char *was = before ? rd_check_outcome(before) : "absent";
        if (!is_finding(now) || strcmp(now, was) == 0)
            continue;
        int worse = strcmp(now, "fail") == 0;
        regressions += worse;
        tb_printf(out, "%s %s (%s) %s, was %s: %s\n",
                  worse ? "regression: new finding" : "new:", rd_str(c, "id"),
                  rd_str(c, "severity"), now, was, rd_str(c, "reason"));
    }
    cJSON_ArrayForEach(c, old_checks)
    {
        const char *was = rd_check_outcome(c);
        const cJSON *after = counterpart(c, old_checks, new_checks, "id");
        const char *now = after ? rd_check_outcome(after) : "absent";
        if (is_finding(was) && (strcmp(now, "pass") == 0 || strcmp(now, "accepted") == 0))
            tb_printf(out, "fixed: %s (%s) was %s, now %s\n", rd_str(c, "id"),
                      rd_str(c, "severity"), was, now);
    }
    return regressions;
}

static size_t grade(const char *what, const cJSON *o, const cJSON *n, struct textbuf *out)
{
    const char *was = rd_str(o, "grade"), *now = rd_str(n, "grade");
    int a = grade_rank(was), b = grade_rank(now);
    /* An incomplete grade cannot be ranked: say so, and count no regression. */
    if (strcmp(now, GRADE_INCOMPLETE) == 0 && strcmp(was, now) != 0) {
        tb_printf(out, "incomplete: grade %s %s -> %s, %.0f checks could not decide\n", what,
                  *was ? was : "n/a", now, rd_num(n, "undecided", 0));
        return 0;
    }
    if (a < 0 || b < 0 || a == b)
        return 0;
    tb_printf(out, "%s grade %s %s -> %s\n", b > a ? "regression:" : "better:", what, was, now);
    return b > a;
}

static size_t grades(const cJSON *old_doc, const cJSON *new_doc, struct textbuf *out)
{
    const cJSON *os = rd_get(old_doc, "scores"), *ns = rd_get(new_doc, "scores");
    size_t r = grade("overall", rd_get(os, "overall"), rd_get(ns, "overall"), out);
    const cJSON *old_groups = rd_get(os, "groups"), *new_groups = rd_get(ns, "groups");
    const cJSON *g;
    cJSON_ArrayForEach(g, new_groups)
    {
        const cJSON *og = counterpart(g, new_groups, old_groups, "group");
        if (og)
            r += grade(rd_str(g, "name"), og, g, out);
    }
    return r;
}

static double error_rate(const cJSON *load)
{
    const cJSON *t = rd_get(load, "totals");
    double req = rd_num(t, "requests", 0);
    double errors = rd_num(t, "errors_total", 0) + rd_num(t, "http_errors", 0);
    return req > 0 && errors > 0 ? errors / req : 0;
}

static size_t load(const cJSON *old_doc, const cJSON *new_doc, double tol, struct textbuf *out)
{
    const cJSON *ol = rd_get(old_doc, "load"), *nl = rd_get(new_doc, "load");
    if (!cJSON_IsObject(ol) || !cJSON_IsObject(nl))
        return 0;
    size_t r = 0;
    static const char *const keys[] = {"p50", "p95", "p99"};
    const cJSON *oc = rd_get(rd_get(ol, "latency_us"), "corrected");
    const cJSON *nc = rd_get(rd_get(nl, "latency_us"), "corrected");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        /* Latencies are never negative; a saved file that says so counts as 0. */
        double was = fmax(0, rd_num(oc, keys[i], 0)), now = fmax(0, rd_num(nc, keys[i], 0));
        char a[32], b[32];
        rd_fmt_us(was, a, sizeof a);
        rd_fmt_us(now, b, sizeof b);
        if (now > was * (1 + tol)) {
            r++;
            tb_printf(out, "regression: %s latency %s -> %s (+%.0f%%, tolerance %.0f%%)\n", keys[i],
                      a, b, was > 0 ? (now / was - 1) * 100 : 100, tol * 100);
        } else if (now < was * (1 - tol)) {
            tb_printf(out, "better: %s latency %s -> %s\n", keys[i], a, b);
        }
    }
    double was = error_rate(ol), now = error_rate(nl);
    if (now > was * (1 + tol) && now - was >= DIFF_ERROR_RATE_FLOOR) {
        r++;
        tb_printf(out, "regression: error rate %.3f%% -> %.3f%% (tolerance %.0f%%)\n", was * 100,
                  now * 100, tol * 100);
    } else if (was - now >= DIFF_ERROR_RATE_FLOOR && now < was * (1 - tol)) {
        tb_printf(out, "better: error rate %.3f%% -> %.3f%%\n", was * 100, now * 100);
    }
    return r;
}

static size_t thresholds(const cJSON *old_doc, const cJSON *new_doc, struct textbuf *out)
{
    size_t r = 0;
    const cJSON *old_th = rd_get(old_doc, "thresholds"), *new_th = rd_get(new_doc, "thresholds");
    const cJSON *t;
    cJSON_ArrayForEach(t, new_th)
    {
        const cJSON *o = counterpart(t, new_th, old_th, "expr");
        if (strcmp(rd_str(t, "verdict"), "pass") == 0 || !o ||
            strcmp(rd_str(o, "verdict"), "pass") != 0)
            continue;
        r++;
        tb_printf(out, "regression: threshold '%s' passed before, now %s\n", rd_str(t, "expr"),
                  rd_str(t, "line"));
    }
    return r;
}

size_t report_diff(const cJSON *old_doc, const cJSON *new_doc, double tolerance,
                   struct textbuf *out)
{
    return findings(old_doc, new_doc, out) + grades(old_doc, new_doc, out) +
           load(old_doc, new_doc, tolerance, out) + thresholds(old_doc, new_doc, out);
}
