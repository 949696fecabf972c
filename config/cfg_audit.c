/* The audit section: which probes run, how findings gate, manual attestations. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/cfg_sections.h"
#include "config/suggest.h"
#include "common/oom.h"

void cfg_audit_defaults(struct audit *a)
{
    a->fail_on = SEV_HIGH;
    a->deadline_ms = 60000;
    a->probe_timeout_ms = 15000;
    a->latency_budget_ms = 800;
    a->clock_skew_ms = 60000;
    a->max_connections_per_host = 6;
}

/* A STORE group letter ("S") or a probe id ("S-HSTS", "T-COMPRESSION"). */
static int is_probe_ref(const char *s)
{
    if (!s[0] || !strchr("STORE", s[0]))
        return 0;
    if (!s[1])
        return 1;
    if (s[1] != '-' || !s[2])
        return 0;
    return strspn(s + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(s + 2);
}

static void check_probe_ref(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    (void)ctx;
    /* Values that are not strings were reported by cfg_read_strv. */
    if (item->kind == YAML_SCALAR && !yaml_tree_is_null(item) && !is_probe_ref(item->value))
        cfg_walk_error(w, item,
                       "'%s' is not a probe id or STORE group letter (e.g. S, T-COMPRESSION)",
                       item->value);
}

static void read_probe_refs(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_read_strv(w, v, dst);
    cfg_walk_items(w, v, check_probe_ref, NULL);
}

static void read_override(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct audit *a = ctx;
    if (!is_probe_ref(e->key) || !e->key[1]) {
        cfg_walk_error_at(w, e->key_pos, "'%s' is not a probe id (e.g. S-HSTS)", e->key);
        return;
    }
    struct severity_override *o = &a->severity_overrides[a->severity_override_count];
    o->severity = SEV_COUNT;
    cfg_read_severity(w, e, &o->severity);
    if (o->severity == SEV_COUNT)
        return;
    o->probe_id = e->key;
    o->pos = e->pos;
    a->severity_override_count++;
}

static void read_overrides(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct audit *a = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping of probe ids to severities"))
        return;
    a->severity_overrides =
        arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *a->severity_overrides);
    cfg_walk_entries(w, v, read_override, a);
}

/* A calendar date YYYY-MM-DD, as midnight UTC. */
static int parse_date(const char *s, time_t *out)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    *out = timegm(&tm);
    return 0;
}

static void read_date(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct attestation *at = dst;
    const char *s = cfg_walk_scalar(w, v, "a date (YYYY-MM-DD)");
    if (!s)
        return;
    if (parse_date(s, &at->when))
        cfg_walk_error(w, v, "'%s' is not a date: write YYYY-MM-DD", s);
    else
        at->date = s;
}

static void read_max_age(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t ms = 0;
    cfg_read_duration(w, v, &ms);
    if (!ms)
        return;
    uint64_t days = (ms + 86399999) / 86400000;
    if (days > UINT32_MAX)
        cfg_walk_error(w, v, "too long");
    else
        *(uint32_t *)dst = (uint32_t)days;
}

static const struct cfg_field attestation_fields[] = {
    {"name", cfg_read_str, offsetof(struct attestation, name), 1},
    {"date", read_date, 0, 1},
    {"evidence", cfg_read_str, offsetof(struct attestation, evidence), 0},
    {"max_age", read_max_age, offsetof(struct attestation, max_age_days), 1},
    {NULL, NULL, 0, 0},
};

static void read_attestation(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct audit *a = ctx;
    struct attestation *at = &a->attestations[a->attestation_count++];
    at->pos = item->pos;
    cfg_walk_fields(w, item, attestation_fields, at);
}

static void read_attestations(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct audit *a = dst;
    if (v->kind != YAML_LIST) {
        cfg_walk_error(w, v, "expected a list of attestations, got %s", yaml_tree_kind_name(v));
        return;
    }
    a->attestations =
        arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *a->attestations);
    cfg_walk_items(w, v, read_attestation, a);
}

static void read_conflict_status(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct audit *a = ctx;
    int code = cfg_walk_status(w, item);
    if (code && (code < 400 || code > 499))
        cfg_walk_error(w, item, "%d is not a 4xx: a reused key with another body must be "
                                "refused", code);
    else if (code)
        a->idempotency_conflict[a->idempotency_conflict_count++] = code;
}

