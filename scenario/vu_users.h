/*
 * A plan's virtual users as the engine takes them (loadgen/source.h): the plan's steps and
 * scenarios by name with their checks' expressions, the room one rendered request takes, and
 * vu_source_create with the plan, so that the engine never sees the plan itself.
 */
#ifndef STORECHECK_SCENARIO_VU_USERS_H
#define STORECHECK_SCENARIO_VU_USERS_H

#include "loadgen/source.h"
#include "scenario/plan.h"

struct vu_users {
    struct source_users desc; /* what loadgen_params.users points to */
    struct source_step *steps;
    struct source_scenario *scenarios;
};

/* Describe plan's users in u; it points into plan, which must outlive it. */
void vu_users_init(struct vu_users *u, const struct plan *plan);
void vu_users_free(struct vu_users *u);

#endif
