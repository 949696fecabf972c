#include "checker/summary.h"
#include "checker/summary_table.h"

#include <string.h>

#include "common/exit_codes.h"
#include "loadgen/hist.h"

static void print_counts(FILE *out, const struct report_run *run)
{
    size_t counts[PROBE_ERROR + 1] = {0};
    for (size_t i = 0; i < run->check_count; i++)
        counts[run->checks[i].result->status]++;
    fprintf(out, "%zu checks: %zu pass, %zu warn, %zu fail, %zu skip, %zu error\n",
            run->check_count, counts[PROBE_PASS], counts[PROBE_WARN], counts[PROBE_FAIL],
            counts[PROBE_SKIP], counts[PROBE_ERROR]);
}

/* Every failed and warned check, id and reason; the gate's own are marked. */
static void print_findings(FILE *out, const struct report_run *run)
{
    int any = 0;
    for (size_t i = 0; i < run->check_count; i++) {
        const struct report_check *c = &run->checks[i];
        enum probe_status st = c->result->status;
        if (st != PROBE_FAIL && st != PROBE_WARN)
            continue;
        if (!any++)
            fprintf(out, "Failed and warned checks:\n");
        char phase[64];
        fprintf(out, "  %s %s%s (%s)%s: ", st == PROBE_FAIL ? "FAIL" : "WARN", c->probe->id,
                summary_phase(c, run->load, phase, sizeof phase), severity_name(c->severity),
                c->gated                               ? " [gate]"
                : c->accepted && !c->accepted->expired ? " [accepted]"
                                                       : "");
        summary_one_line(out, c->result->reason);
        fputc('\n', out);
    }
}

static void print_thresholds(FILE *out, const struct report_run *run)
{
    if (!run->threshold_count)
        return;
    int width = 0;
    for (size_t i = 0; i < run->threshold_count; i++) {
        int n = (int)strlen(run->thresholds[i].expr);
        width = n > width ? n : width;
    }
    fprintf(out, "Thresholds:\n");
    for (size_t i = 0; i < run->threshold_count; i++) {
        const struct report_threshold *t = &run->thresholds[i];
        /* No data fails, as the gate counts it; the line says "no data". */
        fprintf(out, "  %s %-*s  ", t->result.verdict == TH_PASS ? "pass" : "FAIL", width, t->expr);
        summary_one_line(out, t->result.line);
        fputc('\n', out);
    }
}

/* The software recognised in front of the store, edge inward; the findings' fixes are for it. */
static void print_stack(FILE *out, const struct stack_report *st)
{
    if (!st || !st->ran || !st->count)
        return;
    fprintf(out, "Stack:");
    for (size_t i = 0; i < st->count; i++)
        fprintf(out, "%s %s (%s)", i ? " ->" : "", stack_name(st->components[i].id),
                stack_role(st->components[i].id));
    fprintf(out, "; the reports give each finding's fix for it\n");
}

static const char *grade_of(const struct report_score *s)
{
    return s->grade ? s->grade : "n/a";
}

static void print_grades(FILE *out, const struct report_run *run)
{
    fprintf(out, "Grades:");
    for (int g = 0; g < GROUP_COUNT; g++)
        fprintf(out, " %c %s", probe_group_letter((enum probe_group)g), grade_of(&run->groups[g]));
    fprintf(out, ", overall %s", grade_of(&run->overall));
    if (run->overall.cap)
        fprintf(out, " (%s)", run->overall.cap);
    fputc('\n', out);
}

static void print_load(FILE *out, const struct load_result *r)
{
    char spoke[32];
    lg_protocols_text(&r->totals, spoke, sizeof spoke);
    fprintf(out,
            "Load%s%s (HTTP %s asked): %llu requests, %.1f/s, p99 %.1f ms, %llu errors, %llu "
            "HTTP >= 400%s\n",
            spoke[0] ? " over " : "", spoke, lg_http_names[r->http],
            (unsigned long long)r->totals.requests, r->achieved_rate,
            (double)hist_percentile(r->latency, 99) / 1000,
            (unsigned long long)load_result_errors(r),
            (unsigned long long)load_result_http_errors(r), r->interrupted ? " (interrupted)" : "");
}

void summary_print(const struct cli *cli, FILE *out, const struct report_run *run,
                   int list_findings)
{
    if (!cli->quiet && list_findings && summary_table_wanted(cli, out)) {
        struct summary_table t = {run->checks,          run->check_count, run->thresholds,
                                  run->threshold_count, run->load,        run->secrets};
        print_stack(out, run->stack);
        summary_table_print(cli, out, &t);
        print_grades(out, run);
    } else if (!cli->quiet) {
        print_counts(out, run);
        print_stack(out, run->stack);
        if (list_findings)
            print_findings(out, run);
        print_thresholds(out, run);
        print_grades(out, run);
        if (run->load)
            print_load(out, run->load);
    }
    const char *color = run->exit_code == EXIT_PASSED ? cli_green(cli) : cli_red(cli);
    fprintf(out, "%sverdict: %s%s (exit %d)\n", color, run->verdict, cli_reset(cli),
            run->exit_code);
    for (size_t i = 0; i < run->reason_count; i++)
        fprintf(out, "  - %s\n", run->reasons[i]);
}
