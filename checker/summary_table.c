#include "checker/summary_table.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/redact.h"
#include "common/units.h"
#include "loadgen/hist.h"

#define PASS_MARK "\xe2\x9c\x93" /* ✓ */
#define FAIL_MARK "\xe2\x9c\x97" /* ✗ */

enum { LABEL_COLS = 34 };

int summary_table_wanted(const struct cli *cli, FILE *out)
{
    return !cli->quiet && isatty(fileno(out));
}

const char *summary_phase(const struct report_check *c, const struct load_result *load, char *buf,
                          size_t len)
{
    char spoke[32] = "";
    buf[0] = '\0';
    if (c->phase != PHASE_UNDER_LOAD)
        return buf;
    if (load)
        lg_protocols_text(&load->totals, spoke, sizeof spoke);
    snprintf(buf, len, " under load%s%s", spoke[0] ? " over " : "", spoke);
    return buf;
}

void summary_one_line(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
}

/* "  name.........: " with the dots up to the value column. */
static void label(FILE *out, const char *name)
{
    int n = fprintf(out, "  %s", name);
    for (; n < LABEL_COLS; n++)
        fputc('.', out);
    fputs(": ", out);
}

static void mark(const struct cli *cli, FILE *out, int passed)
{
    fprintf(out, "%s%s%s ", passed ? cli_green(cli) : cli_red(cli), passed ? PASS_MARK : FAIL_MARK,
            cli_reset(cli));
}

/* The probes: the rate of those that passed among those that decided pass or fail, then
 * every one that did not pass. */
static void print_probes(const struct cli *cli, FILE *out, const struct summary_table *t)
{
    size_t n[PROBE_ERROR + 1] = {0};
    for (size_t i = 0; i < t->check_count; i++)
        n[t->checks[i].result->status]++;
    size_t failed = n[PROBE_FAIL] + n[PROBE_ERROR];
    label(out, "checks");
    fprintf(out, "%.2f%%  %s %zu  %s %zu  (%zu warn, %zu skip)\n",
            n[PROBE_PASS] + failed
                ? 100.0 * (double)n[PROBE_PASS] / (double)(n[PROBE_PASS] + failed)
                : 100.0,
            PASS_MARK, n[PROBE_PASS], FAIL_MARK, failed, n[PROBE_WARN], n[PROBE_SKIP]);
    for (size_t i = 0; i < t->check_count; i++) {
        const struct report_check *c = &t->checks[i];
        enum probe_status st = c->result->status;
        if (st != PROBE_FAIL && st != PROBE_ERROR && st != PROBE_WARN)
            continue;
        fputs("    ", out);
        if (st == PROBE_WARN)
            fprintf(out, "%s!%s ", cli_yellow(cli), cli_reset(cli));
        else
            mark(cli, out, 0);
        char phase[64];
        fprintf(out, "%s%s %s (%s)%s: ", c->probe->id,
                summary_phase(c, t->load, phase, sizeof phase), probe_status_name(st),
                severity_name(c->severity),
                c->gated                               ? " [gate]"
                : c->accepted && !c->accepted->expired ? " [accepted]"
                                                       : "");
        summary_one_line(out, c->result->reason);
        fputc('\n', out);
    }
}

/* The scenario steps' checks: ✓ when every answer held it, ✗ with how many did not. */
static void print_step_checks(const struct cli *cli, FILE *out, const struct summary_table *t)
{
    const struct load_result *r = t->load;
    size_t count = 0;
    for (size_t i = 0; i < r->step_count; i++)
        count += r->steps[i].check_count;
    if (!count)
        return;
    label(out, "checks");
    fprintf(out, "%zu on the steps' answers\n", count);
    for (size_t i = 0; i < r->step_count; i++) {
        const struct lg_step_stats *st = &r->steps[i];
        for (size_t k = 0; k < st->check_count; k++) {
            fputs("    ", out);
            mark(cli, out, !st->check_failed[k]);
            char *expr = redact_copy(t->secrets, st->checks[k]);
            fprintf(out, "%s/%s: ", st->scenario, st->name);
            summary_one_line(out, expr);
            free(expr);
            if (st->check_failed[k]) {
                char why[512];
                lg_check_reason(st, k, why, sizeof why);
                char *clean = redact_copy(t->secrets, why);
                fprintf(out, " - %llu failed, first: ", (unsigned long long)st->check_failed[k]);
                summary_one_line(out, clean);
                free(clean);
            }
            fputc('\n', out);
        }
    }
}

