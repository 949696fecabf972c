/* The parts of a load result's HTML that the run report's load section and the load report
 * share: the summary tables, scenario and step tables, the per-step charts and the latency
 * distribution. */
#include "reports/load_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/report_doc.h"

static void esc(struct textbuf *b, const char *s)
{
    tb_add_escaped(b, s);
}

void load_view_fmt_us(double v, char *buf, size_t len)
{
    rd_fmt_us(v, buf, len);
}

void load_view_fmt_plain(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%g", v);
}

double *load_view_column(const cJSON *load, int step, const char *k, const char *plus,
                         const char *minus, size_t *n)
{
    double end_s = rd_num(load, "elapsed_us", 0) / 1e6;
    const cJSON *seconds = rd_get(load, "seconds");
    double *v = xcalloc((size_t)cJSON_GetArraySize(seconds) + 1, sizeof *v);
    size_t i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, seconds)
    {
        if (rd_num(s, "second", 0) >= end_s)
            continue;
        const cJSON *o = step < 0 ? s : cJSON_GetArrayItem(rd_get(s, "steps"), step);
        v[i++] =
            rd_num(o, k, 0) + (plus ? rd_num(o, plus, 0) : 0) - (minus ? rd_num(o, minus, 0) : 0);
    }
    *n = i;
    return v;
}

enum { DIST_BINS = 24 };

void load_view_distribution(struct textbuf *b, const char *title, const cJSON *hist,
                            const struct svg_style *style)
{
    const cJSON *buckets = rd_get(hist, "buckets");
    double lo = rd_num(hist, "min", 0), hi = rd_num(hist, "max", 0);
    if (cJSON_GetArraySize(buckets) == 0 || !(hi > 0))
        return;
    lo = lo < 1 ? 1 : lo;
    double ratio = hi > lo ? pow(hi / lo, 1.0 / DIST_BINS) : 2;
    if (!isfinite(ratio) || ratio <= 1)
        ratio = 2;
    double counts[DIST_BINS] = {0};
    char labels[DIST_BINS][32];
    const char *lp[DIST_BINS];
    for (int i = 0; i < DIST_BINS; i++) {
        rd_fmt_us(lo * pow(ratio, i), labels[i], sizeof labels[i]);
        lp[i] = labels[i];
    }
    const cJSON *pair;
    cJSON_ArrayForEach(pair, buckets)
    {
        double v = rd_num_at(pair, 0), n = rd_num_at(pair, 1);
        /* A saved file may hold anything: values outside [lo, hi] land in the end bins. */
        double bin = v > lo ? floor(log(v / lo) / log(ratio)) : 0;
        int i = bin >= DIST_BINS - 1 ? DIST_BINS - 1 : bin > 0 ? (int)bin : 0;
        counts[i] += n > 0 ? n : 0;
    }
    svg_bar_chart_styled(b, title, lp, counts, DIST_BINS, "#3559a8", style);
}

/* The members of o with a count above 0, "timeout 3, no_match 1", after `before`; how many. */
static int nonzero_counts(struct textbuf *b, const cJSON *o, const char *before)
{
    const cJSON *c;
    int any = 0;
    cJSON_ArrayForEach(c, o)
    {
        if (!(cJSON_IsNumber(c) && c->valuedouble > 0))
            continue;
        tb_add(b, any++ ? ", " : before);
        esc(b, c->string);
        tb_printf(b, " %.0f", c->valuedouble);
    }
    return any;
}

void load_view_protocols_md(struct textbuf *b, const cJSON *load)
{
    const cJSON *p;
    int k = 0;
    cJSON_ArrayForEach(p, rd_get(rd_get(load, "totals"), "protocols"))
    {
        if (cJSON_IsNumber(p) && p->valuedouble > 0) {
            tb_add(b, k++ ? " and " : " over ");
            tb_add_md_cell(b, p->string);
        }
    }
    const char *asked = rd_str(rd_get(load, "run"), "http");
    tb_add(b, " (HTTP ");
    tb_add_md_cell(b, asked[0] ? asked : "1.1");
    tb_add(b, " asked)");
}

