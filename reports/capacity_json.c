/* The capacity result as JSON: docs/capacity-json.md, reports/capacity-result.schema.json. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "reports/atomic_write.h"
#include "reports/capacity_report.h"
#include "reports/json_exact.h"
#include "reports/load_json_parts.h"
#include "reports/outputs_json.h"
#include "version.h"

static void add_rate_or_null(cJSON *o, const char *k, double v)
{
    if (v > 0)
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *rules_json(const struct capacity_report *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "start", r->start);
    add_rate_or_null(o, "step_factor", r->step_factor);
    add_rate_or_null(o, "step_increment", r->step_increment);
    cJSON_AddNumberToObject(o, "warmup_us", (double)r->warmup_us);
    cJSON_AddNumberToObject(o, "step_duration_us", (double)r->window_us);
    cJSON_AddNumberToObject(o, "precision", r->precision);
    cJSON_AddStringToObject(o, "precision_unit", r->precision_relative ? "fraction" : "per_second");
    cJSON_AddNumberToObject(o, "max_rate", r->max_rate);
    add_rate_or_null(o, "target", r->target_rate);
    cJSON_AddNumberToObject(o, "abort_error_rate", r->abort_error_rate);
    cJSON_AddNumberToObject(o, "max_steps", r->max_steps);
    return o;
}

static cJSON *step_json(const struct capacity_report_step *s, const struct strv *secrets)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "offered_rate", s->offered_rate);
    cJSON_AddNumberToObject(o, "achieved_rate", s->achieved_rate);
    cJSON_AddNumberToObject(o, "responses_rate", s->responses_rate);
    cJSON_AddStringToObject(o, "verdict", s->verdict);
    cJSON_AddNumberToObject(o, "warmup_us", (double)s->warmup_us);
    cJSON_AddNumberToObject(o, "window_us", (double)s->window_us);
    cJSON_AddNumberToObject(o, "requests", (double)s->requests);
    cJSON_AddNumberToObject(o, "responses", (double)s->responses);
    cJSON_AddNumberToObject(o, "errors", (double)s->errors);
    cJSON_AddNumberToObject(o, "error_rate", s->error_rate);
    cJSON_AddNumberToObject(o, "dropped_iterations", (double)s->dropped);
    cJSON *lat = cJSON_AddObjectToObject(o, "latency_us");
    cJSON_AddNumberToObject(lat, "p50", (double)s->p50);
    cJSON_AddNumberToObject(lat, "p90", (double)s->p90);
    cJSON_AddNumberToObject(lat, "p95", (double)s->p95);
    cJSON_AddNumberToObject(lat, "p99", (double)s->p99);
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
        cJSON_AddNumberToObject(fb, "rate", r->first_broken_rate);
    } else {
        cJSON_AddNullToObject(v, "first_broken");
    }
    cJSON *steps = cJSON_AddArrayToObject(root, "steps");
    for (size_t i = 0; i < r->step_count; i++)
        cJSON_AddItemToArray(steps, step_json(&r->steps[i], r->secrets));
    if (r->output_count)
        cJSON_AddItemToObject(root, "outputs",
                              outputs_json(r->outputs, r->output_count, NULL, r->secrets));
    char *text = json_print_exact(root); /* so that `storecheck report` draws the same page */
    cJSON_Delete(root);
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
