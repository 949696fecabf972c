/* The scenario part of the load result JSON: per scenario, per step, thresholds. */
#include "reports/load_json_parts.h"

#include <stdlib.h>

#include "common/redact.h"

static cJSON *failures(const uint64_t failed[LG_FAIL_COUNT])
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < LG_FAIL_COUNT; i++)
        load_json_add_u64(o, lg_fail_names[i], failed[i]);
    return o;
}

/* Each check of a step: its expression, failures, and why the first one failed. */
static cJSON *checks(const struct lg_step_stats *st, const struct strv *secrets)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < st->check_count; k++) {
        cJSON *o = cJSON_CreateObject();
        char *expr = redact_copy(secrets, st->checks[k]);
        cJSON_AddStringToObject(o, "check", expr);
        free(expr);
        load_json_add_u64(o, "failed", st->check_failed[k]);
        if (st->check_failed[k]) {
            char reason[512];
            lg_check_reason(st, k, reason, sizeof reason);
            char *clean = redact_copy(secrets, reason);
            cJSON_AddStringToObject(o, "reason", clean);
            free(clean);
        } else {
            cJSON_AddNullToObject(o, "reason");
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* Check failures by reason (a check's expression or a GraphQL error code), with what the
 * first failure of each saw, and those past the bound as other. */
static cJSON *check_failures(const struct lg_reasons *rs, const struct strv *secrets)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "reasons");
    for (size_t i = 0; i < rs->count; i++) {
        cJSON *r = cJSON_CreateObject();
        char *text = redact_copy(secrets, rs->items[i].text);
        char *got = redact_copy(secrets, rs->items[i].got);
        cJSON_AddStringToObject(r, "reason", text);
        load_json_add_u64(r, "count", rs->items[i].count);
        cJSON_AddStringToObject(r, "first_got", got);
        free(text);
        free(got);
        cJSON_AddItemToArray(a, r);
    }
    load_json_add_u64(o, "other", rs->other);
    return o;
}

void load_json_scenarios(cJSON *root, const struct load_result *r, const struct strv *secrets)
{
    if (r->scenario_count) {
        cJSON *vu = cJSON_AddObjectToObject(root, "virtual_users");
        load_json_add_u64(vu, "max", r->vus_max);
        load_json_add_u64(vu, "peak", r->vus_peak);
    } else {
        cJSON_AddNullToObject(root, "virtual_users");
    }
    cJSON *scs = cJSON_AddArrayToObject(root, "scenarios");
    for (size_t i = 0; i < r->scenario_count; i++) {
        const struct lg_scenario_stats *s = &r->scenarios[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->name);
        load_json_add_u64(o, "started", s->started);
        load_json_add_u64(o, "completed", s->completed);
        load_json_add_u64(o, "failed_total", lg_fail_total(s->failed));
        cJSON_AddItemToObject(o, "failed", failures(s->failed));
        load_json_add_u64(o, "dropped", s->dropped);
        load_json_add_u64(o, "unfinished", s->unfinished);
        cJSON_AddItemToObject(o, "duration_us", load_json_hist(s->duration));
        cJSON_AddItemToObject(o, "active_us", load_json_hist(s->active));
        cJSON_AddItemToObject(o, "think_us", load_json_hist(s->think));
        struct lg_reasons rs;
        lg_reasons_merge(&rs, r->steps + s->first_step, s->step_count);
        cJSON_AddItemToObject(o, "check_failures", check_failures(&rs, secrets));
        cJSON *steps = cJSON_AddArrayToObject(o, "steps");
        for (size_t j = 0; j < s->step_count; j++)
            cJSON_AddItemToArray(steps, cJSON_CreateNumber((double)(s->first_step + j)));
        cJSON_AddItemToArray(scs, o);
    }
    cJSON *sts = cJSON_AddArrayToObject(root, "steps");
    for (size_t i = 0; i < r->step_count; i++) {
        const struct lg_step_stats *st = &r->steps[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", st->name);
        cJSON_AddStringToObject(o, "scenario", st->scenario);
        load_json_add_u64(o, "requests", st->requests);
        load_json_add_u64(o, "responses", st->responses);
        load_json_add_u64(o, "unsent", st->unsent);
        load_json_add_u64(o, "failed_total", lg_fail_total(st->failed));
        cJSON_AddItemToObject(o, "failed", failures(st->failed));
        cJSON_AddItemToObject(o, "checks", checks(st, secrets));
        cJSON_AddItemToObject(o, "check_failures", check_failures(&st->reasons, secrets));
        cJSON_AddItemToObject(o, "latency_us", load_json_hist(st->latency));
        cJSON_AddItemToArray(sts, o);
    }
}

cJSON *load_json_thresholds(const struct load_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->threshold_count; i++) {
        const struct lg_threshold_outcome *t = &r->thresholds[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "expr", t->expr);
        cJSON_AddBoolToObject(o, "passed", t->passed);
        cJSON_AddBoolToObject(o, "no_data", t->no_data);
        cJSON_AddNumberToObject(o, "observed", t->observed);
        cJSON_AddNumberToObject(o, "limit", t->limit);
        cJSON_AddBoolToObject(o, "abort_on_fail", t->abort_on_fail);
        cJSON_AddStringToObject(o, "line", t->line);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}
