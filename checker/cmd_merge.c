/* storecheck merge SEG.json...: the segments of a split load run added up into one result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/commands.h"
#include "checker/load_gate.h"
#include "checker/scenario_table.h"
#include "common/exit_codes.h"
#include "common/oom.h"
#include "loadgen/result_merge.h"
#include "reports/load_json.h"
#include "reports/load_json_read.h"

static const char help[] =
    "Usage: storecheck merge SEG.json... [--json OUT] [-q]\n"
    "\n"
    "Add up the results of the segments of one split load run (storecheck load --segment i/n\n"
    "--run-id ID --json SEG.json on each machine, or the JSON reports of storecheck run\n"
    "--segment i/n, whose load results are taken) into the load result one process would have\n"
    "written: counters, every histogram (exactly: the percentiles are those of the whole\n"
    "run), the per-second series aligned by the second since the earliest start, scenarios\n"
    "and steps, errors by class. The thresholds the segments were judged by are judged again\n"
    "on the merged numbers.\n"
    "\n"
    "Refused: a file that is not a load result, results of different runs (run id) or of a\n"
    "different config or profile (config hash), a segment given twice, a missing segment,\n"
    "a result that is already merged.\n"
    "\n"
    "Options:\n"
    "      --json FILE   write the merged result (docs/load-json.md)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit codes:\n"
    "  0  merged, and no threshold is broken\n"
    "  1  a threshold is broken on the merged numbers\n"
    "  2  usage error, a file that cannot be read or merged\n"
    "  3  a segment was interrupted, no request got an answer, or the result cannot be "
    "written\n";

enum { MAX_FILE = 256 << 20 };

struct segment_file {
    const char *path;
    cJSON *doc;
    struct load_result r;
    struct load_json_source src;
};

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read it: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > MAX_FILE) {
            snprintf(err, errlen, "larger than 256 MiB");
            fclose(f);
            free(buf);
            return NULL;
        }
        if (n == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read it");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int read_segment(struct segment_file *s)
{
    char err[512];
    size_t len = 0;
    char *text = slurp(s->path, &len, err, sizeof err);
    int rc = text ? load_json_read(text, len, &s->doc, &s->r, &s->src, err, sizeof err) : -1;
    free(text);
    if (rc)
        fprintf(stderr, "storecheck merge: %s: %s\n", s->path, err);
    return rc;
}

/* The files are n segments of one run, each once. Sorts them by segment. */
static int check_segments(struct segment_file *s, size_t n)
{
    const struct load_result *a = &s[0].r;
    for (size_t i = 0; i < n; i++) {
        const struct load_result *r = &s[i].r;
        if (r->segments_merged) {
            fprintf(stderr, "storecheck merge: %s is already a merged result\n", s[i].path);
            return -1;
        }
        if (strcmp(r->run_id, a->run_id) != 0) {
            fprintf(stderr,
                    "storecheck merge: %s is of run '%s', %s of run '%s': give the segments "
                    "of one run (storecheck load --run-id)\n",
                    s[i].path, r->run_id, s[0].path, a->run_id);
            return -1;
        }
        if (strcmp(r->config_hash, a->config_hash) != 0) {
            fprintf(stderr,
                    "storecheck merge: %s and %s ran different schedules (config hash %s and "
                    "%s): the config, profile or options that shape the run differ\n",
                    s[0].path, s[i].path, a->config_hash, r->config_hash);
            return -1;
        }
        if (r->segment.count != a->segment.count) {
            fprintf(stderr, "storecheck merge: %s is a segment of %u, %s of %u\n", s[i].path,
                    r->segment.count, s[0].path, a->segment.count);
            return -1;
        }
    }
    uint32_t count = a->segment.count;
    struct segment_file **by = xcalloc(count, sizeof *by);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        uint32_t k = s[i].r.segment.index;
        if (by[k]) {
            fprintf(stderr, "storecheck merge: %s and %s are both segment %u/%u\n", by[k]->path,
                    s[i].path, k, count);
            rc = -1;
        }
        by[k] = &s[i];
    }
    size_t missing = 0;
    for (uint32_t k = 0; k < count && !rc; k++)
        missing += !by[k];
    if (!rc && missing) {
        fprintf(stderr, "storecheck merge: %zu of %u segments of run '%s' missing:", missing, count,
                a->run_id);
        for (uint32_t k = 0, shown = 0; k < count && shown < 10; k++)
            if (!by[k]) {
                fprintf(stderr, " %u/%u", k, count);
                shown++;
            }
        fprintf(stderr, "%s\n", missing > 10 ? " ..." : "");
        rc = -1;
    }
    if (!rc) {
        struct segment_file *sorted = xcalloc(n, sizeof *sorted);
        for (uint32_t k = 0; k < count; k++)
            sorted[k] = *by[k];
        memcpy(s, sorted, n * sizeof *s);
        free(sorted);
    }
    free(by);
    return rc;
}

