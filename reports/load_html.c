/*
 * The HTML report of a load result (docs/reports.md): one self-contained page of inline SVG
 * charts over the per-second series, the scenarios and their steps, and the thresholds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/load_report.h"
#include "reports/load_view.h"
#include "reports/report_doc.h"
#include "reports/report_page.h"
#include "reports/report_svg.h"
#include "reports/reporter.h"

/* Every chart is a small one in a grid: two a row on a desktop, one on a phone, where a full
 * width chart's text would be too small to read; wide tables scroll sideways on a narrow
 * screen instead of widening the page. */
static const char style[] =
    ".grid-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(400px,100%),"
    "1fr));gap:4px 16px}.grid-charts .chart{margin:0}"
    ".tbar{width:160px;height:14px;vertical-align:middle}.tb-ok{fill:#2e8540}"
    ".tb-bad{fill:#c62828}.tb-lim{stroke:#1d232a;stroke-width:2}"
    "@media (max-width:640px){body{padding:8px 10px;font-size:14px}h1{font-size:22px}"
    "table{display:block;overflow-x:auto}}";

static void esc(struct textbuf *b, const char *s)
{
    tb_add_escaped(b, s);
}

static void header(struct textbuf *b, const cJSON *load)
{
    const cJSON *run = rd_get(load, "run");
    const char *headline;
    const char *result = load_view_outcome(load, &headline);
    tb_printf(b, "<div class=\"verdict v-%s\"><h1>%s</h1>", result, headline);
    tb_add(b, "<p class=\"meta\">Load on ");
    const cJSON *u;
    int k = 0;
    cJSON_ArrayForEach(u, rd_get(run, "urls"))
    {
        tb_add(b, k++ ? ", <code>" : "<code>");
        esc(b, cJSON_IsString(u) ? u->valuestring : "");
        tb_add(b, "</code>");
    }
    char started[32], planned[32], elapsed[32];
    rd_fmt_time(rd_num(run, "started_unix_ms", 0), started, sizeof started);
    rd_fmt_us(rd_num(run, "duration_us", 0), planned, sizeof planned);
    rd_fmt_us(rd_num(load, "elapsed_us", 0), elapsed, sizeof elapsed);
    tb_add(b, "</p><p class=\"meta\">");
    esc(b, rd_str(run, "model"));
    tb_add(b, " model");
    if (*rd_str(run, "profile")) {
        tb_add(b, ", profile <code>");
        esc(b, rd_str(run, "profile"));
        tb_add(b, "</code>");
    }
    tb_printf(b, ", started %s, planned %s, ran %s, %.0f threads</p>", started, planned, elapsed,
              rd_num(run, "threads", 0));
    if (*rd_str(load, "first_error")) {
        tb_add(b, "<p class=\"meta\">First connection error: ");
        esc(b, rd_str(load, "first_error"));
        tb_add(b, "</p>");
    }
    tb_add(b, "</div>\n");
}

/* Observed against the limit as a bar: the limit is the black mark at two thirds of the
 * width, so a bar past it is over (or, for a "greater than" threshold, a pass). */
static void threshold_bar(struct textbuf *b, const cJSON *t)
{
    double obs = rd_num(t, "observed", 0), lim = rd_num(t, "limit", 0);
    if (!(lim > 0) || !(obs >= 0) || rd_bool(t, "no_data")) {
        tb_add(b, "&ndash;");
        return;
    }
    double w = fmin(obs / lim, 1.5) / 1.5 * 160;
    tb_printf(b,
              "<svg class=\"tbar\" viewBox=\"0 0 160 14\" role=\"img\" "
              "xmlns=\"http://www.w3.org/2000/svg\"><title>observed / limit = %.2f</title>"
              "<rect x=\"0\" y=\"2\" width=\"%.1f\" height=\"10\" class=\"%s\"/>"
              "<line x1=\"106.7\" x2=\"106.7\" y1=\"0\" y2=\"14\" class=\"tb-lim\"/></svg>",
              obs / lim, w, rd_bool(t, "passed") ? "tb-ok" : "tb-bad");
}

