/*
 * `storecheck load CONFIG` with scenarios: the traffic profile (--profile, load.profile, or
 * smoke) scaled by the command line and the config, turned into the engine's schedule, and the
 * config's scenarios compiled into a plan for the virtual users.
 */
#ifndef STORECHECK_CHECKER_LOAD_SCENARIOS_H
#define STORECHECK_CHECKER_LOAD_SCENARIOS_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "loadgen/engine.h"
#include "loadgen/schedule.h"
#include "scenario/plan.h"
#include "scenario/profile.h"
#include "scenario/vu_users.h"

/* What the command line asked for; 0 where it did not. */
struct scenario_overrides {
    const char *profile; /* --profile NAME|FILE */
    uint64_t duration_us;
    double rate;
    uint64_t users;
    uint64_t connections, max_connections;
    int have_timeout;
    /* The run's id (--run-id): the users' random values ({{uuid}}, ...) are drawn from it, so
     * the segments of one run draw what one process would. NULL: from the clock. */
    const char *run_id;
};

struct scenario_run {
    struct profile profile;
    struct plan plan;
    struct vu_users users; /* the plan's users, as the engine takes them */
    struct lg_stage stages[SCHEDULE_MAX_STAGES];
    char profile_path[4096];
    int have_profile, have_plan;
};

/*
 * Load the profile, scale it, compile the plan and set the schedule, model, virtual users,
 * connections and timeout of p (whose target, TLS and threads are already set; headers are
 * "Name: value" lines for every request). 0, or -1 with a reason in err (a usage or config
 * error: exit 2).
 */
int scenario_run_prepare(struct scenario_run *sr, const struct config *cfg,
                         const struct scenario_overrides *o, const char *const *headers,
                         size_t header_count, struct loadgen_params *p, char *err, size_t errlen);
void scenario_run_free(struct scenario_run *sr);

/* The compiled plan, or NULL when there is none (a URL run). */
const struct plan *scenario_run_plan(const struct scenario_run *sr);

/* Draw the users' random values from run_id (as scenario_overrides.run_id does). */
void scenario_run_set_run_id(struct scenario_run *sr, const char *run_id);

#endif
