/* The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/grade.h"
#include "reports/report_doc.h"
#include "reports/report_svg.h"
#include "reports/reporter.h"

const char report_html_style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
    "max-width:1100px;padding:16px 24px;color:#1d232a;background:#fff}"
    "h1{margin:0 0 4px;font-size:28px}h2{border-bottom:2px solid #d8dde3;padding-bottom:4px;"
    "margin-top:32px}h3{margin:20px 0 8px}"
    ".verdict{padding:16px 20px;border-radius:8px;border:2px solid}"
    ".v-passed{background:#e9f7ee;border-color:#2e8540}.v-failed{background:#fdecea;"
    "border-color:#c62828}.v-incomplete,.v-interrupted{background:#fff6e0;border-color:#b26a00}"
    ".meta{color:#4a5561;margin:0}ul.reasons{margin:8px 0 0;padding-left:20px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;"
    "padding:4px 8px;border-bottom:1px solid #e3e7eb;vertical-align:top}"
    "th{background:#f3f5f7}.num,table.nums th,table.nums td{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    ".grade{display:inline-block;min-width:2.2em;text-align:center;font-weight:700;"
    "border-radius:4px;padding:1px 6px;color:#fff}.g-A,.g-Ap{background:#2e8540}"
    ".g-B{background:#6a9a1f}.g-C{background:#b26a00}.g-D{background:#d0550b}"
    ".g-F{background:#c62828}.g-none{background:#8a949e}"
    ".st{font-weight:700;text-transform:uppercase;font-size:12px;padding:1px 5px;"
    "border-radius:3px;border:1px solid}.st-fail,.st-error{color:#c62828}"
    ".st-warn{color:#b26a00}.st-pass{color:#2e8540}.st-skip{color:#5b6670}"
    ".st-accepted{color:#3559a8}"
    ".card{border:1px solid #d8dde3;border-left:5px solid #8a949e;border-radius:6px;"
    "padding:8px 12px;margin:10px 0;break-inside:avoid}.c-fail,.c-error{border-left-color:"
    "#c62828}.c-warn{border-left-color:#b26a00}.c-accepted{border-left-color:#3559a8}"
    ".card p{margin:4px 0}.ev{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;"
    "white-space:pre-wrap;word-break:break-all}.small{color:#5b6670;font-size:13px}"
    ".chart{margin:12px 0}.chart svg{width:100%;height:auto}.ct{font-size:14px;"
    "font-weight:700}.yl{font-size:11px;text-anchor:end;fill:#4a5561}.xl{font-size:11px;"
    "fill:#4a5561}.lg{font-size:12px}.grid{stroke:#e3e7eb}.band{fill:#fdecea}"
    ".bl{font-size:11px;fill:#c62828}"
    ".card code{overflow-wrap:anywhere}"
    "@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}"
    ".verdict,.card,.chart,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}";

static const char *const outcome_order[] = {"fail", "error", "warn", "accepted", "skip", "pass"};
enum { OUTCOMES = sizeof outcome_order / sizeof *outcome_order };
static const char *const severity_order[] = {"critical", "high", "medium", "low", "info"};
static const char group_letters[] = "STORE";

static void esc(struct textbuf *b, const char *s)
{
    tb_add_escaped(b, s);
}

static void grade_badge(struct textbuf *b, const cJSON *score)
{
    /* The class comes from the known grades only: the grade itself is data. */
    static const char *const classes[GRADE_COUNT] = {"Ap", "A", "B", "C", "D", "F"};
    const char *g = rd_str(score, "grade");
    int rank = grade_rank(g);
    tb_printf(b, "<span class=\"grade g-%s\">", rank >= 0 ? classes[rank] : "none");
    esc(b, *g ? g : "n/a");
    tb_add(b, "</span>");
}