static void thresholds(struct textbuf *b, const cJSON *load)
{
    const cJSON *ths = rd_get(load, "thresholds");
    tb_add(b, "<section><h2>Thresholds</h2>");
    if (cJSON_GetArraySize(ths) == 0) {
        tb_add(b, "<p class=\"small\">No thresholds configured.</p></section>\n");
        return;
    }
    tb_add(b, "<table><tr><th>Result</th><th>Threshold</th><th>Observed</th>"
              "<th>Observed / limit</th></tr>");
    const cJSON *t;
    cJSON_ArrayForEach(t, ths)
    {
        const char *st = rd_threshold_result(t);
        tb_printf(b, "<tr><td><span class=\"st st-%s\">%s</span>%s</td><td><code>", st, st,
                  rd_bool(t, "abort_on_fail") ? " <span class=\"small\">(aborts)</span>" : "");
        esc(b, rd_str(t, "expr"));
        tb_add(b, "</code></td><td>");
        esc(b, rd_str(t, "line"));
        tb_add(b, "</td><td>");
        threshold_bar(b, t);
        tb_add(b, "</td></tr>");
    }
    tb_add(b, "</table></section>\n");
}

/* The schedule's target at each second: start_target, then each stage ramping linearly from
 * the previous target; the last holds. */
static double *planned_load(const cJSON *run, size_t n)
{
    double *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i * 1e6, from = rd_num(run, "start_target", 0), at = 0;
        double value = from;
        const cJSON *s;
        cJSON_ArrayForEach(s, rd_get(run, "stages"))
        {
            double d = rd_num(s, "duration_us", 0), to = rd_num(s, "target", 0);
            value = to;
            if (t < at + d) {
                value = from + (to - from) * (t - at) / d;
                break;
            }
            at += d;
            from = to;
        }
        v[i] = value;
    }
    return v;
}

static const struct svg_style small_lines = {0, 1}, small_log_lines = {1, 1};

static void load_chart(struct textbuf *b, const cJSON *load, size_t n)
{
    const cJSON *run = rd_get(load, "run");
    int open = strcmp(rd_str(run, "model"), "open") == 0;
    int scenarios = cJSON_GetArraySize(rd_get(load, "scenarios")) > 0;
    const char *unit = open ? (scenarios ? "iterations started per second" : "requests per second")
                            : (scenarios ? "virtual users" : "connections");
    double *planned = planned_load(run, n);
    struct svg_series s = {unit, planned, n, "#5b3fa8"};
    svg_line_chart_styled(b, "Load applied, as scheduled", &s, 1, load_view_fmt_plain, NULL,
                          &small_lines);
    free(planned);
}

/* What was open and busy at the end of each second; results written before the series had
 * these counts have no chart. */
static void active_chart(struct textbuf *b, const cJSON *load)
{
    if (!rd_has_num(cJSON_GetArrayItem(rd_get(load, "seconds"), 0), "connections"))
        return;
    size_t n;
    double *conns = load_view_column(load, -1, "connections", NULL, NULL, &n);
    double *users = load_view_column(load, -1, "users", NULL, NULL, &n);
    struct svg_series s[] = {{"connections open", conns, n, "#3559a8"},
                             {"virtual users in an iteration", users, n, "#5b3fa8"}};
    int scenarios = cJSON_GetArraySize(rd_get(load, "scenarios")) > 0;
    svg_line_chart_styled(b, scenarios ? "Connections and users active" : "Connections open", s,
                          scenarios ? 2 : 1, load_view_fmt_plain, NULL, &small_lines);
    free(conns);
    free(users);
}

static void peaks(struct textbuf *b, const cJSON *load)
{
    const cJSON *vu = rd_get(load, "virtual_users");
    tb_printf(b, "<p class=\"small\">Most connections open at once: %.0f",
              rd_num(rd_get(load, "totals"), "peak_connections", 0));
    if (cJSON_IsObject(vu))
        tb_printf(b, "; most virtual users busy at once: %.0f", rd_num(vu, "peak", 0));
    tb_add(b, ".</p>");
}

