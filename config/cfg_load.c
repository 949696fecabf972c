/* The load section: the traffic profile and its overrides, scenarios, feeders, thresholds. */
#include <stddef.h>
#include <string.h>

#include "config/cfg_sections.h"

void cfg_load_defaults(struct load *l)
{
    l->seed = 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A profile is a shipped name ("flash-sale") or a file path, resolved like other paths. */
static void read_profile(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load *l = dst;
    const char *s = cfg_walk_scalar(w, v, "a profile name or file");
    if (!s)
        return;
    int is_file = strchr(s, '/') || ends_with(s, ".yaml") || ends_with(s, ".yml");
    if (!is_file && !cfg_walk_is_name(s)) {
        cfg_walk_error(w, v, "'%s' is not a profile name or a .yaml file", s);
        return;
    }
    l->profile = is_file ? cfg_walk_resolve(w, s) : s;
    l->profile_pos = v->pos;
}

static const char *const feeder_modes[] = {
    [FEEDER_RANDOM] = "random",
    [FEEDER_SEQUENTIAL] = "sequential",
    [FEEDER_UNIQUE] = "unique",
};

static void read_mode(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a feeder mode");
    if (!s)
        return;
    for (size_t i = 0; i < sizeof feeder_modes / sizeof *feeder_modes; i++) {
        if (strcmp(s, feeder_modes[i]) == 0) {
            *(enum feeder_mode *)dst = (enum feeder_mode)i;
            return;
        }
    }
    cfg_walk_error(w, v, "unknown feeder mode '%s': use random, sequential or unique", s);
}

static const struct cfg_field feeder_fields[] = {
    {"file", cfg_read_file, offsetof(struct feeder, file), 1},
    {"mode", read_mode, offsetof(struct feeder, mode), 0},
    {NULL, NULL, 0, 0},
};

static int check_name(struct cfg_walk *w, const struct yaml_node *e, const char *what)
{
    if (cfg_walk_is_name(e->key))
        return 1;
    cfg_walk_error_at(w, e->key_pos, "'%s' is not a valid %s name (letters, digits, _ . -)", e->key,
                      what);
    return 0;
}

static void read_feeder(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct load *l = ctx;
    if (!check_name(w, e, "feeder"))
        return;
    struct feeder *f = &l->feeders[l->feeder_count++];
    f->name = e->key;
    f->pos = e->pos;
    cfg_walk_fields(w, e, feeder_fields, f);
}

static void read_feeders(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load *l = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping of feeder names"))
        return;
    l->feeders = arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *l->feeders);
    cfg_walk_entries(w, v, read_feeder, l);
}

static void read_scenario(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct load *l = ctx;
    if (!check_name(w, e, "scenario"))
        return;
    struct scenario *s = &l->scenarios[l->scenario_count++];
    s->name = e->key;
    s->pos = e->pos;
    cfg_scenario_read(w, e, s);
}

static void read_scenarios(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load *l = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping of scenario names to lists of steps"))
        return;
    l->scenarios = arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *l->scenarios);
    cfg_walk_entries(w, v, read_scenario, l);
}

static void read_expr(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct threshold *t = dst;
    const char *s =
        cfg_walk_scalar(w, v, "a threshold expression (e.g. \"p95(scenario:checkout) < 800ms\")");
    if (!s)
        return;
    t->expr = s;
    t->pos = v->pos;
}

static const struct cfg_field threshold_fields[] = {
    {"expr", read_expr, 0, 1},
    {"abort_on_fail", cfg_read_bool, offsetof(struct threshold, abort_on_fail), 0},
    {NULL, NULL, 0, 0},
};

static void read_threshold(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct load *l = ctx;
    struct threshold *t = &l->thresholds[l->threshold_count];
    if (item->kind == YAML_MAP)
        cfg_walk_fields(w, item, threshold_fields, t);
    else
        read_expr(w, item, t);
    if (t->expr)
        l->threshold_count++;
}