static void verdict(struct textbuf *b, const cJSON *doc)
{
    const cJSON *v = rd_get(doc, "verdict");
    const char *result = rd_str(v, "result");
    static const struct {
        const char *result, *headline;
    } heads[] = {{"passed", "Gate passed"},
                 {"failed", "Gate failed"},
                 {"incomplete", "Incomplete: some checks could not decide"},
                 {"interrupted", "Interrupted before the planned end"}};
    const char *headline = result;
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        if (strcmp(heads[i].result, result) == 0)
            headline = heads[i].headline;
    char start[32], end[32];
    rd_fmt_time(rd_num(doc, "started_unix_ms", 0), start, sizeof start);
    rd_fmt_time(rd_num(doc, "ended_unix_ms", 0), end, sizeof end);
    tb_add(b, "<header class=\"verdict v-");
    esc(b, result);
    tb_add(b, "\" id=\"verdict\"><h1>");
    esc(b, headline);
    tb_add(b, "</h1><p class=\"meta\">");
    esc(b, rd_str(doc, "target"));
    tb_printf(b, " &middot; %s to %s &middot; gate on ", start, end);
    esc(b, rd_str(doc, "fail_on"));
    tb_printf(b, " and above &middot; exit code %.0f", rd_num(v, "exit_code", 0));
    if (rd_bool(doc, "interrupted"))
        tb_add(b, " &middot; <strong>interrupted</strong>");
    tb_add(b, "</p>");
    const cJSON *reasons = rd_get(v, "reasons");
    if (cJSON_GetArraySize(reasons) > 0) {
        tb_add(b, "<ul class=\"reasons\">");
        const cJSON *r;
        cJSON_ArrayForEach(r, reasons)
        {
            tb_add(b, "<li>");
            esc(b, cJSON_IsString(r) ? r->valuestring : "");
            tb_add(b, "</li>");
        }
        tb_add(b, "</ul>");
    }
    tb_add(b, "</header>\n");
}

/* The grade, the score and, when the table has that column, what holds the grade down. */
static void score_cells(struct textbuf *b, const cJSON *score, const char *cell, int held)
{
    tb_printf(b, "<%s>", cell);
    grade_badge(b, score);
    if (rd_has_num(score, "score"))
        tb_printf(b, "</%s><%s class=\"num\">%.0f</%s>", cell, cell, rd_num(score, "score", 0),
                  cell);
    else
        tb_printf(b, "</%s><%s class=\"num\">&ndash;</%s>", cell, cell, cell);
    if (held) {
        char why[512];
        rd_held_down_by(score, why, sizeof why);
        tb_printf(b, "<%s>", cell);
        esc(b, why);
        tb_printf(b, "</%s>", cell);
    }
}

static void scorecard(struct textbuf *b, const cJSON *doc)
{
    const cJSON *scores = rd_get(doc, "scores");
    int held = rd_any_held_down(scores);
    tb_add(b, "<section><h2>STORE scorecard</h2><table><tr><th>Group</th><th>Grade</th>"
              "<th>Score</th>");
    tb_add(b, held ? "<th>Held down by</th></tr>" : "</tr>");
    const cJSON *g;
    cJSON_ArrayForEach(g, rd_get(scores, "groups"))
    {
        tb_add(b, "<tr><td>");
        esc(b, rd_str(g, "group"));
        tb_add(b, " ");
        esc(b, rd_str(g, "name"));
        tb_add(b, "</td>");
        score_cells(b, g, "td", held);
        tb_add(b, "</tr>");
    }
    tb_add(b, "<tr><th>Overall</th>");
    score_cells(b, rd_get(scores, "overall"), "th", held);
    tb_add(b, "</tr></table></section>\n");
}

