/* storecheck merge SEG.json...: the segments of a split load run added up into one result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/commands.h"
#include "checker/console.h"
#include "checker/load_gate.h"
#include "checker/scenario_table.h"
#include "checker/segment_merge.h"
#include "common/exit_codes.h"
#include "common/oom.h"
#include "reports/load_json.h"

static const char help[] =
    "Usage: storecheck merge SEG.json... [--json OUT] [-q]\n"
    "\n"
    "Add up the results of the segments of one split load run (storecheck load --segment i/n\n"
    "--run-id ID --json SEG.json on each machine, or the JSON reports of storecheck run\n"
    "--segment i/n, whose load results are taken) into the load result one process would have\n"
    "written: counters, every histogram (exactly: the percentiles are those of the whole\n"
    "run), the per-second series aligned by the second since the earliest start, scenarios\n"
    "and steps, errors by class. The thresholds the segments were judged by are judged again\n"
    "on the merged numbers. The live outputs are not added up: each segment streamed its\n"
    "own series, so the result lists every segment's outputs, each with its segment.\n"
    "\n"
    "Refused: a file that is not a load result, results of different runs (run id) or of a\n"
    "different config or profile (config hash), a segment given twice, a missing segment,\n"
    "a result that is already merged.\n"
    "\n"
    "Options:\n"
    "      --json FILE   write the merged result (docs/load-json.md); - is stdout, and the\n"
    "                    summary then goes to stderr\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit codes:\n"
    "  0  merged, and no threshold is broken\n"
    "  1  a threshold is broken on the merged numbers\n"
    "  2  usage error, a file that cannot be read or merged\n"
    "  3  a segment was interrupted, no request got an answer, or the result cannot be "
    "written\n";

static int read_segment(struct segment_result *s)
{
    char err[512];
    int rc = segment_result_read(s, err, sizeof err);
    if (rc)
        fprintf(stderr, "storecheck merge: %s: %s\n", s->path, err);
    return rc;
}

/* The files are n segments of one run, each once, added up into the first. */
static int merge_all(struct segment_result *s, size_t n)
{
    char err[1024];
    if (segment_results_check(s, n, err, sizeof err) ||
        segment_results_merge(s, n, err, sizeof err)) {
        fprintf(stderr, "storecheck merge: %s\n", err);
        return -1;
    }
    return 0;
}

/* Judge the thresholds the segments carry again on the merged numbers; how many broke, or -1
 * when one no longer parses. */
static long judge_again(struct load_result *m)
{
    size_t n = m->threshold_count;
    struct threshold *th = xcalloc(n + 1, sizeof *th);
    for (size_t i = 0; i < n; i++)
        th[i] = (struct threshold){.expr = m->thresholds[i].expr,
                                   .abort_on_fail = m->thresholds[i].abort_on_fail};
    struct load l = {.thresholds = th, .threshold_count = n};
    struct load_gate gate = {0};
    char err[512];
    long broken = -1;
    if (load_gate_init(&gate, &l, err, sizeof err) == 0) {
        struct lg_threshold_outcome *old = m->thresholds;
        m->thresholds = NULL;
        m->threshold_count = 0;
        broken = (long)load_gate_judge(&gate, m);
        for (size_t i = 0; i < n; i++) {
            free(old[i].expr);
            free(old[i].line);
        }
        free(old);
    } else {
        fprintf(stderr, "storecheck merge: %s\n", err);
    }
    load_gate_free(&gate);
    free(th);
    return broken;
}

static void summary(const struct cli *cli, FILE *out, const struct load_result *m)
{
    const struct lg_counters *c = &m->totals;
    fprintf(out, "%sMerged %u segments%s of run %s (config %s)\n", cli_bold(cli), m->segment.count,
            cli_reset(cli), m->run_id, m->config_hash);
    fprintf(out, "  Requests: %llu  Responses: %llu  Errors: %llu  Late: %llu  Dropped: %llu\n",
            (unsigned long long)c->requests, (unsigned long long)c->responses,
            (unsigned long long)load_result_errors(m), (unsigned long long)c->late,
            (unsigned long long)c->dropped);
    fprintf(out, "  Latency (corrected): p50 %lluus  p99 %lluus  max %lluus\n",
            (unsigned long long)hist_percentile(m->latency, 50),
            (unsigned long long)hist_percentile(m->latency, 99),
            (unsigned long long)m->latency->max);
    scenario_table_print(cli, out, m, NULL);
    load_gate_print(cli, out, m);
}

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *json = NULL;
    struct segment_result *s = xcalloc((size_t)argc, sizeof *s);
    size_t n = 0;
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            if (i + 1 >= argc) {
                rc = cli_usage_error(&cmd_merge, "--json needs a value");
                goto out;
            }
            json = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error(&cmd_merge, "unknown option '%s'", argv[i]);
            goto out;
        } else {
            s[n++].path = argv[i];
        }
    }
    if (n == 0) {
        rc = cli_usage_error(&cmd_merge, "no result to merge: give the segments' JSON files");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (read_segment(&s[i]))
            goto out;
    if (merge_all(s, n))
        goto out;
    struct load_result *m = &s[0].r;
    long broken = judge_again(m);
    if (broken < 0)
        goto out;
    if (!cli->quiet)
        summary(cli, console_stream(&json, 1), m);
    if (json) {
        const struct load_json_source *src = &s[0].src;
        struct out_stats *outputs;
        uint32_t *segments;
        struct load_json_meta meta = {.urls = src->urls,
                                      .url_count = src->url_count,
                                      .method = src->method,
                                      .headers = (const char *const *)src->headers,
                                      .header_count = src->header_count,
                                      .profile = src->profile};
        meta.output_count = segment_results_outputs(s, n, &outputs, &segments);
        meta.outputs = outputs;
        meta.output_segments = segments;
        char err[512];
        int bad = load_json_write(json, m, &meta, err, sizeof err);
        free(outputs);
        free(segments);
        if (bad) {
            fprintf(stderr, "storecheck merge: %s\n", err);
            rc = EXIT_RUN_ERROR;
            goto out;
        }
    }
    if (m->interrupted)
        fprintf(stderr, "storecheck merge: a segment was interrupted: the result is not the "
                        "whole run\n");
    rc = load_gate_exit_code(m, (size_t)broken, "merge");
out:
    for (size_t i = 0; i < n; i++)
        segment_result_free(&s[i]);
    free(s);
    return rc;
}

const struct command cmd_merge = {
    .name = "merge",
    .summary = "add up the JSON results of the segments of a split load run",
    .help = help,
    .run = run,
};