static void print_thresholds(const struct cli *cli, FILE *out, const struct summary_table *t)
{
    const struct load_result *r = t->load;
    size_t count = t->thresholds ? t->threshold_count : r ? r->threshold_count : 0;
    if (!count)
        return;
    fprintf(out, "  thresholds\n");
    for (size_t i = 0; i < count; i++) {
        const char *expr, *line;
        int passed;
        if (t->thresholds) {
            expr = t->thresholds[i].expr;
            line = t->thresholds[i].result.line;
            passed = t->thresholds[i].result.verdict == TH_PASS;
        } else {
            expr = r->thresholds[i].expr;
            line = r->thresholds[i].line;
            passed = r->thresholds[i].passed;
        }
        fputs("    ", out);
        mark(cli, out, passed);
        int n = fprintf(out, "%s", expr) + 6;
        for (; n < LABEL_COLS; n++)
            fputc('.', out);
        fputs(": ", out);
        summary_one_line(out, line);
        fputc('\n', out);
    }
}

/* "p50=1.2ms  p95=3.4ms  p99=5.6ms  max=7ms" */
static void percentiles(FILE *out, const struct hist *h)
{
    if (!h->total) {
        fprintf(out, "none measured\n");
        return;
    }
    static const double ps[] = {50, 95, 99};
    for (size_t i = 0; i < 3; i++) {
        char v[32];
        units_format_duration_us(hist_percentile(h, ps[i]), v, sizeof v);
        fprintf(out, "%sp%g=%s", i ? "  " : "", ps[i], v);
    }
    char mx[32];
    units_format_duration_us(h->max, mx, sizeof mx);
    fprintf(out, "  max=%s\n", mx);
}

static void print_load(FILE *out, const struct load_result *r)
{
    const struct lg_counters *c = &r->totals;
    uint64_t errors = load_result_errors(r), http = load_result_http_errors(r);
    double secs = r->elapsed_us ? (double)r->elapsed_us / 1e6 : 1;
    label(out, "http_reqs");
    fprintf(out, "%llu  %.1f/s\n", (unsigned long long)c->requests, (double)c->requests / secs);
    label(out, "http_req_failed");
    uint64_t bad = errors + http, all = c->responses + errors;
    fprintf(out, "%.2f%%  %s %llu  %s %llu  (%llu transport errors, %llu HTTP >= 400)\n",
            all ? 100.0 * (double)bad / (double)all : 0.0, PASS_MARK,
            (unsigned long long)(all - bad), FAIL_MARK, (unsigned long long)bad,
            (unsigned long long)errors, (unsigned long long)http);
    label(out, "http_req_duration");
    percentiles(out, r->latency);
    char spoke[32];
    label(out, "http_protocol");
    fprintf(out, "%s  (HTTP %s asked)\n",
            lg_protocols_text(&r->totals, spoke, sizeof spoke)[0] ? spoke : "none",
            lg_http_names[r->http]);
    if (!r->scenario_count)
        return;
    uint64_t started = 0, done = 0, failed = 0, dropped = 0;
    for (size_t i = 0; i < r->scenario_count; i++) {
        started += r->scenarios[i].started;
        done += r->scenarios[i].completed;
        failed += lg_fail_total(r->scenarios[i].failed);
        dropped += r->scenarios[i].dropped;
    }
    label(out, "iterations");
    fprintf(out, "%llu  %.1f/s  (%llu started, %llu failed, %llu dropped)\n",
            (unsigned long long)done, (double)done / secs, (unsigned long long)started,
            (unsigned long long)failed, (unsigned long long)dropped);
    for (size_t i = 0; i < r->scenario_count; i++) {
        char name[96];
        snprintf(name, sizeof name, "iteration_duration{%s}", r->scenarios[i].name);
        label(out, name);
        percentiles(out, r->scenarios[i].duration);
    }
}

void summary_table_print(const struct cli *cli, FILE *out, const struct summary_table *t)
{
    fprintf(out, "\n");
    if (t->checks)
        print_probes(cli, out, t);
    if (t->load)
        print_step_checks(cli, out, t);
    print_thresholds(cli, out, t);
    if (t->load)
        print_load(out, t->load);
    fprintf(out, "\n");
}