static void read_thresholds(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load *l = dst;
    if (v->kind != YAML_LIST) {
        cfg_walk_error(w, v, "expected a list of thresholds, got %s", yaml_tree_kind_name(v));
        return;
    }
    l->thresholds = arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *l->thresholds);
    cfg_walk_items(w, v, read_threshold, l);
}

static const struct cfg_field fault_fields[] = {
    {"name", cfg_read_str, offsetof(struct load_fault, name), 1},
    {"at", cfg_read_duration, offsetof(struct load_fault, at_ms), 1},
    {"duration", cfg_read_duration, offsetof(struct load_fault, duration_ms), 1},
    {NULL, NULL, 0, 0},
};

static void read_fault(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load_fault *f = dst;
    f->pos = v->pos;
    cfg_walk_fields(w, v, fault_fields, f);
}

void cfg_load_check_fault(struct cfg_walk *w, const struct config *cfg)
{
    const struct load_fault *f = &cfg->load.fault;
    if (!f->name)
        return;
    for (size_t i = 0; i < cfg->target.fault_count; i++)
        if (strcmp(cfg->target.faults[i].name, f->name) == 0)
            return;
    size_t mark = keypath_push_key(&w->path, "load");
    size_t mark2 = keypath_push_key(&w->path, "fault");
    cfg_walk_error_at(w, f->pos, "fault '%s' is not one of target.faults", f->name);
    keypath_pop(&w->path, mark2);
    keypath_pop(&w->path, mark);
}

/* An item of load.outputs: KIND=TARGET as --out takes it; a file relative to the config. */
static void read_output(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct load *l = ctx;
    const char *s = cfg_walk_scalar(w, item, "an output (json=FILE, csv=FILE, prometheus-rw=URL)");
    if (!s)
        return;
    struct out_spec o;
    char err[320];
    if (out_spec_parse(s, &o, err, sizeof err)) {
        cfg_walk_error(w, item, "%s", err);
        return;
    }
    if (o.kind != OUT_PROMETHEUS_RW)
        o.target = cfg_walk_resolve(w, o.target);
    l->outputs[l->output_count++] = o;
}

static void read_outputs(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load *l = dst;
    size_t n = v->kind == YAML_LIST ? v->count : 1;
    l->outputs = arena_alloc(&w->cfg->arena, (n ? n : 1) * sizeof *l->outputs);
    cfg_walk_items(w, v, read_output, l);
}

static const struct cfg_field load_fields[] = {
    {"profile", read_profile, 0, 0},
    {"duration", cfg_read_duration, offsetof(struct load, duration_ms), 0},
    {"rate", cfg_read_rate, offsetof(struct load, rate), 0},
    {"max_rate", cfg_read_rate, offsetof(struct load, max_rate), 0},
    {"connections", cfg_read_u32, offsetof(struct load, connections), 0},
    {"threads", cfg_read_u32, offsetof(struct load, threads), 0},
    {"timeout", cfg_read_duration, offsetof(struct load, timeout_ms), 0},
    {"seed", cfg_read_u64, offsetof(struct load, seed), 0},
    {"feeders", read_feeders, 0, 0},
    {"scenarios", read_scenarios, 0, 0},
    {"thresholds", read_thresholds, 0, 0},
    {"fault", read_fault, offsetof(struct load, fault), 0},
    {"outputs", read_outputs, 0, 0},
    {NULL, NULL, 0, 0},
};

const struct cfg_section cfg_load_sections[] = {
    {"load", load_fields},
    {"load.fault", fault_fields},
    {NULL, NULL},
};

void cfg_load_read(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct load *l = dst;
    if (cfg_walk_fields(w, v, load_fields, l))
        return;
    if (l->rate > 0 && l->max_rate > 0 && l->rate > l->max_rate) {
        size_t mark = keypath_push_key(&w->path, "rate");
        cfg_walk_error(w, yaml_tree_find(v, "rate"), "rate is above max_rate");
        keypath_pop(&w->path, mark);
    }
}
