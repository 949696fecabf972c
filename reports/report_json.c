#include "reports/report_json.h"

#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "probes/stack_fixes.h"
#include "version.h"

static const char *const phase_names[] = {
    [PHASE_BASELINE] = "baseline",
    [PHASE_UNDER_LOAD] = "under_load",
};

static const char *const cause_names[] = {
    [CAUSE_NO_TLS] = "no_tls",
};

/* No data fails as the gate counts it; no_data and a null observed say why. */
static const char *const verdict_names[] = {
    [TH_PASS] = "pass",
    [TH_FAIL] = "fail",
    [TH_NODATA] = "fail",
};

static const char *const unit_names[] = {
    [TH_LATENCY] = "us",
    [TH_ERROR_RATE] = "ratio",
    [TH_RPS] = "per_second",
    [TH_COUNT] = "count",
};

/* Every string that may hold config or server text goes through here. */
static void add_str(cJSON *o, const char *k, const char *v, const struct strv *secrets)
{
    if (!v) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    char *clean = redact_copy(secrets, v);
    cJSON_AddStringToObject(o, k, clean);
    free(clean);
}

static cJSON *score_json(const struct report_score *s, const char *key, const char *name,
                         const struct strv *secrets)
{
    cJSON *o = cJSON_CreateObject();
    if (key) {
        cJSON_AddStringToObject(o, "group", key);
        cJSON_AddStringToObject(o, "name", name);
    }
    if (s->scored)
        cJSON_AddNumberToObject(o, "score", s->score);
    else
        cJSON_AddNullToObject(o, "score");
    if (s->grade)
        cJSON_AddStringToObject(o, "grade", s->grade);
    else
        cJSON_AddNullToObject(o, "grade");
    add_str(o, "cap", s->cap, secrets);
    if (s->undecided)
        cJSON_AddNumberToObject(o, "undecided", s->undecided);
    return o;
}

static cJSON *scores_json(const struct report_run *run)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "overall", score_json(&run->overall, NULL, NULL, run->secrets));
    cJSON *groups = cJSON_AddArrayToObject(o, "groups");
    for (int g = 0; g < GROUP_COUNT; g++) {
        char key[2] = {probe_group_letter((enum probe_group)g), 0};
        cJSON_AddItemToArray(
            groups,
            score_json(&run->groups[g], key, probe_group_name((enum probe_group)g), run->secrets));
    }
    return o;
}

static cJSON *references_json(const char *refs)
{
    cJSON *a = cJSON_CreateArray();
    const char *p = refs ? refs : "";
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n) {
            char *one = strndup(p, n);
            cJSON_AddItemToArray(a, cJSON_CreateString(one));
            free(one);
        }
        p += n;
    }
    return a;
}

/* The recognised stack: each component with the header that named it. */
static cJSON *stack_json(const struct stack_report *st, const struct strv *secrets)
{
    if (!st || !st->ran)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    add_str(o, "request", st->request[0] ? st->request : NULL, secrets);
    if (st->status)
        cJSON_AddNumberToObject(o, "status", st->status);
    else
        cJSON_AddNullToObject(o, "status");
    add_str(o, "error", st->status ? NULL : st->error, secrets);
    cJSON *cs = cJSON_AddArrayToObject(o, "components");
    for (size_t i = 0; i < st->count; i++) {
        const struct stack_component *c = &st->components[i];
        cJSON *co = cJSON_CreateObject();
        cJSON_AddStringToObject(co, "key", stack_key(c->id));
        cJSON_AddStringToObject(co, "name", stack_name(c->id));
        cJSON_AddStringToObject(co, "role", stack_role(c->id));
        add_str(co, "evidence", c->evidence, secrets);
        cJSON_AddItemToArray(cs, co);
    }
    return o;
}

/* The fixes for the recognised stack, edge inward; empty when there are none. */
static cJSON *stack_remediation_json(const char *probe_id, const struct stack_report *st)
{
    cJSON *a = cJSON_CreateArray();
    struct stack_fix fixes[STACK_COUNT];
    size_t n = st && st->ran ? stack_fixes_for(probe_id, st, fixes, STACK_COUNT) : 0;
    for (size_t i = 0; i < n; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "stack", stack_key(fixes[i].stack));
        cJSON_AddStringToObject(f, "name", stack_name(fixes[i].stack));
        cJSON_AddStringToObject(f, "fix", fixes[i].text);
        cJSON_AddItemToArray(a, f);
    }
    return a;
}

/* The protocols the load's connections spoke (the ALPN outcome): what an under-load check
 * ran beside. */
static cJSON *load_protocols_json(const struct load_result *load)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; load && i < LG_PROTO_COUNT; i++)
        if (load->totals.protocols[i])
            cJSON_AddItemToArray(a, cJSON_CreateString(lg_proto_names[i]));
    return a;
}