/* The software in front of the store, each product with the header that named it. */
static void stack_section(struct textbuf *b, const cJSON *doc)
{
    const cJSON *st = rd_get(doc, "stack");
    if (!cJSON_IsObject(st))
        return;
    tb_add(b, "<section><h2>Stack</h2>");
    const cJSON *cs = rd_get(st, "components");
    if (cJSON_GetArraySize(cs) == 0) {
        char why[1600];
        rd_stack_summary(doc, why, sizeof why);
        tb_add(b, "<p>");
        esc(b, why);
        tb_add(b, "; the findings give the remediation for any stack.</p></section>\n");
        return;
    }
    tb_add(b, "<p class=\"small\">Recognised from ");
    esc(b, rd_str(st, "request"));
    tb_add(b, ", edge inward; findings give the fix for these first.</p>"
              "<table><tr><th>Product</th><th>Role</th><th>Evidence</th></tr>");
    const cJSON *c;
    cJSON_ArrayForEach(c, cs)
    {
        tb_add(b, "<tr><td>");
        esc(b, rd_str(c, "name"));
        tb_add(b, "</td><td>");
        esc(b, rd_str(c, "role"));
        tb_add(b, "</td><td class=\"ev\">");
        esc(b, rd_str(c, "evidence"));
        tb_add(b, "</td></tr>");
    }
    tb_add(b, "</table></section>\n");
}

static void status_tag(struct textbuf *b, const char *outcome)
{
    tb_add(b, "<span class=\"st st-");
    esc(b, outcome);
    tb_add(b, "\">");
    esc(b, outcome);
    tb_add(b, "</span> ");
}

static void card(struct textbuf *b, const cJSON *c, const char *outcome)
{
    tb_add(b, "<div class=\"card c-");
    esc(b, outcome);
    tb_add(b, "\"><p>");
    status_tag(b, outcome);
    tb_add(b, "<strong>");
    esc(b, rd_str(c, "id"));
    tb_add(b, "</strong> ");
    esc(b, rd_str(c, "title"));
    tb_add(b, " <span class=\"small\">(");
    esc(b, rd_str(c, "severity"));
    if (strcmp(rd_str(c, "phase"), "under_load") == 0)
        tb_add(b, ", under load");
    if (rd_bool(c, "gated"))
        tb_add(b, ", <strong>fails the gate</strong>");
    tb_add(b, ")</span></p><p>");
    esc(b, rd_str(c, "reason"));
    tb_add(b, "</p>");
    const cJSON *acc = rd_get(c, "accepted");
    if (cJSON_IsObject(acc)) {
        tb_add(b, "<p><strong>");
        tb_add(b, rd_bool(acc, "expired") ? "Acceptance expired" : "Accepted");
        tb_add(b, "</strong> until ");
        esc(b, rd_str(acc, "expires"));
        tb_add(b, ": ");
        esc(b, rd_str(acc, "reason"));
        tb_add(b, "</p>");
    }
    const cJSON *evs = rd_get(c, "evidence");
    if (cJSON_GetArraySize(evs) > 0) {
        tb_add(b, "<table><tr><th>Request</th><th>Status</th><th>Evidence</th></tr>");
        const cJSON *ev;
        cJSON_ArrayForEach(ev, evs)
        {
            tb_add(b, "<tr><td class=\"ev\">");
            esc(b, rd_str(ev, "request"));
            if (rd_has_num(ev, "status"))
                tb_printf(b, "</td><td class=\"num\">%.0f</td><td class=\"ev\">",
                          rd_num(ev, "status", 0));
            else
                tb_add(b, "</td><td></td><td class=\"ev\">");
            esc(b, rd_str(ev, "detail"));
            tb_add(b, "</td></tr>");
        }
        tb_add(b, "</table>");
    }
    const cJSON *fix;
    cJSON_ArrayForEach(fix, rd_get(c, "stack_remediation"))
    {
        tb_add(b, "<p><strong>Fix for ");
        esc(b, rd_str(fix, "name"));
        tb_add(b, ":</strong> <code>");
        esc(b, rd_str(fix, "fix"));
        tb_add(b, "</code></p>");
    }
    if (*rd_str(c, "remediation")) {
        tb_add(b, cJSON_GetArraySize(rd_get(c, "stack_remediation")) > 0
                      ? "<p><strong>Remediation, on any stack:</strong> "
                      : "<p><strong>Remediation:</strong> ");
        esc(b, rd_str(c, "remediation"));
        tb_add(b, "</p>");
    }
    if (*rd_str(c, "rationale")) {
        tb_add(b, "<p class=\"small\">Why: ");
        esc(b, rd_str(c, "rationale"));
        tb_add(b, "</p>");
    }
    const cJSON *ref;
    cJSON_ArrayForEach(ref, rd_get(c, "references"))
    {
        tb_add(b, "<p class=\"small\">");
        esc(b, cJSON_IsString(ref) ? ref->valuestring : "");
        tb_add(b, "</p>");
    }
    tb_add(b, "</div>\n");
}

