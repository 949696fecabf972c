/* A saved capacity result (docs/capacity-json.md) read back into the struct capacity_report
 * its HTML is drawn from, so `storecheck report` renders the page `capacity --html` wrote
 * (and the live outputs' counts).
 * Strict: every field the writer writes is present and of its type, the verdicts and ends are
 * the writer's own words (the page prints them), members it does not know are ignored. */
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "loadgen/segment.h"
#include "reports/capacity_report.h"
#include "reports/json_fields.h"
#include "reports/outputs_json.h"
#include "reports/report_doc.h"

enum { MAX_STEPS = 4096, MAX_BROKEN = 256 };

/* name as the static string of the same text in words, or NULL with a failure. */
static const char *one_of(struct json_fields *rd, const char *name, const char *const *words,
                          const char *what)
{
    for (; name && *words; words++)
        if (strcmp(name, *words) == 0)
            return *words;
    if (name)
        jf_fail(rd, "%s is not one of the words this version writes", what);
    return NULL;
}

/* A rate above 0, or null (0). */
static double rate_or_null(struct json_fields *rd, const cJSON *o, const char *k,
                           const char *where)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (!v || cJSON_IsNull(v))
        return 0;
    double d = jf_num(rd, o, k, where);
    if (!(d > 0))
        jf_fail(rd, "%s.%s is neither a rate above 0 nor null", where, k);
    return d;
}

static void read_rules(struct json_fields *rd, const cJSON *o, struct capacity_report *r)
{
    static const char *const units[] = {"fraction", "per_second", NULL};
    const char *w = "rules";
    r->start = jf_num(rd, o, "start", w);
    r->step_factor = rate_or_null(rd, o, "step_factor", w);
    r->step_increment = rate_or_null(rd, o, "step_increment", w);
    r->warmup_us = jf_u64(rd, o, "warmup_us", w);
    r->window_us = jf_u64(rd, o, "step_duration_us", w);
    r->precision = jf_num(rd, o, "precision", w);
    const char *unit = one_of(rd, jf_str(rd, o, "precision_unit", w, 0), units,
                              "rules.precision_unit");
    r->precision_relative = unit == units[0];
    r->max_rate = jf_num(rd, o, "max_rate", w);
    r->target_rate = rate_or_null(rd, o, "target", w);
    r->abort_error_rate = jf_num(rd, o, "abort_error_rate", w);
    uint64_t max_steps = jf_u64(rd, o, "max_steps", w);
    if (max_steps > MAX_STEPS)
        jf_fail(rd, "rules.max_steps is above %d", MAX_STEPS);
    r->max_steps = (uint32_t)max_steps;
}

static void read_verdict(struct json_fields *rd, const cJSON *o, struct capacity_report *r)
{
    static const char *const ends[] = {"searching",     "found",        "at_max_rate", "aborted",
                                       "nothing_holds", "out_of_steps", NULL};
    const char *w = "verdict";
    r->end = one_of(rd, jf_str(rd, o, "end", w, 0), ends, "verdict.end");
    r->holds = rate_or_null(rd, o, "holds", w);
    r->breaks = rate_or_null(rd, o, "knee", w);
    const cJSON *fb = jf_field(rd, o, "first_broken", w);
    if (!fb || cJSON_IsNull(fb))
        return;
    w = "verdict.first_broken";
    r->first_broken = jf_str(rd, fb, "expr", w, 0);
    r->first_broken_line = jf_str(rd, fb, "line", w, 0);
    r->first_broken_rate = jf_num(rd, fb, "rate", w);
}

static void read_broken(struct json_fields *rd, const cJSON *o, struct capacity_report_step *s)
{
    const cJSON *a = jf_array(rd, o, "broken", "steps[]"), *b;
    int n = cJSON_GetArraySize(a);
    if (n > MAX_BROKEN) {
        jf_fail(rd, "steps[].broken holds more than %d thresholds", MAX_BROKEN);
        return;
    }
    s->broken = xcalloc((size_t)n + 1, sizeof *s->broken);
    s->broken_exprs = xcalloc((size_t)n + 1, sizeof *s->broken_exprs);
    cJSON_ArrayForEach(b, a)
    {
        const char *expr = jf_str(rd, b, "expr", "steps[].broken[]", 0);
        const char *line = jf_str(rd, b, "line", "steps[].broken[]", 0);
        if (rd->failed)
            return;
        s->broken_exprs[s->broken_count] = xstrdup(expr);
        s->broken[s->broken_count++] = xstrdup(line);
    }
}