static cJSON *check_json(const struct report_check *c, const struct report_run *run)
{
    const struct stack_report *stack = run->stack;
    const struct strv *secrets = run->secrets;
    const struct probe *p = c->probe;
    const struct probe_result *r = c->result;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", p->id);
    char g[2] = {probe_group_letter(p->group), 0};
    cJSON_AddStringToObject(o, "group", g);
    cJSON_AddStringToObject(o, "title", p->title);
    cJSON_AddStringToObject(o, "severity", severity_name(c->severity));
    cJSON_AddStringToObject(o, "status", probe_status_name(r->status));
    add_str(o, "reason", r->reason ? r->reason : "", secrets);
    cJSON_AddStringToObject(o, "phase", phase_names[c->phase]);
    if (c->phase == PHASE_UNDER_LOAD)
        cJSON_AddItemToObject(o, "load_protocols", load_protocols_json(run->load));
    cJSON_AddBoolToObject(o, "gated", c->gated);
    if (r->cause != CAUSE_NONE)
        cJSON_AddStringToObject(o, "cause", cause_names[r->cause]);
    if (c->accepted) {
        cJSON *a = cJSON_AddObjectToObject(o, "accepted");
        add_str(a, "reason", c->accepted->reason, secrets);
        cJSON_AddStringToObject(a, "expires", c->accepted->expires);
        cJSON_AddBoolToObject(a, "expired", c->accepted->expired);
    } else {
        cJSON_AddNullToObject(o, "accepted");
    }
    cJSON_AddNumberToObject(o, "elapsed_ms", (double)r->elapsed_ms);
    cJSON_AddStringToObject(o, "rationale", p->rationale ? p->rationale : "");
    cJSON_AddStringToObject(o, "remediation", p->remediation ? p->remediation : "");
    cJSON_AddItemToObject(o, "stack_remediation", stack_remediation_json(p->id, stack));
    cJSON_AddItemToObject(o, "references", references_json(p->references));
    cJSON *evs = cJSON_AddArrayToObject(o, "evidence");
    for (size_t e = 0; e < r->evidence_count; e++) {
        const struct probe_evidence *ev = &r->evidence[e];
        cJSON *eo = cJSON_CreateObject();
        add_str(eo, "request", ev->request, secrets);
        if (ev->status)
            cJSON_AddNumberToObject(eo, "status", ev->status);
        else
            cJSON_AddNullToObject(eo, "status");
        add_str(eo, "detail", ev->detail ? ev->detail : "", secrets);
        cJSON_AddItemToArray(evs, eo);
    }
    return o;
}

static cJSON *threshold_json(const struct report_threshold *t, const struct strv *secrets)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "expr", t->expr, secrets);
    add_str(o, "metric", t->parsed.label, secrets);
    cJSON_AddStringToObject(o, "verdict", verdict_names[t->result.verdict]);
    cJSON_AddBoolToObject(o, "no_data", t->result.verdict == TH_NODATA);
    if (t->result.verdict == TH_NODATA)
        cJSON_AddNullToObject(o, "observed");
    else
        cJSON_AddNumberToObject(o, "observed", t->result.observed);
    cJSON_AddNumberToObject(o, "limit", t->parsed.limit);
    cJSON_AddStringToObject(o, "unit", unit_names[t->parsed.kind]);
    add_str(o, "line", t->result.line, secrets);
    cJSON_AddBoolToObject(o, "gated", t->gated);
    return o;
}

static cJSON *fault_json(const struct report_fault *f, const struct strv *secrets)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "name", f->name, secrets);
    cJSON_AddNumberToObject(o, "at_ms", (double)f->at_ms);
    cJSON_AddNumberToObject(o, "duration_ms", (double)f->duration_ms);
    if (f->started_ms >= 0)
        cJSON_AddNumberToObject(o, "started_ms", (double)f->started_ms);
    else
        cJSON_AddNullToObject(o, "started_ms");
    if (f->stopped_ms >= 0)
        cJSON_AddNumberToObject(o, "stopped_ms", (double)f->stopped_ms);
    else
        cJSON_AddNullToObject(o, "stopped_ms");
    add_str(o, "error", f->error, secrets);
    return o;
}

cJSON *report_json_build(const struct report_run *run)
{
    const struct strv *secrets = run->secrets;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", REPORT_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "kind", "storecheck.run");
    cJSON_AddStringToObject(root, "tool_version", STORECHECK_VERSION);
    add_str(root, "target", run->target, secrets);
    cJSON_AddNumberToObject(root, "started_unix_ms", (double)run->started_unix_ms);
    cJSON_AddNumberToObject(root, "ended_unix_ms", (double)run->ended_unix_ms);
    cJSON_AddBoolToObject(root, "interrupted", run->interrupted);
    cJSON_AddStringToObject(root, "fail_on", severity_name(run->fail_on));

    cJSON *verdict = cJSON_AddObjectToObject(root, "verdict");
    cJSON_AddStringToObject(verdict, "result", run->verdict);
    cJSON_AddNumberToObject(verdict, "exit_code", run->exit_code);
    cJSON *reasons = cJSON_AddArrayToObject(verdict, "reasons");
    for (size_t i = 0; i < run->reason_count; i++) {
        char *clean = redact_copy(secrets, run->reasons[i]);
        cJSON_AddItemToArray(reasons, cJSON_CreateString(clean));
        free(clean);
    }

    cJSON_AddItemToObject(root, "stack", stack_json(run->stack, secrets));
    cJSON_AddItemToObject(root, "scores", scores_json(run));
    cJSON *checks = cJSON_AddArrayToObject(root, "checks");
    for (size_t i = 0; i < run->check_count; i++)
        cJSON_AddItemToArray(checks, check_json(&run->checks[i], run));

    cJSON *ths = cJSON_AddArrayToObject(root, "thresholds");
    for (size_t i = 0; i < run->threshold_count; i++)
        cJSON_AddItemToArray(ths, threshold_json(&run->thresholds[i], secrets));

    if (run->load)
        cJSON_AddItemToObject(root, "load", load_json_object(run->load, run->load_meta));
    else
        cJSON_AddNullToObject(root, "load");
    add_str(root, "load_note", run->load_note, secrets);
    if (run->fault)
        cJSON_AddItemToObject(root, "fault", fault_json(run->fault, secrets));
    else
        cJSON_AddNullToObject(root, "fault");
    return root;
}
