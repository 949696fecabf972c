#include "checker/capacity_search.h"

/* Below start / FLOOR_DIVISOR the search stops looking for a rate that holds. */
#define FLOOR_DIVISOR 16.0

void capacity_search_init(struct capacity_search *s, const struct capacity_rules *rules)
{
    *s = (struct capacity_search){.rules = *rules, .end = CAPACITY_SEARCHING};
}

static int bracketed(const struct capacity_search *s)
{
    double gap = s->breaks - s->holds;
    double allowed = s->rules.relative ? s->rules.precision * s->breaks : s->rules.precision;
    return gap <= allowed;
}

static double step_up(const struct capacity_search *s)
{
    const struct capacity_rules *r = &s->rules;
    if (!s->steps)
        return r->start;
    return r->factor > 1 ? s->holds * r->factor : s->holds + r->increment;
}

int capacity_search_next(struct capacity_search *s, double *rate)
{
    if (s->end != CAPACITY_SEARCHING)
        return 0;
    const struct capacity_rules *r = &s->rules;
    if (s->breaks > 0 && bracketed(s)) {
        s->end = CAPACITY_FOUND;
        return 0;
    }
    if (s->breaks > 0 && !(s->holds > 0) && s->breaks <= r->start / FLOOR_DIVISOR) {
        s->end = CAPACITY_NOTHING_HOLDS;
        return 0;
    }
    if (s->steps >= r->max_steps) {
        s->end = CAPACITY_OUT_OF_STEPS;
        return 0;
    }
    if (s->breaks > 0) {
        *rate = (s->holds + s->breaks) / 2;
        return 1;
    }
    double next = step_up(s);
    if (r->max_rate > 0 && next > r->max_rate)
        next = r->max_rate;
    *rate = next;
    return 1;
}

void capacity_search_record(struct capacity_search *s, double rate, enum capacity_verdict v)
{
    s->steps++;
    if (v == CAPACITY_HOLDS) {
        s->holds = rate;
        if (!(s->breaks > 0) && s->rules.max_rate > 0 && rate >= s->rules.max_rate)
            s->end = CAPACITY_AT_MAX_RATE;
        return;
    }
    s->breaks = rate;
    if (v == CAPACITY_ABORTS)
        s->end = CAPACITY_ABORTED;
}

const char *capacity_end_name(enum capacity_end end)
{
    static const char *const names[] = {
        [CAPACITY_SEARCHING] = "searching",       [CAPACITY_FOUND] = "found",
        [CAPACITY_AT_MAX_RATE] = "at_max_rate",   [CAPACITY_ABORTED] = "aborted",
        [CAPACITY_NOTHING_HOLDS] = "nothing_holds", [CAPACITY_OUT_OF_STEPS] = "out_of_steps",
    };
    return names[end];
}