static void read_step(struct json_fields *rd, const cJSON *o, struct capacity_report_step *s)
{
    static const char *const verdicts[] = {"holds", "breaks", "aborts", "interrupted", NULL};
    const char *w = "steps[]";
    s->offered_rate = jf_num(rd, o, "offered_rate", w);
    s->achieved_rate = jf_num(rd, o, "achieved_rate", w);
    s->responses_rate = jf_num(rd, o, "responses_rate", w);
    s->verdict = one_of(rd, jf_str(rd, o, "verdict", w, 0), verdicts, "steps[].verdict");
    s->interrupted = s->verdict == verdicts[3];
    s->warmup_us = jf_u64(rd, o, "warmup_us", w);
    s->window_us = jf_u64(rd, o, "window_us", w);
    s->requests = jf_u64(rd, o, "requests", w);
    s->responses = jf_u64(rd, o, "responses", w);
    s->errors = jf_u64(rd, o, "errors", w);
    s->error_rate = jf_num(rd, o, "error_rate", w);
    s->dropped = jf_u64(rd, o, "dropped_iterations", w);
    const cJSON *lat = jf_object(rd, o, "latency_us", w);
    s->p50 = jf_u64(rd, lat, "p50", "steps[].latency_us");
    s->p90 = jf_u64(rd, lat, "p90", "steps[].latency_us");
    s->p95 = jf_u64(rd, lat, "p95", "steps[].latency_us");
    s->p99 = jf_u64(rd, lat, "p99", "steps[].latency_us");
    read_broken(rd, o, s);
    const char *reason = jf_str(rd, o, "abort_reason", w, 1);
    if (reason && strlen(reason) >= sizeof s->abort_reason)
        jf_fail(rd, "steps[].abort_reason is longer than %zu bytes",
                sizeof s->abort_reason - 1);
    else if (reason)
        memcpy(s->abort_reason, reason, strlen(reason) + 1);
}

/* "split": a search split over segments; null, or absent in results written before it. */
static void read_split(struct json_fields *rd, const cJSON *doc, struct capacity_report *r)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(doc, "split");
    if (!o || cJSON_IsNull(o))
        return;
    o = jf_object(rd, doc, "split", "result");
    r->run_id = jf_str(rd, o, "run_id", "split", 0);
    uint64_t n = jf_u64(rd, o, "segments", "split");
    if (!rd->failed && (n < 1 || n > SEGMENT_MAX))
        jf_fail(rd, "split.segments is not from 1 to %d", SEGMENT_MAX);
    r->segments = (uint32_t)n;
}

static void read_all(struct json_fields *rd, const cJSON *doc, struct capacity_report *r)
{
    const char *w = "result";
    r->target = jf_str(rd, doc, "target", w, 1);
    r->profile = jf_str(rd, doc, "profile", w, 1);
    r->interrupted = jf_flag(rd, doc, "interrupted", w);
    r->passed = jf_flag(rd, doc, "passed", w);
    read_split(rd, doc, r);
    read_rules(rd, jf_object(rd, doc, "rules", w), r);
    read_verdict(rd, jf_object(rd, doc, "verdict", w), r);
    const cJSON *steps = jf_array(rd, doc, "steps", w), *o;
    int n = cJSON_GetArraySize(steps);
    if (n > MAX_STEPS) {
        jf_fail(rd, "more than %d steps", MAX_STEPS);
        return;
    }
    r->steps = xcalloc((size_t)n + 1, sizeof *r->steps);
    cJSON_ArrayForEach(o, steps)
    {
        if (rd->failed)
            return;
        read_step(rd, o, &r->steps[r->step_count++]);
    }
    struct out_stats *outputs;
    outputs_json_read(rd, doc, &outputs, NULL, &r->output_count);
    r->outputs = outputs;
}

int capacity_report_read(const cJSON *doc, struct capacity_report *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (rd_check_kind(doc, "storecheck.capacity", "capacity result", CAPACITY_JSON_SCHEMA_VERSION,
                      err, errlen))
        return -1;
    struct json_fields rd = {err, errlen, 0};
    read_all(&rd, doc, r);
    if (!rd.failed)
        return 0;
    capacity_report_read_free(r);
    return -1;
}

void capacity_report_read_free(struct capacity_report *r)
{
    for (size_t i = 0; i < r->step_count; i++)
        capacity_report_step_free(&r->steps[i]);
    free(r->steps);
    free((struct out_stats *)r->outputs);
    memset(r, 0, sizeof *r);
}