/* Passed and skipped checks: one table row each, no card. */
static void row(struct textbuf *b, const cJSON *c, const char *outcome)
{
    tb_add(b, "<tr><td>");
    status_tag(b, outcome);
    tb_add(b, "</td><td>");
    esc(b, rd_str(c, "id"));
    tb_add(b, "</td><td>");
    esc(b, rd_str(c, "title"));
    tb_add(b, "</td><td>");
    esc(b, rd_str(c, "reason"));
    if (*rd_cause_note(c)) {
        tb_add(b, " <strong>(");
        esc(b, rd_cause_note(c));
        tb_add(b, ")</strong>");
    }
    tb_add(b, "</td></tr>");
}

static int is_card(const char *outcome)
{
    return strcmp(outcome, "pass") != 0 && strcmp(outcome, "skip") != 0;
}

static void findings(struct textbuf *b, const cJSON *doc)
{
    const cJSON *checks = rd_get(doc, "checks");
    tb_add(b, "<section><h2>Findings</h2>");
    for (const char *g = group_letters; *g; g++) {
        char letter[2] = {*g, 0};
        const cJSON *c;
        int any = 0;
        cJSON_ArrayForEach(c, checks)
        {
            any += strcmp(rd_str(c, "group"), letter) == 0;
        }
        if (!any)
            continue;
        const char *name = letter;
        const cJSON *sg;
        cJSON_ArrayForEach(sg, rd_get(rd_get(doc, "scores"), "groups"))
        {
            if (strcmp(rd_str(sg, "group"), letter) == 0)
                name = rd_str(sg, "name");
        }
        tb_printf(b, "<h3>%c ", *g);
        esc(b, name);
        tb_add(b, "</h3>");
        int table = 0;
        for (size_t o = 0; o < OUTCOMES; o++) {
            for (size_t s = 0; s < sizeof severity_order / sizeof *severity_order; s++) {
                cJSON_ArrayForEach(c, checks)
                {
                    const char *outcome = rd_check_outcome(c);
                    if (strcmp(rd_str(c, "group"), letter) != 0 ||
                        strcmp(outcome, outcome_order[o]) != 0 ||
                        strcmp(rd_str(c, "severity"), severity_order[s]) != 0)
                        continue;
                    if (is_card(outcome)) {
                        card(b, c, outcome);
                        continue;
                    }
                    if (!table++)
                        tb_add(b, "<table><tr><th>Result</th><th>Check</th><th>Title</th>"
                                  "<th>Detail</th></tr>");
                    row(b, c, outcome);
                }
            }
        }
        if (table)
            tb_add(b, "</table>");
    }
    tb_add(b, "</section>\n");
}

static void fmt_us_axis(double v, char *buf, size_t len)
{
    rd_fmt_us(v, buf, len);
}

static void fmt_plain(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%g", v);
}

/* A column of the per-second series, up to the end of sending (the drain after it would
 * draw a drop to zero that shoppers never saw): k plus `plus` minus `minus` (either may be
 * NULL), of the whole second or, when step >= 0, of that step's share of it. */
