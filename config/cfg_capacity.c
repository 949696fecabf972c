/* The capacity section: how `storecheck capacity` steps the arrival rate and narrows the knee. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"
#include "config/cfg_capacity.h"
#include "config/cfg_sections.h"

enum { DEFAULT_MAX_STEPS = 20, MAX_STEPS_CAP = 200 };

void cfg_capacity_defaults(struct capacity *c)
{
    c->start = 10;
    c->step_ms = 10000;
    c->warmup_ms = 2000;
    c->precision = 0.05;
    c->precision_relative = 1;
    c->abort_error_rate = 0.5;
    c->max_steps = DEFAULT_MAX_STEPS;
}

static void read_factor(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a factor above 1 (e.g. 2, 1.5)");
    if (!s)
        return;
    char *end = NULL;
    double f = strtod(s, &end);
    if (end == s || *end || !(f > 1 && f <= 100))
        cfg_walk_error(w, v, "'%s' is not a factor above 1 and at most 100 (e.g. 2, 1.5)", s);
    else
        *(double *)dst = f;
}

static void read_warmup(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t ms;
    if (!cfg_walk_duration_ms(w, v, &ms))
        return;
    if (ms % 1000)
        cfg_walk_error(w, v, "the warm-up is whole seconds (the judged window starts on one)");
    else
        *(uint64_t *)dst = ms;
}

int cfg_capacity_parse_precision(const char *s, double *precision, int *relative, char *err,
                                 size_t errlen)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '%') {
        if (units_parse_percent(s, precision, err, errlen))
            return -1;
        *relative = 1;
        if (*precision > 0 && *precision < 1)
            return 0;
        snprintf(err, errlen, "a relative precision is above 0%% and below 100%%");
        return -1;
    }
    if (units_parse_rate(s, precision, err, errlen))
        return -1;
    *relative = 0;
    if (*precision > 0)
        return 0;
    snprintf(err, errlen, "the precision must be above 0");
    return -1;
}

static void read_precision(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct capacity *c = dst;
    const char *s = cfg_walk_scalar(w, v, "a percentage (5%) or a rate (10/s)");
    char err[160];
    if (s && cfg_capacity_parse_precision(s, &c->precision, &c->precision_relative, err,
                                          sizeof err))
        cfg_walk_error(w, v, "%s", err);
}

static void read_abort(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "an error rate as a percentage (e.g. 50%)");
    char err[160];
    double f;
    if (!s)
        return;
    if (units_parse_percent(s, &f, err, sizeof err))
        cfg_walk_error(w, v, "%s", err);
    else if (!(f > 0))
        cfg_walk_error(w, v, "the abort error rate must be above 0%%");
    else
        *(double *)dst = f;
}

static void read_max_steps(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t n;
    if (cfg_walk_count_between(w, v, "a number of steps", 1, MAX_STEPS_CAP, &n))
        *(uint32_t *)dst = (uint32_t)n;
}

static const struct cfg_field capacity_fields[] = {
    {"start", cfg_read_rate, offsetof(struct capacity, start), 0},
    {"step_factor", read_factor, offsetof(struct capacity, step_factor), 0},
    {"step_increment", cfg_read_rate, offsetof(struct capacity, step_increment), 0},
    {"step_duration", cfg_read_duration, offsetof(struct capacity, step_ms), 0},
    {"warmup", read_warmup, offsetof(struct capacity, warmup_ms), 0},
    {"precision", read_precision, 0, 0},
    {"max_rate", cfg_read_rate, offsetof(struct capacity, max_rate), 0},
    {"target", cfg_read_rate, offsetof(struct capacity, target), 0},
    {"abort_error_rate", read_abort, offsetof(struct capacity, abort_error_rate), 0},
    {"max_steps", read_max_steps, offsetof(struct capacity, max_steps), 0},
    {NULL, NULL, 0, 0},
};

const struct cfg_section cfg_capacity_sections[] = {
    {"capacity", capacity_fields},
    {NULL, NULL},
};

/* An error at the value of key in map (or at the map when the key is absent). */
static void error_at_key(struct cfg_walk *w, const struct yaml_node *map, const char *key,
                         const char *msg)
{
    const struct yaml_node *v = yaml_tree_find(map, key);
    size_t mark = keypath_push_key(&w->path, key);
    cfg_walk_error_at(w, v ? v->pos : map->pos, "%s", msg);
    keypath_pop(&w->path, mark);
}

void cfg_capacity_read(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct capacity *c = dst;
    size_t before = w->errors;
    if (cfg_walk_fields(w, v, capacity_fields, c) || w->errors != before)
        return;
    c->present = 1;
    c->pos = v->pos;
    if (c->step_factor > 0 && c->step_increment > 0)
        error_at_key(w, v, "step_increment", "give step_factor or step_increment, not both");
    if (c->max_rate > 0 && c->start > c->max_rate)
        error_at_key(w, v, "start", "start is above max_rate");
    if (c->max_rate > 0 && c->target > c->max_rate)
        error_at_key(w, v, "target", "target is above max_rate: it could never be shown to hold");
}

void cfg_capacity_check(struct cfg_walk *w, struct config *cfg)
{
    struct capacity *c = &cfg->capacity;
    if (!(c->step_factor > 0) && !(c->step_increment > 0))
        c->step_factor = 2;
    double cap = cfg->load.max_rate;
    if (!(c->max_rate > 0))
        c->max_rate = cap;
    if (!c->present)
        return;
    size_t mark = keypath_push_key(&w->path, "capacity");
    if (c->max_rate > cap && cap > 0)
        cfg_walk_error_at(w, c->pos, "max_rate (%g/s) is above load.max_rate (%g/s)", c->max_rate,
                          cap);
    else if (!(c->max_rate > 0))
        cfg_walk_error_at(w, c->pos,
                          "max_rate is required (or load.max_rate): no step goes above it");
    else if (c->start > c->max_rate)
        cfg_walk_error_at(w, c->pos, "start (%g/s) is above max_rate (%g/s)", c->start,
                          c->max_rate);
    keypath_pop(&w->path, mark);
}