static void read_conflict(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct audit *a = dst;
    size_t n = v->kind == YAML_LIST ? v->count : 1;
    a->idempotency_conflict =
        arena_alloc(&w->cfg->arena, (n ? n : 1) * sizeof *a->idempotency_conflict);
    cfg_walk_items(w, v, read_conflict_status, a);
}

enum { MAX_CONNECTIONS_PER_HOST = 256 };

static void read_connections_per_host(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t n;
    if (cfg_walk_count_between(w, v, "a number", 1, MAX_CONNECTIONS_PER_HOST, &n))
        *(uint32_t *)dst = (uint32_t)n;
}

static void read_session(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct audit *a = dst;
    cfg_read_str(w, v, &a->session);
    a->session_pos = v->pos;
}

static void read_order(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct audit *a = dst;
    cfg_read_str(w, v, &a->order);
    a->order_pos = v->pos;
}

static const struct cfg_field audit_fields[] = {
    {"fail_on", cfg_read_severity, offsetof(struct audit, fail_on), 0},
    {"accept", cfg_read_file, offsetof(struct audit, accept_file), 0},
    {"deadline", cfg_read_duration, offsetof(struct audit, deadline_ms), 0},
    {"probe_timeout", cfg_read_duration, offsetof(struct audit, probe_timeout_ms), 0},
    {"only", read_probe_refs, offsetof(struct audit, only), 0},
    {"skip", read_probe_refs, offsetof(struct audit, skip), 0},
    {"severity", read_overrides, 0, 0},
    {"allow_orders", cfg_read_bool, offsetof(struct audit, allow_orders), 0},
    {"latency_budget", cfg_read_duration, offsetof(struct audit, latency_budget_ms), 0},
    {"clock_skew", cfg_read_duration, offsetof(struct audit, clock_skew_ms), 0},
    {"max_connections_per_host", read_connections_per_host,
     offsetof(struct audit, max_connections_per_host), 0},
    {"attestations", read_attestations, 0, 0},
    {"idempotency_conflict", read_conflict, 0, 0},
    {"session", read_session, 0, 0},
    {"order", read_order, 0, 0},
    {NULL, NULL, 0, 0},
};

const struct cfg_section cfg_audit_sections[] = {
    {"audit", audit_fields},
    {NULL, NULL},
};

void cfg_audit_read(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_walk_fields(w, v, audit_fields, dst);
}

/* The scenario audit.KEY names, or NULL after an error at pos (with the closest name). */
static const struct scenario *named_scenario(struct cfg_walk *w, const struct config *cfg,
                                             const char *key, const char *name, struct srcpos pos)
{
    const struct scenario *sc = config_scenario(cfg, name);
    if (sc)
        return sc;
    const struct load *l = &cfg->load;
    const char **names = xmalloc((l->scenario_count ? l->scenario_count : 1) * sizeof *names);
    for (size_t i = 0; i < l->scenario_count; i++)
        names[i] = l->scenarios[i].name;
    const char *near = suggest_closest(name, names, l->scenario_count);
    size_t mark = keypath_push_key(&w->path, "audit");
    keypath_push_key(&w->path, key);
    if (near)
        cfg_walk_error_at(w, pos, "scenario '%s' is not in load.scenarios (did you mean '%s'?)",
                          name, near);
    else
        cfg_walk_error_at(w, pos, "scenario '%s' is not in load.scenarios", name);
    keypath_pop(&w->path, mark);
    free(names);
    return NULL;
}

void cfg_audit_check_scenarios(struct cfg_walk *w, const struct config *cfg)
{
    const struct audit *a = &cfg->audit;
    if (a->session)
        named_scenario(w, cfg, "session", a->session, a->session_pos);
    const struct scenario *order =
        a->order ? named_scenario(w, cfg, "order", a->order, a->order_pos) : NULL;
    if (order && !scenario_extracts(order, "cart_id")) {
        size_t mark = keypath_push_key(&w->path, "audit");
        keypath_push_key(&w->path, "order");
        cfg_walk_error_at(w, a->order_pos,
                          "scenario '%s' extracts no cart_id: the checkout is sent for the cart "
                          "it names (extract: { cart_id: ... })",
                          a->order);
        keypath_pop(&w->path, mark);
    }
}
