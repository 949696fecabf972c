/*
 * What `storecheck run` loads the store with, from the config: the traffic shape (load.profile
 * scaled by load.duration/rate/max_rate, or a constant load.rate) and what each request is.
 *
 * With load.scenarios, virtual users run them under the profile (load_scenarios.h). Without,
 * the plan sends GETs round-robin to the shopper-facing endpoints (home, product page,
 * catalog, product, static asset; {{templates}} filled with 1).
 */
#ifndef STORECHECK_CHECKER_RUN_LOAD_H
#define STORECHECK_CHECKER_RUN_LOAD_H

#include <stddef.h>

#include "common/arena.h"
#include "checker/load_scenarios.h"
#include "config/config.h"
#include "loadgen/engine.h"
#include "reports/load_json.h"

struct run_load_plan {
    struct loadgen_params params;
    struct load_json_meta meta;
    char note[256];     /* what drives the load, for the reports */
    struct arena arena; /* owns the URLs, headers and stages */
    struct scenario_run scenarios; /* the profile and compiled scenarios of a scenario run */
};

/* 0 with the plan; 1 when the config asks for no load (no profile, no rate); -1 with err
 * (the profile cannot be found or read, no endpoint to load). */
int run_load_plan(const struct config *cfg, struct run_load_plan *plan, char *err, size_t errlen);
void run_load_plan_free(struct run_load_plan *plan);

#endif