static double *column(const cJSON *load, int step, const char *k, const char *plus,
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

/* The injected fault's span in seconds of the run; empty when none was injected. */
static struct svg_band fault_band(const cJSON *doc, const cJSON *load)
{
    const cJSON *fault = rd_get(doc, "fault");
    struct svg_band band = {0, 0, "fault injected"};
    if (rd_has_num(fault, "started_ms")) {
        band.from = rd_num(fault, "started_ms", 0) / 1000;
        band.to = rd_has_num(fault, "stopped_ms") ? rd_num(fault, "stopped_ms", 0) / 1000
                                                  : rd_num(load, "elapsed_us", 0) / 1e6;
    }
    return band;
}

static void time_charts(struct textbuf *b, const cJSON *doc, const cJSON *load)
{
    struct svg_band band = fault_band(doc, load);
    size_t n;
    double *rps = column(load, -1, "responses", NULL, NULL, &n);
    struct svg_series thr = {"responses per second", rps, n, "#3559a8"};
    svg_line_chart(b, "Throughput", &thr, 1, fmt_plain, &band);
    double *p50 = column(load, -1, "p50_us", NULL, NULL, &n);
    double *p90 = column(load, -1, "p90_us", NULL, NULL, &n);
    double *p99 = column(load, -1, "p99_us", NULL, NULL, &n);
    struct svg_series lat[] = {
        {"p50", p50, n, "#2e8540"}, {"p90", p90, n, "#b26a00"}, {"p99", p99, n, "#c62828"}};
    svg_line_chart(b, "Latency percentiles over time (from intended send time)", lat, 3,
                   fmt_us_axis, &band);
    double *errs = column(load, -1, "errors", "status_5xx", NULL, &n);
    double *c4xx = column(load, -1, "status_4xx", NULL, NULL, &n);
    struct svg_series err[] = {{"errors + 5xx", errs, n, "#c62828"}, {"4xx", c4xx, n, "#b26a00"}};
    svg_line_chart(b, "Errors over time", err, 2, fmt_plain, &band);
    free(rps);
    free(p50);
    free(p90);
    free(p99);
    free(errs);
    free(c4xx);
}

enum { DIST_BINS = 24 };

/* The corrected latency histogram, regrouped into logarithmic bins from min to max. */
static void distribution(struct textbuf *b, const cJSON *hist)
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
    svg_bar_chart(b, "Latency distribution (responses per latency range)", lp, counts, DIST_BINS,
                  "#3559a8");
}

static void thresholds(struct textbuf *b, const cJSON *doc)
{
    const cJSON *ths = rd_get(doc, "thresholds");
    tb_add(b, "<h3>Thresholds</h3>");
    if (cJSON_GetArraySize(ths) == 0) {
        tb_add(b, "<p class=\"small\">No thresholds configured.</p>");
        return;
    }
    tb_add(b, "<table><tr><th>Result</th><th>Threshold</th><th>Observed</th><th>Detail</th>"
              "</tr>");
    const cJSON *t;
    cJSON_ArrayForEach(t, ths)
    {
        char obs[48];
        rd_fmt_observed(t, obs, sizeof obs);
        tb_add(b, "<tr><td>");
        status_tag(b, rd_str(t, "verdict"));
        tb_add(b, "</td><td>");
        esc(b, rd_str(t, "expr"));
        tb_add(b, "</td><td class=\"num\">");
        esc(b, obs);
        tb_add(b, "</td><td>");
        esc(b, rd_str(t, "line"));
        tb_add(b, "</td></tr>");
    }
    tb_add(b, "</table>");
}

static void load_summary(struct textbuf *b, const cJSON *load)
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
    const cJSON *errors = rd_get(tot, "errors");
    const cJSON *e;
    int any = 0;
    cJSON_ArrayForEach(e, errors)
    {
        if (!(cJSON_IsNumber(e) && e->valuedouble > 0))
            continue;
        tb_add(b, any++ ? ", " : "<p>Errors by class: ");
        esc(b, e->string);
        tb_printf(b, " %.0f", e->valuedouble);
    }
    if (any)
        tb_add(b, "</p>");
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
    const cJSON *f;
    int any = 0;
    tb_add(b, "<td>");
    cJSON_ArrayForEach(f, failed)
    {
        if (!(cJSON_IsNumber(f) && f->valuedouble > 0))
            continue;
        tb_add(b, any++ ? ", " : "");
        esc(b, f->string);
        tb_printf(b, " %.0f", f->valuedouble);
    }
    tb_add(b, any ? "</td>" : "&ndash;</td>");
}

/* Each step over time: what its shoppers got each second, so a fault shows as the steps that
 * failed (and how) next to those that kept answering. */
