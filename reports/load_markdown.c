/* The Markdown summary of a load result, for a pipeline's job summary or a pull-request
 * comment: how it ended, the totals, the thresholds, and the scenarios and steps. */
#include <stdio.h>

#include "reports/load_report.h"
#include "reports/load_view.h"
#include "reports/report_doc.h"
#include "reports/textbuf.h"

/* " | p50 | p95 | p99 |" cells of a latency or duration histogram. */
static void percentiles(struct textbuf *b, const cJSON *hist)
{
    static const char *const keys[] = {"p50", "p95", "p99"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char v[32];
        rd_fmt_us(rd_num(hist, keys[i], 0), v, sizeof v);
        tb_printf(b, " %s |", v);
    }
}

static void totals(struct textbuf *b, const cJSON *load)
{
    const cJSON *run = rd_get(load, "run"), *tot = rd_get(load, "totals");
    tb_add(b, "Load on ");
    const cJSON *u;
    int k = 0;
    cJSON_ArrayForEach(u, rd_get(run, "urls"))
    {
        tb_add(b, k++ ? ", " : "");
        tb_add_md_cell(b, cJSON_IsString(u) ? u->valuestring : "");
    }
    tb_add(b, " · ");
    tb_add_md_cell(b, rd_str(run, "model"));
    char elapsed[32];
    rd_fmt_us(rd_num(load, "elapsed_us", 0), elapsed, sizeof elapsed);
    tb_printf(b, " model · ran %s", elapsed);
    load_view_protocols_md(b, load);
    tb_add(b, "\n\n");
    tb_add(b, "| Requests | Responses | Rate | Errors | HTTP ≥400 | p50 | p95 | p99 |\n"
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    tb_printf(b, "| %.0f | %.0f | %.1f/s | %.0f | %.0f |", rd_num(tot, "requests", 0),
              rd_num(tot, "responses", 0), rd_num(load, "achieved_rate", 0),
              rd_num(tot, "errors_total", 0), rd_num(tot, "http_errors", 0));
    percentiles(b, rd_get(rd_get(load, "latency_us"), "corrected"));
    tb_add(b, "\n");
}

static void thresholds(struct textbuf *b, const cJSON *load)
{
    tb_add(b, "\n### Thresholds\n\n");
    int any = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, rd_get(load, "thresholds"))
    {
        if (!any++)
            tb_add(b, "| Threshold | Observed | Result |\n| --- | --- | --- |\n");
        tb_add(b, "| ");
        tb_add_md_cell(b, rd_str(t, "expr"));
        tb_add(b, " | ");
        tb_add_md_cell(b, rd_str(t, "line"));
        tb_printf(b, " | %s |\n", rd_threshold_result(t));
    }
    if (!any)
        tb_add(b, "None configured.\n");
}

static void flows(struct textbuf *b, const cJSON *load)
{
    const cJSON *s;
    if (cJSON_GetArraySize(rd_get(load, "scenarios")) == 0)
        return;
    tb_add(b, "\n### Scenarios\n\n| Scenario | Started | Completed | Failed | p50 | p95 | p99 |\n"
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    cJSON_ArrayForEach(s, rd_get(load, "scenarios"))
    {
        tb_add(b, "| ");
        tb_add_md_cell(b, rd_str(s, "name"));
        tb_printf(b, " | %.0f | %.0f | %.0f |", rd_num(s, "started", 0), rd_num(s, "completed", 0),
                  rd_num(s, "failed_total", 0));
        percentiles(b, rd_get(s, "duration_us"));
        tb_add(b, "\n");
    }
    tb_add(b, "\n### Steps\n\n| Scenario | Step | Requests | Failed | p50 | p95 | p99 |\n"
              "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    cJSON_ArrayForEach(s, rd_get(load, "steps"))
    {
        tb_add(b, "| ");
        tb_add_md_cell(b, rd_str(s, "scenario"));
        tb_add(b, " | ");
        tb_add_md_cell(b, rd_str(s, "name"));
        tb_printf(b, " | %.0f | %.0f |", rd_num(s, "requests", 0), rd_num(s, "failed_total", 0));
        percentiles(b, rd_get(s, "latency_us"));
        tb_add(b, "\n");
    }
}

static char *render(const cJSON *load)
{
    struct textbuf b = {0};
    const char *headline;
    load_view_outcome(load, &headline);
    tb_printf(&b, "## storecheck load: %s\n\n", headline);
    totals(&b, load);
    thresholds(&b, load);
    flows(&b, load);
    return tb_take(&b);
}

const struct reporter reporter_load_markdown = {"markdown", render};