void load_view_summary(struct textbuf *b, const cJSON *load)
{
    const cJSON *tot = rd_get(load, "totals");
    const cJSON *lat = rd_get(rd_get(load, "latency_us"), "corrected");
    static const char *const keys[] = {"p50", "p90", "p95", "p99", "p99_9"};
    tb_printf(
        b,
        "<table class=\"nums\"><tr><th>Requests</th><th>Responses</th><th>Rate</th><th>Errors</th>"
        "<th>HTTP &ge;400</th><th>Late</th><th>Dropped</th></tr><tr>"
        "<td class=\"num\">%.0f</td><td class=\"num\">%.0f</td>"
        "<td class=\"num\">%.1f/s</td><td class=\"num\">%.0f</td>"
        "<td class=\"num\">%.0f</td><td class=\"num\">%.0f</td>"
        "<td class=\"num\">%.0f</td></tr></table>",
        rd_num(tot, "requests", 0), rd_num(tot, "responses", 0), rd_num(load, "achieved_rate", 0),
        rd_num(tot, "errors_total", 0), rd_num(tot, "http_errors", 0), rd_num(tot, "late", 0),
        rd_num(tot, "dropped", 0));
    tb_add(b, "<table class=\"nums\"><tr>");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        tb_printf(b, "<th>%s</th>", keys[i]);
    tb_add(b, "<th>max</th></tr><tr>");
    for (size_t i = 0; i <= sizeof keys / sizeof *keys; i++) {
        char v[32];
        rd_fmt_us(rd_num(lat, i < sizeof keys / sizeof *keys ? keys[i] : "max", 0), v, sizeof v);
        tb_printf(b, "<td class=\"num\">%s</td>", v);
    }
    tb_add(b, "</tr></table>");
    if (nonzero_counts(b, rd_get(tot, "errors"), "<p>Errors by class: "))
        tb_add(b, "</p>");
    /* What each connection spoke (the ALPN outcome) beside the version asked for (absent
     * before HTTP/2: 1.1), and in HTTP/2 runs what the servers refused unprocessed. */
    const cJSON *protocols = rd_get(tot, "protocols");
    const char *asked = rd_str(rd_get(load, "run"), "http");
    if (nonzero_counts(b, protocols, "<p>Connections by protocol: ")) {
        tb_add(b, " (HTTP ");
        esc(b, asked[0] ? asked : "1.1");
        tb_add(b, " asked)");
        if (rd_num(protocols, "h2", 0) > 0)
            tb_printf(b, "; %.0f requests sent again after the server refused them",
                      rd_num(tot, "retried", 0));
        tb_add(b, "</p>");
    }
}

/* The percentiles of one latency or duration histogram as table cells. */
static void percentile_cells(struct textbuf *b, const cJSON *hist)
{
    static const char *const keys[] = {"p50", "p95", "p99", "max"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char v[32];
        rd_fmt_us(rd_num(hist, keys[i], 0), v, sizeof v);
        tb_printf(b, "<td class=\"num\">%s</td>", v);
    }
}

/* The reasons with a non-zero count, "timeout 3, no_match 1", or a dash. */
static void failure_cell(struct textbuf *b, const cJSON *failed)
{
    tb_add(b, "<td>");
    tb_add(b, nonzero_counts(b, failed, "") ? "</td>" : "&ndash;</td>");
}

void load_view_step_charts(struct textbuf *b, const cJSON *load, const struct svg_band *band,
                           const struct svg_style *style)
{
    const cJSON *first = cJSON_GetArrayItem(rd_get(load, "seconds"), 0);
    if (!cJSON_IsArray(rd_get(first, "steps")))
        return;
    int k = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, rd_get(load, "steps"))
    {
        size_t n;
        double *ok = load_view_column(load, k, "responses", NULL, "status_5xx", &n);
        double *honest = load_view_column(load, k, "status_503", NULL, NULL, &n);
        double *bad = load_view_column(load, k, "status_5xx", "errors", "status_503", &n);
        struct svg_series lines[] = {{"answers without 5xx", ok, n, "#2e8540"},
                                     {"503", honest, n, "#b26a00"},
                                     {"other 5xx + errors", bad, n, "#c62828"}};
        struct textbuf title = {0};
        tb_printf(&title, "Step %s of %s per second", rd_str(st, "name"), rd_str(st, "scenario"));
        char *t = tb_take(&title);
        svg_line_chart_styled(b, t, lines, 3, load_view_fmt_plain, band, style); /* escapes it */
        free(t);
        free(ok);
        free(honest);
        free(bad);
        k++;
    }
}