static void step_charts(struct textbuf *b, const cJSON *doc, const cJSON *load)
{
    const cJSON *first = cJSON_GetArrayItem(rd_get(load, "seconds"), 0);
    if (!cJSON_IsArray(rd_get(first, "steps")))
        return;
    struct svg_band band = fault_band(doc, load);
    int k = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, rd_get(load, "steps"))
    {
        size_t n;
        double *ok = column(load, k, "responses", NULL, "status_5xx", &n);
        double *honest = column(load, k, "status_503", NULL, NULL, &n);
        double *bad = column(load, k, "status_5xx", "errors", "status_503", &n);
        struct svg_series lines[] = {{"answers without 5xx", ok, n, "#2e8540"},
                                     {"503", honest, n, "#b26a00"},
                                     {"other 5xx + errors", bad, n, "#c62828"}};
        struct textbuf title = {0};
        tb_printf(&title, "Step %s of %s per second", rd_str(st, "name"), rd_str(st, "scenario"));
        char *t = tb_take(&title);
        svg_line_chart(b, t, lines, 3, fmt_plain, &band); /* escapes the title */
        free(t);
        free(ok);
        free(honest);
        free(bad);
        k++;
    }
}

/* What each scenario and each of its steps did: the shopper's view of the load. */
static void flows(struct textbuf *b, const cJSON *doc, const cJSON *load)
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
    step_charts(b, doc, load);
}

static void load_section(struct textbuf *b, const cJSON *doc)
{
    const cJSON *load = rd_get(doc, "load");
    tb_add(b, "<section><h2>Load</h2>");
    if (*rd_str(doc, "load_note")) {
        tb_add(b, "<p class=\"small\">");
        esc(b, rd_str(doc, "load_note"));
        tb_add(b, "</p>");
    }
    if (!cJSON_IsObject(load)) {
        tb_add(b, "<p>No load ran.</p>");
        thresholds(b, doc);
        tb_add(b, "</section>\n");
        return;
    }
    if (rd_bool(load, "interrupted"))
        tb_add(b, "<p><strong>The load was interrupted before its planned end.</strong></p>");
    load_summary(b, load);
    flows(b, doc, load);
    const cJSON *fault = rd_get(doc, "fault");
    if (cJSON_IsObject(fault)) {
        tb_add(b, "<p>Fault <strong>");
        esc(b, rd_str(fault, "name"));
        tb_printf(b, "</strong> planned at %.1fs for %.1fs", rd_num(fault, "at_ms", 0) / 1000,
                  rd_num(fault, "duration_ms", 0) / 1000);
        if (rd_has_num(fault, "started_ms"))
            tb_printf(b, "; injected at %.1fs", rd_num(fault, "started_ms", 0) / 1000);
        if (rd_has_num(fault, "stopped_ms"))
            tb_printf(b, ", undone at %.1fs", rd_num(fault, "stopped_ms", 0) / 1000);
        if (*rd_str(fault, "error")) {
            tb_add(b, "; ");
            esc(b, rd_str(fault, "error"));
        }
        tb_add(b, ".</p>");
    }
    time_charts(b, doc, load);
    distribution(b, rd_get(rd_get(load, "latency_us"), "corrected"));
    thresholds(b, doc);
    tb_add(b, "</section>\n");
}

static char *render_html(const cJSON *doc)
{
    struct textbuf b = {0};
    const char *result = rd_str(rd_get(doc, "verdict"), "result");
    tb_add(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>storecheck: ");
    esc(&b, result);
    tb_add(&b, " &ndash; ");
    esc(&b, rd_str(doc, "target"));
    tb_printf(&b, "</title><style>%s</style></head><body>\n", report_html_style);
    verdict(&b, doc);
    scorecard(&b, doc);
    stack_section(&b, doc);
    findings(&b, doc);
    load_section(&b, doc);
    tb_add(&b, "<footer class=\"small\"><p>storecheck ");
    esc(&b, rd_str(doc, "tool_version"));
    tb_printf(&b, ", report schema %.0f</p></footer>\n</body></html>",
              rd_num(doc, "schema_version", 0));
    return tb_take(&b);
}

const struct reporter reporter_html = {"html", render_html};
