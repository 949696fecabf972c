/*
 * Traffic profiles: the store-agnostic shape of a load run, from profiles/NAME.yaml.
 *
 *   model: open                # open: arrivals per second; closed: looping virtual users
 *   description: "..."         # optional, one line
 *   start_rate: 0              # open: the rate before the first stage (default 0)
 *   stages:                    # each ramps linearly from the previous target to its own
 *     - { duration: 1m, rate: 100 }     # open: rate (100, 6k/m, 20/s); closed: users
 *     - { duration: 0s, rate: 1000 }    # a zero duration jumps
 *   mix: { browse: 70, search: 15, cart: 10, checkout: 5 }   # scenario name: weight
 *   max_vus: 2000              # open: the virtual-user pool may grow to this
 *   pre_allocated_vus: 200     # open: users created before the start
 *   think_time: 1s-3s         # closed: pause between iterations (fixed or a range)
 *   timeout: 10s               # per request
 * A closed profile writes start_users and users instead of start_rate and rate.
 */
#ifndef STORECHECK_SCENARIO_PROFILE_H
#define STORECHECK_SCENARIO_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/diag.h"
#include "config/config.h"
#include "scenario/mix.h"

enum profile_model { PROFILE_OPEN, PROFILE_CLOSED };

struct profile_stage {
    uint64_t duration_us;
    double target; /* open: iterations per second; closed: virtual users */
    struct srcpos pos;
};

struct profile {
    const char *file; /* as given to profile_load/profile_parse; may be NULL */
    const char *description;
    enum profile_model model;
    double start; /* the target before the first stage */
    struct profile_stage *stages;
    size_t stage_count;
    struct mix mix;             /* count 0: every scenario equally (mix_from_scenarios) */
    uint32_t max_vus;           /* 0: not set */
    uint32_t pre_allocated_vus; /* 0: not set */
    uint64_t think_min_us;
    uint64_t think_max_us;
    uint64_t timeout_ms; /* 0: not set */
    struct arena arena;  /* owns everything above */
};

enum { PROFILE_MAX_STAGES = 1000 };

/*
 * Parse profile YAML text. file names it in diagnostics. 0, or -1 with every problem found
 * added to diags as file:line:col, key path and message; p is then freed already.
 */
int profile_parse(struct profile *p, const char *text, size_t len, const char *file,
                  struct diag_list *diags);
/* Read and parse a file. */
int profile_load(struct profile *p, const char *path, struct diag_list *diags);
void profile_free(struct profile *p);

/*
 * Find the file of --profile ARG: ARG itself when it holds a '/' or ends in .yaml/.yml,
 * else ARG.yaml in the first of dirs that has it (NULL entries are skipped). 0 with the path
 * in out, or -1 with a reason in err.
 */
int profile_resolve(const char *arg, const char *const *dirs, size_t ndirs, char *out,
                    size_t outlen, char *err, size_t errlen);
/* Where the installed profiles live (share/storecheck/profiles). */
const char *profile_installed_dir(void);
/* The folders --profile NAME searches, in order: $STORECHECK_PROFILE_DIR when set, the
 * installed folder, the source tree's profiles/ (for a build run without installing; not in a
 * build made with STORECHECK_SOURCE_PROFILES off, as a package is). Fills dirs (room for 3)
 * and returns how many. */
size_t profile_search_dirs(const char *dirs[3]);

enum { PROFILE_DIRS = 5 };
/* Where a config's profile is looked for: the config's folder (config_dir), ./profiles, then
 * profile_search_dirs. Fills dirs and returns how many. */
size_t profile_dirs(const char *config_dir, const char *dirs[PROFILE_DIRS]);

uint64_t profile_duration_us(const struct profile *p);
/* The largest target of the run (start included). */
double profile_peak(const struct profile *p);
/* The target at t microseconds after the start; the last target after the end. */
double profile_target_at(const struct profile *p, uint64_t t_us);
/* Open model: the iterations the profile asks for in [0, t), i.e. the integral of the rate. */
double profile_arrivals_until(const struct profile *p, uint64_t t_us);
/* Open model: the time at which the integral reaches n (the intended time of arrival n when
 * n counts from 0 in steps of 1). 0, or -1 when the run ends before (or n < 0). */
int profile_arrival_time(const struct profile *p, double n, uint64_t *t_us);

/* --duration: stretch or shrink every stage so the run lasts total_us. -1 if it lasts 0. */
int profile_scale_duration(struct profile *p, uint64_t total_us);
/* --rate (open) or users (closed): scale every target so the peak becomes peak. -1 if the
 * peak is 0. */
int profile_scale_peak(struct profile *p, double peak);

/* validate: every mix name must be a scenario the config defines. Adds a diagnostic for
 * each one that is not; returns how many. */
size_t profile_check_mix(const struct profile *p, const struct scenario *scenarios,
                         size_t scenario_count, struct diag_list *diags);

#endif
