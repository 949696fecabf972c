#include "scenario/vu_users.h"

#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "scenario/vu.h"

void vu_users_init(struct vu_users *u, const struct plan *plan)
{
    memset(u, 0, sizeof *u);
    u->steps = xcalloc(plan->step_count + 1, sizeof *u->steps);
    for (size_t i = 0; i < plan->step_count; i++) {
        const struct plan_step *st = plan->steps[i];
        const char **checks = xcalloc(st->check_count + 1, sizeof *checks);
        for (size_t k = 0; k < st->check_count; k++)
            checks[k] = st->checks[k].expr;
        u->steps[i] = (struct source_step){st->name, checks, st->check_count};
    }
    u->scenarios = xcalloc(plan->scenario_count + 1, sizeof *u->scenarios);
    for (size_t s = 0; s < plan->scenario_count; s++) {
        const struct plan_scenario *ps = &plan->scenarios[s];
        u->scenarios[s] = (struct source_scenario){ps->name, ps->steps[0].index, ps->step_count};
    }
    u->desc = (struct source_users){
        .steps = u->steps,
        .step_count = plan->step_count,
        .scenarios = u->scenarios,
        .scenario_count = plan->scenario_count,
        .request_max = PLAN_REQUEST_MAX,
        .create = vu_source_create,
        .arg = plan,
    };
}

void vu_users_free(struct vu_users *u)
{
    for (size_t i = 0; u->steps && i < u->desc.step_count; i++)
        free((void *)u->steps[i].checks);
    free(u->steps);
    free(u->scenarios);
    memset(u, 0, sizeof *u);
}
