/* The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/grade.h"
#include "reports/load_view.h"
#include "reports/report_doc.h"
#include "reports/report_page.h"
#include "reports/report_svg.h"
#include "reports/reporter.h"

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
    char phase[96];
    if (rd_check_phase(c, phase, sizeof phase)[0]) {
        tb_add(b, ", ");
        esc(b, phase);
    }
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
    char phase[96];
    if (rd_check_phase(c, phase, sizeof phase)[0]) {
        tb_add(b, " <span class=\"small\">(");
        esc(b, phase);
        tb_add(b, ")</span>");
    }
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
    double *rps = load_view_column(load, -1, "responses", NULL, NULL, &n);
    struct svg_series thr = {"responses per second", rps, n, "#3559a8"};
    svg_line_chart(b, "Throughput", &thr, 1, load_view_fmt_plain, &band);
    double *p50 = load_view_column(load, -1, "p50_us", NULL, NULL, &n);
    double *p90 = load_view_column(load, -1, "p90_us", NULL, NULL, &n);
    double *p99 = load_view_column(load, -1, "p99_us", NULL, NULL, &n);
    struct svg_series lat[] = {
        {"p50", p50, n, "#2e8540"}, {"p90", p90, n, "#b26a00"}, {"p99", p99, n, "#c62828"}};
    svg_line_chart(b, "Latency percentiles over time (from intended send time)", lat, 3,
                   load_view_fmt_us, &band);
    double *errs = load_view_column(load, -1, "errors", "status_5xx", NULL, &n);
    double *c4xx = load_view_column(load, -1, "status_4xx", NULL, NULL, &n);
    struct svg_series err[] = {{"errors + 5xx", errs, n, "#c62828"}, {"4xx", c4xx, n, "#b26a00"}};
    svg_line_chart(b, "Errors over time", err, 2, load_view_fmt_plain, &band);
    free(rps);
    free(p50);
    free(p90);
    free(p99);
    free(errs);
    free(c4xx);
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
        status_tag(b, rd_threshold_result(t));
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
    load_view_summary(b, load);
    load_view_flows(b, load);
    struct svg_band band = fault_band(doc, load);
    load_view_step_charts(b, load, &band, &(struct svg_style){0, 0});
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
    load_view_distribution(b, "Latency distribution (responses per latency range)",
                           rd_get(rd_get(load, "latency_us"), "corrected"),
                           &(struct svg_style){0, 0});
    thresholds(b, doc);
    tb_add(b, "</section>\n");
}

static char *render_html(const cJSON *doc)
{
    struct textbuf b = {0};
    const char *result = rd_str(rd_get(doc, "verdict"), "result");
    report_page_open(&b);
    tb_add(&b, "storecheck: ");
    esc(&b, result);
    tb_add(&b, " &ndash; ");
    esc(&b, rd_str(doc, "target"));
    report_page_body(&b, "");
    verdict(&b, doc);
    scorecard(&b, doc);
    stack_section(&b, doc);
    findings(&b, doc);
    load_section(&b, doc);
    report_page_close(&b, rd_str(doc, "tool_version"), rd_num(doc, "schema_version", 0));
    return tb_take(&b);
}

const struct reporter reporter_html = {"html", render_html};
