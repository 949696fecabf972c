/*
 * The weighted mix of scenarios, e.g. browse 70, search 15, cart 10, checkout 5.
 *
 * mix_pick_at gives the scenario of the index-th iteration from (seed, index) alone, so a run
 * is repeatable and a segment i/n of a split run, picking for the indices it owns, makes the
 * same choices one machine would.
 */
#ifndef STORECHECK_SCENARIO_MIX_H
#define STORECHECK_SCENARIO_MIX_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "scenario/rng.h"

struct mix_entry {
    const char *name;
    double weight; /* >= 0 */
    double cum;    /* sum of the weights up to and including this one (mix_prepare) */
    struct srcpos pos;
};

struct mix {
    struct mix_entry *items;
    size_t count;
    double total;
};

/* The mix of a profile that names none: every scenario with weight 1. entries has room for
 * count items; m is prepared. */
void mix_from_scenarios(struct mix *m, struct mix_entry *entries, const struct scenario *scenarios,
                        size_t count);

/* Compute the cumulative weights; -1 when no weight is positive. */
int mix_prepare(struct mix *m);

/* The entry for iteration index of the run seeded with seed. m must be prepared. */
size_t mix_pick_at(const struct mix *m, uint64_t seed, uint64_t index);
/* The entry for a uniform draw u in [0, 1). */
size_t mix_pick_unit(const struct mix *m, double u);

#endif
