/* The capacity result as one self-contained page: the verdict, the throughput/latency curve
 * with the knee ringed, and the table of steps. Config and server strings are escaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "common/redact.h"
#include "common/units.h"
#include "reports/atomic_write.h"
#include "reports/capacity_report.h"
#include "reports/report_page.h"
#include "reports/report_svg.h"
#include "version.h"

/* The curve is a small chart, no wider than its text stays readable at: the same size on a
 * desktop and a phone. The table of steps scrolls sideways on a narrow screen instead of
 * widening the page. */
static const char style[] = ".curve{max-width:620px}"
                            "@media (max-width:640px){body{padding:8px 10px;font-size:14px}"
                            "h1{font-size:22px}table{display:block;overflow-x:auto}}";

static void add_redacted(struct textbuf *b, const struct strv *secrets, const char *s)
{
    char *clean = redact_copy(secrets, s ? s : "");
    tb_add_escaped(b, clean);
    free(clean);
}

static void fmt_ms(double us, char *buf, size_t len)
{
    units_format_duration_us((uint64_t)us, buf, len);
}

static void verdict(struct textbuf *b, const struct capacity_report *r)
{
    tb_printf(b, "<div class=\"verdict v-%s\"><h1>",
              r->interrupted ? "interrupted"
              : r->passed    ? "passed"
                             : "failed");
    if (r->holds > 0)
        tb_printf(b, "Holds %.1f/s", r->holds);
    else
        tb_add(b, "No rate held");
    if (r->breaks > 0)
        tb_printf(b, "; breaks at %.1f/s", r->breaks);
    tb_add(b, "</h1><p class=\"meta\">");
    add_redacted(b, r->secrets, r->target);
    tb_printf(b, " &middot; search %s%s", r->end, r->interrupted ? ", interrupted" : "");
    if (r->run_id) {
        tb_printf(b, " &middot; %u segments, run ", r->segments);
        add_redacted(b, r->secrets, r->run_id);
    }
    if (r->target_rate > 0)
        tb_printf(b, " &middot; target %.1f/s %s", r->target_rate,
                  r->passed ? "held" : "not shown to hold");
    tb_add(b, "</p>");
    if (r->first_broken_line) {
        tb_printf(b, "<p>First broken at %.1f/s: <code>", r->first_broken_rate);
        add_redacted(b, r->secrets, r->first_broken_line);
        tb_add(b, "</code></p>");
    }
    tb_add(b, "</div>\n");
}

/* The step that broke at the knee rate, to ring on the curve; step_count when none. */
static size_t knee_step(const struct capacity_report *r)
{
    for (size_t i = 0; i < r->step_count; i++)
        if (r->breaks > 0 && r->steps[i].offered_rate == r->breaks)
            return i;
    return r->step_count;
}

static void curve(struct textbuf *b, const struct capacity_report *r)
{
    size_t n = r->step_count;
    tb_add(b, "<div class=\"curve\">");
    double *xs = xcalloc(n + 1, sizeof *xs), *ys = xcalloc(n + 1, sizeof *ys);
    for (size_t i = 0; i < n; i++) {
        xs[i] = r->steps[i].achieved_rate;
        ys[i] = (double)r->steps[i].p99;
    }
    char label[64];
    snprintf(label, sizeof label, "knee: %.1f/s offered", r->breaks);
    svg_xy_chart(b, "p99 latency by throughput (iterations done/s)", xs, ys, n, "/s",
                 fmt_ms, knee_step(r), label, "#3559a8", &(struct svg_style){0, 1});
    free(xs);
    free(ys);
    tb_add(b, "</div>\n");
}

static void steps_table(struct textbuf *b, const struct capacity_report *r)
{
    tb_add(b, "<h2>Steps</h2><table class=\"nums\"><tr><th>#</th><th>offered/s</th>"
              "<th>achieved/s</th><th>responses/s</th><th>p50</th><th>p90</th><th>p95</th>"
              "<th>p99</th><th>errors</th><th>verdict</th><th>why</th></tr>\n");
    for (size_t i = 0; i < r->step_count; i++) {
        const struct capacity_report_step *s = &r->steps[i];
        char p[4][32];
        fmt_ms((double)s->p50, p[0], sizeof p[0]);
        fmt_ms((double)s->p90, p[1], sizeof p[1]);
        fmt_ms((double)s->p95, p[2], sizeof p[2]);
        fmt_ms((double)s->p99, p[3], sizeof p[3]);
        tb_printf(b, "<tr><td>%zu</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>", i + 1,
                  s->offered_rate, s->achieved_rate, s->responses_rate);
        for (int k = 0; k < 4; k++)
            tb_printf(b, "<td>%s</td>", p[k]);
        tb_printf(b, "<td>%.2f%%</td><td>%s</td><td>", 100 * s->error_rate, s->verdict);
        if (s->abort_reason[0])
            add_redacted(b, r->secrets, s->abort_reason);
        for (size_t k = 0; k < s->broken_count; k++) {
            tb_add(b, k ? "<br>" : "");
            add_redacted(b, r->secrets, s->broken[k]);
        }
        tb_add(b, "</td></tr>\n");
    }
    tb_add(b, "</table>\n");
}

char *capacity_html_render(const struct capacity_report *r)
{
    struct textbuf b = {0};
    report_page_open(&b);
    tb_add(&b, "storecheck capacity &ndash; ");
    add_redacted(&b, r->secrets, r->target);
    report_page_body(&b, style);
    verdict(&b, r);
    curve(&b, r);
    steps_table(&b, r);
    tb_add(&b, "<footer class=\"small\"><p>storecheck " STORECHECK_VERSION
               ", capacity search</p></footer>\n</body></html>");
    return tb_take(&b);
}

int capacity_html_write(const char *path, const struct capacity_report *r, char *err, size_t errlen)
{
    char *text = capacity_html_render(r);
    int rc = atomic_write(path, text, err, errlen);
    free(text);
    return rc;
}
