/*
 * The capacity search, as a pure function of what each step showed: which arrival rate to try
 * next, and when the answer is known. Nothing here runs load; the caller runs each rate it is
 * given and records whether the store held it.
 *
 * Stepping: start, then start * factor (or start + increment), ... until a rate breaks or
 * max_rate holds. Bisecting: between the highest rate that held and the lowest that broke,
 * halving the gap until it is within the precision (an absolute rate, or a fraction of the
 * breaking rate). When even the start rate breaks, the search halves it down from there, at
 * most down to start / 16. A step that aborts (errors exploded) ends the search at once.
 *
 * The bounds only move inward: a rate is tried only between the highest that held and the
 * lowest that broke, so a noisy store (one that breaks at a rate below one that held, or holds
 * above one that broke) still ends with a rate that was seen holding and, unless max_rate
 * held, a rate within the precision above it that was seen breaking.
 */
#ifndef STORECHECK_CHECKER_CAPACITY_SEARCH_H
#define STORECHECK_CHECKER_CAPACITY_SEARCH_H

#include <stdint.h>

struct capacity_rules {
    double start;     /* the first rate, > 0 */
    double factor;    /* > 1: each step multiplies the rate; 0: increment is added instead */
    double increment; /* > 0 when factor is 0 */
    double precision; /* > 0: a rate per second, or a fraction when relative */
    int relative;     /* precision is a fraction of the breaking rate (0.05 for 5%) */
    double max_rate;  /* > 0: no rate above it is tried */
    uint32_t max_steps; /* at most this many steps, >= 1 */
};

enum capacity_verdict { CAPACITY_HOLDS, CAPACITY_BREAKS, CAPACITY_ABORTS };

enum capacity_end {
    CAPACITY_SEARCHING,
    CAPACITY_FOUND,         /* the knee is bracketed within the precision */
    CAPACITY_AT_MAX_RATE,   /* max_rate held: the store holds at least that */
    CAPACITY_ABORTED,       /* a step's errors passed the abort rule */
    CAPACITY_NOTHING_HOLDS, /* down to start / 16, nothing held */
    CAPACITY_OUT_OF_STEPS,  /* max_steps ran before the precision was reached */
};

struct capacity_search {
    struct capacity_rules rules;
    double holds;  /* the highest rate seen holding below breaks; 0: none */
    double breaks; /* the lowest rate seen breaking or aborting; 0: none */
    uint32_t steps;
    enum capacity_end end;
};

/* rules must satisfy the ranges above (the config reader checks them). */
void capacity_search_init(struct capacity_search *s, const struct capacity_rules *rules);

/* 1 with the next rate to run in *rate; 0 once the search has ended (s->end says why). */
int capacity_search_next(struct capacity_search *s, double *rate);

/* What the step at rate, the one capacity_search_next gave, showed. */
void capacity_search_record(struct capacity_search *s, double rate, enum capacity_verdict v);

/* Stable lower-case names of the ends ("found", "at_max_rate", ...). */
const char *capacity_end_name(enum capacity_end end);

#endif
