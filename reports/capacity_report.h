/*
 * What `storecheck capacity` found, as the reports read it: the rules it searched by, every
 * step (offered and achieved rate, latency, errors, the thresholds it broke), the verdict and
 * what its live outputs did.
 * The JSON (docs/capacity-json.md, reports/capacity-result.schema.json), the console and the
 * HTML are drawn from it.
 */
#ifndef STORECHECK_REPORTS_CAPACITY_REPORT_H
#define STORECHECK_REPORTS_CAPACITY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/out_spec.h"
#include "common/strv.h"
#include "reports/reporter.h"

#define CAPACITY_JSON_SCHEMA_VERSION 1

struct capacity_report_step {
    double offered_rate;   /* the arrival rate asked: scenario iterations per second */
    double achieved_rate;  /* iterations completed without a failure per second in the judged
                              window: what the store got done */
    double responses_rate; /* responses per second in the judged window */
    uint64_t warmup_us, window_us;
    uint64_t requests, responses, errors, dropped; /* in the judged window */
    double error_rate;                             /* errors / requests */
    uint64_t p50, p90, p95, p99;                   /* corrected latency, microseconds */
    const char *verdict; /* "holds", "breaks", "aborts" or "interrupted" (static) */
    char **broken;       /* the broken thresholds' lines ("p95 = 912ms, allowed < 800ms") */
    char **broken_exprs; /* and their expressions as written */
    size_t broken_count;
    char abort_reason[160]; /* "" unless the abort rule stopped it */
    int interrupted;
};

struct capacity_report {
    const char *target;  /* the base URL (redacted when written) */
    const char *profile; /* the profile whose mix ran */
    const struct strv *secrets;
    /* The rules. */
    double start, step_factor, step_increment, precision, max_rate, target_rate;
    int precision_relative;
    double abort_error_rate;
    uint64_t warmup_us, window_us;
    uint32_t max_steps;
    /* The verdict. */
    const char *end;        /* capacity_end_name: "found", "at_max_rate", ... */
    double holds, breaks;   /* 0: none */
    const char *first_broken;      /* the expression that broke at the lowest rate; NULL */
    const char *first_broken_line;
    double first_broken_rate;
    int interrupted;
    int passed; /* holds >= target_rate (and, without a target, something holds) */
    const char *run_id; /* a search split over segments: its run id; NULL: one process */
    uint32_t segments;  /* and how many segments judged every step together */
    struct capacity_report_step *steps;
    size_t step_count;
    const struct out_stats *outputs; /* what the live outputs (--out, load.outputs) did */
    size_t output_count;
};

void capacity_report_step_free(struct capacity_report_step *s);

/* The JSON document; free() it. */
char *capacity_json_render(const struct capacity_report *r);
/* Write it to path atomically. 0, or -1 with err. */
int capacity_json_write(const char *path, const struct capacity_report *r, char *err,
                        size_t errlen);
/* The self-contained HTML page; free() it. */
char *capacity_html_render(const struct capacity_report *r);
int capacity_html_write(const char *path, const struct capacity_report *r, char *err,
                        size_t errlen);

/* Read a saved capacity result (kind storecheck.capacity, this schema version) into *r: every
 * field present and of its type, the verdicts and ends the writer uses. Its strings point into
 * doc, which must outlive r; free r with capacity_report_read_free. 0, or -1 with the field
 * that is wrong in err (nothing to free then). */
int capacity_report_read(const cJSON *doc, struct capacity_report *r, char *err, size_t errlen);
void capacity_report_read_free(struct capacity_report *r);

/* Is doc a capacity result this build reads? 0, or -1 with the reason in err. */
int capacity_report_check(const cJSON *doc, char *err, size_t errlen);
/* The formats of a capacity result (its HTML), NULL-terminated. */
extern const struct reporter reporter_capacity_html;
extern const struct reporter *const capacity_reporters[];

#endif
