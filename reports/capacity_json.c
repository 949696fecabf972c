/* The capacity result as JSON: docs/capacity-json.md, reports/capacity-result.schema.json. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/oom.h"
#include "reports/atomic_write.h"
#include "reports/capacity_report.h"
#include "reports/load_json_parts.h"
#include "version.h"

/* cJSON prints a number with 15 significant digits when that reads back within an epsilon:
 * these write counts and rates as text that reads back exactly, so `storecheck report` draws
 * the page the search drew. */
static void add_count(cJSON *o, const char *k, uint64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)v);
    cJSON_AddRawToObject(o, k, text);
}

static void add_number(cJSON *o, const char *k, double v)
{
    if (!isfinite(v)) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    char text[32];
    snprintf(text, sizeof text, "%.15g", v);
    if (strtod(text, NULL) != v)
        snprintf(text, sizeof text, "%.17g", v);
    cJSON_AddRawToObject(o, k, text);
}

static void add_rate_or_null(cJSON *o, const char *k, double v)
{
    if (v > 0)
        add_number(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *rules_json(const struct capacity_report *r)
{
    cJSON *o = cJSON_CreateObject();
    add_number(o, "start", r->start);
    add_rate_or_null(o, "step_factor", r->step_factor);
    add_rate_or_null(o, "step_increment", r->step_increment);
    add_count(o, "warmup_us", r->warmup_us);
    add_count(o, "step_duration_us", r->window_us);
    add_number(o, "precision", r->precision);
    cJSON_AddStringToObject(o, "precision_unit", r->precision_relative ? "fraction" : "per_second");
    add_number(o, "max_rate", r->max_rate);
    add_rate_or_null(o, "target", r->target_rate);
    add_number(o, "abort_error_rate", r->abort_error_rate);
    add_number(o, "max_steps", r->max_steps);
    return o;
}

static cJSON *step_json(const struct capacity_report_step *s, const struct strv *secrets)
{
    cJSON *o = cJSON_CreateObject();
    add_number(o, "offered_rate", s->offered_rate);
    add_number(o, "achieved_rate", s->achieved_rate);
    add_number(o, "responses_rate", s->responses_rate);
    cJSON_AddStringToObject(o, "verdict", s->verdict);
    add_count(o, "warmup_us", s->warmup_us);
    add_count(o, "window_us", s->window_us);
    add_count(o, "requests", s->requests);
    add_count(o, "responses", s->responses);
    add_count(o, "errors", s->errors);
    add_number(o, "error_rate", s->error_rate);
    add_count(o, "dropped_iterations", s->dropped);
    cJSON *lat = cJSON_AddObjectToObject(o, "latency_us");
    add_count(lat, "p50", s->p50);
    add_count(lat, "p90", s->p90);
    add_count(lat, "p95", s->p95);
    add_count(lat, "p99", s->p99);
    cJSON *broken = cJSON_AddArrayToObject(o, "broken");
    for (size_t i = 0; i < s->broken_count; i++) {
        cJSON *b = cJSON_CreateObject();
        load_json_add_redacted(b, "expr", s->broken_exprs[i], secrets);
        load_json_add_redacted(b, "line", s->broken[i], secrets);
        cJSON_AddItemToArray(broken, b);
    }
    load_json_add_redacted(o, "abort_reason", s->abort_reason[0] ? s->abort_reason : NULL, secrets);
    return o;
}

char *capacity_json_render(const struct capacity_report *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", CAPACITY_JSON_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "kind", "storecheck.capacity");
    cJSON_AddStringToObject(root, "tool_version", STORECHECK_VERSION);
    load_json_add_redacted(root, "target", r->target, r->secrets);
    load_json_add_redacted(root, "profile", r->profile, r->secrets);
    cJSON_AddBoolToObject(root, "interrupted", r->interrupted);
    cJSON_AddBoolToObject(root, "passed", r->passed);
    if (r->run_id) {
        cJSON *split = cJSON_AddObjectToObject(root, "split");
        cJSON_AddStringToObject(split, "run_id", r->run_id);
        cJSON_AddNumberToObject(split, "segments", r->segments);
    } else {
        cJSON_AddNullToObject(root, "split");
    }
    cJSON_AddItemToObject(root, "rules", rules_json(r));
    cJSON *v = cJSON_AddObjectToObject(root, "verdict");
    cJSON_AddStringToObject(v, "end", r->end);
    add_rate_or_null(v, "holds", r->holds);
    add_rate_or_null(v, "knee", r->breaks);
    if (r->first_broken) {
        cJSON *fb = cJSON_AddObjectToObject(v, "first_broken");
        load_json_add_redacted(fb, "expr", r->first_broken, r->secrets);
        load_json_add_redacted(fb, "line", r->first_broken_line, r->secrets);
        add_number(fb, "rate", r->first_broken_rate);
    } else {
        cJSON_AddNullToObject(v, "first_broken");
    }
    cJSON *steps = cJSON_AddArrayToObject(root, "steps");
    for (size_t i = 0; i < r->step_count; i++)
        cJSON_AddItemToArray(steps, step_json(&r->steps[i], r->secrets));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        oom_abort(0);
    return text;
}

int capacity_json_write(const char *path, const struct capacity_report *r, char *err,
                        size_t errlen)
{
    char *text = capacity_json_render(r);
    int rc = atomic_write(path, text, err, errlen);
    free(text);
    return rc;
}