static void time_charts(struct textbuf *b, const cJSON *load)
{
    tb_add(b, "<section><h2>Over time</h2><div class=\"grid-charts\">");
    size_t n;
    double *rps = load_view_column(load, -1, "responses", NULL, NULL, &n);
    struct svg_series thr = {"responses per second", rps, n, "#3559a8"};
    svg_line_chart_styled(b, "Throughput (responses per second)", &thr, 1, load_view_fmt_plain,
                          NULL, &small_lines);
    double *p50 = load_view_column(load, -1, "p50_us", NULL, NULL, &n);
    double *p90 = load_view_column(load, -1, "p90_us", NULL, NULL, &n);
    double *p99 = load_view_column(load, -1, "p99_us", NULL, NULL, &n);
    struct svg_series lat[] = {
        {"p50", p50, n, "#2e8540"}, {"p90", p90, n, "#b26a00"}, {"p99", p99, n, "#c62828"}};
    svg_line_chart_styled(b, "Latency percentiles (log scale)", lat, 3, load_view_fmt_us, NULL,
                          &small_log_lines);
    load_chart(b, load, n);
    active_chart(b, load);
    double *transport = load_view_column(load, -1, "errors", NULL, NULL, &n);
    double *c4xx = load_view_column(load, -1, "status_4xx", NULL, NULL, &n);
    double *c503 = load_view_column(load, -1, "status_503", NULL, NULL, &n);
    double *c5xx = load_view_column(load, -1, "status_5xx", NULL, "status_503", &n);
    double *dropped = load_view_column(load, -1, "dropped", NULL, NULL, &n);
    struct svg_series err[] = {{"transport", transport, n, "#7a1f1f"},
                               {"5xx not 503", c5xx, n, "#c62828"},
                               {"503", c503, n, "#d0550b"},
                               {"4xx", c4xx, n, "#b26a00"},
                               {"dropped", dropped, n, "#5b6670"}};
    svg_line_chart_styled(b, "Errors by class per second", err, 5, load_view_fmt_plain, NULL,
                          &small_lines);
    double *columns[] = {rps, p50, p90, p99, transport, c4xx, c503, c5xx, dropped};
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
        free(columns[i]);
    load_view_distribution(b, "Responses by latency",
                           rd_get(rd_get(load, "latency_us"), "corrected"), &small_lines);
    tb_add(b, "</div>");
    peaks(b, load);
    tb_add(b, "</section>\n");
}

static void scenarios(struct textbuf *b, const cJSON *load)
{
    if (cJSON_GetArraySize(rd_get(load, "scenarios")) == 0)
        return;
    tb_add(b, "<section><h2>Scenarios and steps</h2>");
    load_view_flows(b, load);
    tb_add(b, "<h3>Iteration durations (think time included)</h3><div class=\"grid-charts\">");
    const cJSON *s;
    cJSON_ArrayForEach(s, rd_get(load, "scenarios"))
    {
        struct textbuf title = {0};
        tb_printf(&title, "Iterations of %s by duration", rd_str(s, "name"));
        char *t = tb_take(&title);
        load_view_distribution(b, t, rd_get(s, "duration_us"), &small_lines);
        free(t);
    }
    tb_add(b, "</div><h3>Each step per second</h3><div class=\"grid-charts\" id=\"steps\">");
    load_view_step_charts(b, load, NULL, &small_lines);
    tb_add(b, "</div></section>\n");
}

static char *render(const cJSON *load)
{
    struct textbuf b = {0};
    const char *headline;
    const char *result = load_view_outcome(load, &headline);
    report_page_open(&b);
    tb_printf(&b, "storecheck load: %s &ndash; ", result);
    const cJSON *url = cJSON_GetArrayItem(rd_get(rd_get(load, "run"), "urls"), 0);
    esc(&b, cJSON_IsString(url) ? url->valuestring : "");
    report_page_body(&b, style);
    header(&b, load);
    tb_add(&b, "<section><h2>Summary</h2>");
    load_view_summary(&b, load);
    tb_add(&b, "</section>\n");
    thresholds(&b, load);
    time_charts(&b, load);
    scenarios(&b, load);
    report_page_close(&b, rd_str(load, "tool_version"), rd_num(load, "schema_version", 0));
    return tb_take(&b);
}

const struct reporter reporter_load_html = {"html", render};