void load_view_flows(struct textbuf *b, const cJSON *load)
{
    const cJSON *scenarios = rd_get(load, "scenarios"), *steps = rd_get(load, "steps");
    if (cJSON_GetArraySize(scenarios) == 0)
        return;
    const cJSON *s;
    tb_add(b, "<h3>Scenarios</h3><table class=\"nums\"><tr><th>Scenario</th><th>Started</th>"
              "<th>Completed</th><th>Dropped</th><th>Failed</th><th>p50</th><th>p95</th>"
              "<th>p99</th><th>max</th></tr>");
    cJSON_ArrayForEach(s, scenarios)
    {
        tb_add(b, "<tr><td>");
        esc(b, rd_str(s, "name"));
        tb_printf(b,
                  "</td><td class=\"num\">%.0f</td><td class=\"num\">%.0f</td>"
                  "<td class=\"num\">%.0f</td>",
                  rd_num(s, "started", 0), rd_num(s, "completed", 0), rd_num(s, "dropped", 0));
        failure_cell(b, rd_get(s, "failed"));
        percentile_cells(b, rd_get(s, "duration_us"));
        tb_add(b, "</tr>");
    }
    tb_add(b, "</table><p class=\"small\">Times are whole iterations, think time included.</p>");
    tb_add(b, "<table class=\"nums\"><tr><th>Scenario</th><th>without think p50</th><th>p95</th>"
              "<th>p99</th><th>max</th><th>think p50</th><th>p95</th><th>p99</th><th>max</th>"
              "<th>Check failures by reason</th></tr>");
    cJSON_ArrayForEach(s, scenarios)
    {
        tb_add(b, "<tr><td>");
        esc(b, rd_str(s, "name"));
        tb_add(b, "</td>");
        percentile_cells(b, rd_get(s, "active_us"));
        percentile_cells(b, rd_get(s, "think_us"));
        tb_add(b, "<td>");
        const cJSON *why, *failures = rd_get(s, "check_failures");
        cJSON_ArrayForEach(why, rd_get(failures, "reasons"))
        {
            esc(b, rd_str(why, "reason"));
            tb_printf(b, " %.0f<br>", rd_num(why, "count", 0));
        }
        if (rd_num(failures, "other", 0) > 0)
            tb_printf(b, "other %.0f", rd_num(failures, "other", 0));
        tb_add(b, "</td></tr>");
    }
    tb_add(b, "</table>");
    tb_add(b, "<h3>Steps</h3><table class=\"nums\"><tr><th>Scenario</th><th>Step</th>"
              "<th>Requests</th><th>Failed</th><th>p50</th><th>p95</th><th>p99</th><th>max</th>"
              "</tr>");
    cJSON_ArrayForEach(s, steps)
    {
        tb_add(b, "<tr><td>");
        esc(b, rd_str(s, "scenario"));
        tb_add(b, "</td><td>");
        esc(b, rd_str(s, "name"));
        tb_printf(b, "</td><td class=\"num\">%.0f</td>", rd_num(s, "requests", 0));
        failure_cell(b, rd_get(s, "failed"));
        percentile_cells(b, rd_get(s, "latency_us"));
        tb_add(b, "</tr>");
    }
    tb_add(b, "</table>");
}

const char *load_view_outcome(const cJSON *load, const char **headline)
{
    const cJSON *t;
    size_t broken = 0;
    cJSON_ArrayForEach(t, rd_get(load, "thresholds")) broken += !rd_bool(t, "passed");
    if (rd_bool(load, "interrupted")) {
        *headline = "Interrupted before the planned end";
        return "interrupted";
    }
    if (rd_bool(load, "aborted")) {
        *headline = "Stopped early: a threshold broke";
        return "failed";
    }
    if (rd_num(rd_get(load, "totals"), "responses", 0) <= 0) {
        *headline = "No request got an answer";
        return "failed";
    }
    if (broken) {
        *headline = "Thresholds broken";
        return "failed";
    }
    *headline = cJSON_GetArraySize(rd_get(load, "thresholds")) ? "Thresholds held" : "Load done";
    return "passed";
}