/* Add every segment into the first, aligned by the second since the earliest start. */
static int merge_all(struct segment_file *s, size_t n)
{
    int64_t start = s[0].r.started_unix_ms;
    for (size_t i = 1; i < n; i++)
        if (s[i].r.started_unix_ms < start)
            start = s[i].r.started_unix_ms;
    struct load_result *m = &s[0].r;
    int64_t off0 = m->started_unix_ms - start;
    load_result_shift_seconds(m, (uint32_t)((off0 + 500) / 1000));
    m->elapsed_us += (uint64_t)off0 * 1000;
    m->started_unix_ms = start;
    for (size_t i = 1; i < n; i++) {
        int64_t off = s[i].r.started_unix_ms - start;
        char err[256];
        if (load_result_add(m, &s[i].r, (uint32_t)((off + 500) / 1000), off, err, sizeof err)) {
            fprintf(stderr, "storecheck merge: %s and %s cannot be added up: %s\n", s[0].path,
                    s[i].path, err);
            return -1;
        }
    }
    m->segment = (struct segment){0, (uint32_t)n};
    m->segments_merged = (uint32_t)n;
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

static void summary(const struct cli *cli, const struct load_result *m)
{
    const struct lg_counters *c = &m->totals;
    printf("%sMerged %u segments%s of run %s (config %s)\n", cli_bold(cli), m->segment.count,
           cli_reset(cli), m->run_id, m->config_hash);
    printf("  Requests: %llu  Responses: %llu  Errors: %llu  Late: %llu  Dropped: %llu\n",
           (unsigned long long)c->requests, (unsigned long long)c->responses,
           (unsigned long long)load_result_errors(m), (unsigned long long)c->late,
           (unsigned long long)c->dropped);
    printf("  Latency (corrected): p50 %lluus  p99 %lluus  max %lluus\n",
           (unsigned long long)hist_percentile(m->latency, 50),
           (unsigned long long)hist_percentile(m->latency, 99),
           (unsigned long long)m->latency->max);
    scenario_table_print(cli, m, NULL);
    load_gate_print(cli, m);
}

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *json = NULL;
    struct segment_file *s = xcalloc((size_t)argc, sizeof *s);
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
    if (check_segments(s, n) || merge_all(s, n))
        goto out;
    struct load_result *m = &s[0].r;
    long broken = judge_again(m);
    if (broken < 0)
        goto out;
    if (!cli->quiet)
        summary(cli, m);
    if (json) {
        const struct load_json_source *src = &s[0].src;
        struct load_json_meta meta = {.urls = src->urls,
                                      .url_count = src->url_count,
                                      .method = src->method,
                                      .headers = (const char *const *)src->headers,
                                      .header_count = src->header_count,
                                      .profile = src->profile};
        char err[512];
        if (load_json_write(json, m, &meta, err, sizeof err)) {
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
    for (size_t i = 0; i < n; i++) {
        load_result_free(&s[i].r);
        load_json_source_free(&s[i].src);
        cJSON_Delete(s[i].doc);
    }
    free(s);
    return rc;
}

const struct command cmd_merge = {
    .name = "merge",
    .summary = "add up the JSON results of the segments of a split load run",
    .help = help,
    .run = run,
};
