/* The Markdown summary for a pipeline's job summary or a pull-request comment. */
#include <string.h>

#include "reports/load_view.h"
#include "reports/report_doc.h"
#include "reports/reporter.h"
#include "reports/textbuf.h"

static void score_row(struct textbuf *b, const cJSON *score, int held_column, int bold)
{
    const char *em = bold ? "**" : "";
    tb_add(b, " | ");
    tb_add(b, em);
    tb_add_md_cell(b, *rd_str(score, "grade") ? rd_str(score, "grade") : "n/a");
    tb_add(b, em);
    if (rd_has_num(score, "score"))
        tb_printf(b, " | %.0f |", rd_num(score, "score", 0));
    else
        tb_add(b, " | – |");
    if (held_column) {
        char held[512];
        rd_held_down_by(score, held, sizeof held);
        tb_add(b, " ");
        tb_add_md_cell(b, held);
        tb_add(b, " |");
    }
    tb_add(b, "\n");
}

/* The grades; the "Held down by" column only when a cap or an undecided check holds one. */
static void scorecard(struct textbuf *b, const cJSON *scores)
{
    int held = rd_any_held_down(scores);
    tb_add(b, "\n### Scorecard\n\n| Group | Grade | Score |");
    tb_add(b, held ? " Held down by |\n| --- | --- | ---: | --- |\n" : "\n| --- | --- | ---: |\n");
    const cJSON *g;
    cJSON_ArrayForEach(g, rd_get(scores, "groups"))
    {
        tb_add(b, "| ");
        tb_add_md_cell(b, rd_str(g, "group"));
        tb_add(b, " ");
        tb_add_md_cell(b, rd_str(g, "name"));
        score_row(b, g, held, 0);
    }
    tb_add(b, "| **Overall**");
    score_row(b, rd_get(scores, "overall"), held, 1);
}

/* The checks listed as failed, as in the table above. */
static int listed_as_failed(const cJSON *c)
{
    const char *outcome = rd_check_outcome(c);
    return strcmp(outcome, "fail") == 0 || strcmp(outcome, "error") == 0 ||
           strcmp(outcome, "accepted") == 0 || *rd_cause_note(c);
}

/* For the failed checks, the fix on the recognised stack (the JSON report has the rest). */
static void stack_fixes(struct textbuf *b, const cJSON *doc)
{
    int any = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, rd_get(doc, "checks"))
    {
        if (!listed_as_failed(c))
            continue;
        const cJSON *fix;
        cJSON_ArrayForEach(fix, rd_get(c, "stack_remediation"))
        {
            if (!any++)
                tb_add(b, "\n### Fixes for this stack\n\n");
            tb_add(b, "- **");
            tb_add_md_cell(b, rd_str(c, "id"));
            tb_add(b, "** on ");
            tb_add_md_cell(b, rd_str(fix, "name"));
            tb_add(b, ": ");
            tb_add_md_cell(b, rd_str(fix, "fix"));
            tb_add(b, "\n");
        }
    }
}

/* The load in a line: its size and the protocols its connections spoke (the ALPN outcome). */
static void load_line(struct textbuf *b, const cJSON *load)
{
    if (!cJSON_IsObject(load))
        return;
    const cJSON *tot = rd_get(load, "totals");
    tb_printf(b, "Load: %.0f requests, %.1f/s", rd_num(tot, "requests", 0),
              rd_num(load, "achieved_rate", 0));
    load_view_protocols_md(b, load);
    tb_add(b, "\n\n");
}

static char *render_markdown(const cJSON *doc)
{
    struct textbuf b = {0};
    const cJSON *v = rd_get(doc, "verdict");
    const char *result = rd_str(v, "result");
    tb_add(&b, "## storecheck: ");
    if (strcmp(result, "passed") == 0 || strcmp(result, "failed") == 0)
        tb_add(&b, result[0] == 'p' ? "gate passed" : "gate FAILED");
    else
        tb_add_md_cell(&b, result);
    tb_add(&b, "\n\nTarget: ");
    tb_add_md_cell(&b, rd_str(doc, "target"));
    tb_add(&b, " · gate on ");
    tb_add_md_cell(&b, rd_str(doc, "fail_on"));
    tb_printf(&b, " and above · exit code %.0f%s\n\n", rd_num(v, "exit_code", 0),
              rd_bool(doc, "interrupted") ? " · **interrupted**" : "");
    char stack[1600];
    rd_stack_summary(doc, stack, sizeof stack);
    if (*stack) {
        tb_add(&b, "Stack: ");
        tb_add_md_cell(&b, stack);
        tb_add(&b, "\n\n");
    }
    load_line(&b, rd_get(doc, "load"));
    const cJSON *r;
    cJSON_ArrayForEach(r, rd_get(v, "reasons"))
    {
        tb_add(&b, "- ");
        tb_add_md_cell(&b, cJSON_IsString(r) ? r->valuestring : "");
        tb_add(&b, "\n");
    }

    scorecard(&b, rd_get(doc, "scores"));
    tb_add(&b, "\n### Failed checks\n\n");
    int any = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, rd_get(doc, "checks"))
    {
        if (!listed_as_failed(c))
            continue;
        const char *outcome = rd_check_outcome(c);
        if (!any++)
            tb_add(&b, "| Check | Severity | Result | Reason |\n| --- | --- | --- | --- |\n");
        tb_add(&b, "| ");
        tb_add_md_cell(&b, rd_str(c, "id"));
        char phase[96];
        if (rd_check_phase(c, phase, sizeof phase)[0]) {
            tb_add(&b, " (");
            tb_add_md_cell(&b, phase);
            tb_add(&b, ")");
        }
        tb_add(&b, " | ");
        tb_add_md_cell(&b, rd_str(c, "severity"));
        tb_add(&b, " | ");
        tb_add_md_cell(&b, outcome);
        if (rd_bool(c, "gated"))
            tb_add(&b, ", gate");
        tb_add(&b, " | ");
        tb_add_md_cell(&b, rd_str(c, "reason"));
        if (outcome[0] == 'a') {
            tb_add(&b, " — accepted: ");
            tb_add_md_cell(&b, rd_str(rd_get(c, "accepted"), "reason"));
        }
        if (*rd_cause_note(c)) {
            tb_add(&b, " — ");
            tb_add_md_cell(&b, rd_cause_note(c));
        }
        tb_add(&b, " |\n");
    }
    if (!any)
        tb_add(&b, "None.\n");
    stack_fixes(&b, doc);

    tb_add(&b, "\n### Thresholds\n\n");
    any = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, rd_get(doc, "thresholds"))
    {
        char obs[48];
        rd_fmt_observed(t, obs, sizeof obs);
        if (!any++)
            tb_add(&b, "| Threshold | Observed | Result |\n| --- | ---: | --- |\n");
        tb_add(&b, "| ");
        tb_add_md_cell(&b, rd_str(t, "expr"));
        tb_add(&b, " | ");
        tb_add_md_cell(&b, obs);
        tb_add(&b, " | ");
        tb_add_md_cell(&b, rd_threshold_result(t));
        tb_add(&b, " |\n");
    }
    if (!any)
        tb_add(&b, "None configured.\n");
    return tb_take(&b);
}

const struct reporter reporter_markdown = {"markdown", render_markdown};
