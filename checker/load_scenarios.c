#include "checker/load_scenarios.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/diag.h"

enum { DEFAULT_MAX_VUS = 1000, DEFAULT_PRE_VUS = 100, DEFAULT_CONNECTIONS = 100 };

static int load_profile(struct scenario_run *sr, const struct config *cfg, const char *arg,
                        char *err, size_t errlen)
{
    const char *dirs[PROFILE_DIRS];
    size_t ndirs = profile_dirs(cfg->dir, dirs);
    char why[512];
    if (profile_resolve(arg, dirs, ndirs, sr->profile_path, sizeof sr->profile_path, why,
                        sizeof why)) {
        snprintf(err, errlen, "profile: %s", why);
        return -1;
    }
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = profile_load(&sr->profile, sr->profile_path, &diags);
    if (rc) {
        diag_list_print(&diags, stderr);
        snprintf(err, errlen, "profile %s has errors", sr->profile_path);
    }
    diag_list_free(&diags);
    if (rc)
        return -1;
    sr->have_profile = 1;
    if (sr->profile.stage_count > SCHEDULE_MAX_STAGES) {
        snprintf(err, errlen, "profile %s: more than %d stages", arg, SCHEDULE_MAX_STAGES);
        return -1;
    }
    return 0;
}

/* --duration and --rate/--users (else load.duration and load.rate) reshape the profile. */
static int scale(struct scenario_run *sr, const struct config *cfg,
                 const struct scenario_overrides *o, char *err, size_t errlen)
{
    struct profile *pr = &sr->profile;
    uint64_t dur = o->duration_us ? o->duration_us : cfg->load.duration_ms * 1000;
    if (dur && profile_scale_duration(pr, dur)) {
        snprintf(err, errlen, "profile %s lasts 0s: it cannot be stretched", pr->file);
        return -1;
    }
    double peak = 0;
    if (pr->model == PROFILE_OPEN) {
        if (o->users) {
            snprintf(err, errlen, "--users applies to a closed profile; %s is open (--rate)",
                     pr->file);
            return -1;
        }
        peak = o->rate > 0 ? o->rate : cfg->load.rate;
    } else {
        if (o->rate > 0) {
            snprintf(err, errlen, "--rate applies to an open profile; %s is closed (--users)",
                     pr->file);
            return -1;
        }
        peak = (double)o->users;
    }
    if (peak > 0 && profile_scale_peak(pr, peak)) {
        snprintf(err, errlen, "profile %s has no load to scale", pr->file);
        return -1;
    }
    if (pr->model == PROFILE_OPEN && cfg->load.max_rate > 0 &&
        profile_peak(pr) > cfg->load.max_rate) {
        snprintf(err, errlen, "a rate of %g/s is above load.max_rate (%g/s)", profile_peak(pr),
                 cfg->load.max_rate);
        return -1;
    }
    return 0;
}

void scenario_run_set_run_id(struct scenario_run *sr, const char *run_id)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the id */
    for (const char *c = run_id; *c; c++)
        h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
    sr->plan.nonce = h;
}

int scenario_run_prepare(struct scenario_run *sr, const struct config *cfg,
                         const struct scenario_overrides *o, const char *const *headers,
                         size_t header_count, struct loadgen_params *p, char *err, size_t errlen)
{
    memset(sr, 0, sizeof *sr);
    const char *arg = o->profile ? o->profile : cfg->load.profile ? cfg->load.profile : "smoke";
    if (load_profile(sr, cfg, arg, err, errlen) || scale(sr, cfg, o, err, errlen))
        return -1;
    const struct profile *pr = &sr->profile;
    if (plan_build(&sr->plan, &cfg->load, &p->urls[0], headers, header_count, &pr->mix, err,
                   errlen))
        return -1;
    sr->have_plan = 1;
    if (o->run_id) {
        scenario_run_set_run_id(sr, o->run_id);
    } else {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        sr->plan.nonce = ((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec) ^
                         ((uint64_t)getpid() << 40);
    }
    sr->plan.think_min_us = pr->think_min_us;
    sr->plan.think_max_us = pr->think_max_us;

    for (size_t i = 0; i < pr->stage_count; i++)
        sr->stages[i] = (struct lg_stage){pr->stages[i].duration_us, pr->stages[i].target};
    vu_users_init(&sr->users, &sr->plan);
    p->users = &sr->users.desc;
    p->model = pr->model == PROFILE_OPEN ? LG_MODEL_OPEN : LG_MODEL_CLOSED;
    p->start = pr->start;
    p->stages = sr->stages;
    p->stage_count = pr->stage_count;
    p->duration_us = profile_duration_us(pr);
    p->pipeline = 1;
    if (!o->have_timeout && pr->timeout_ms)
        p->timeout_us = pr->timeout_ms * 1000;
    double peak = profile_peak(pr);
    if (p->model == LG_MODEL_OPEN) {
        p->vus_max = pr->max_vus ? pr->max_vus : DEFAULT_MAX_VUS;
        p->vus_initial = pr->pre_allocated_vus ? pr->pre_allocated_vus : DEFAULT_PRE_VUS;
        if (p->vus_initial > p->vus_max)
            p->vus_initial = p->vus_max;
        if (p->vus_max < p->threads) {
            snprintf(err, errlen, "max_vus (%u) is below the number of threads (%u)", p->vus_max,
                     p->threads);
            return -1;
        }
    }
    /* Users share connections: by default one per user up to DEFAULT_CONNECTIONS, and up
     * to four times that when users wait for one. */
    double users = p->model == LG_MODEL_OPEN ? p->vus_initial : peak;
    uint64_t conns = o->connections ? o->connections : cfg->load.connections;
    if (!conns)
        conns = (uint64_t)fmin(fmax(ceil(users), 1), DEFAULT_CONNECTIONS);
    if (conns < p->threads)
        conns = p->threads;
    p->connections = (uint32_t)conns;
    p->max_connections = (uint32_t)(o->max_connections ? o->max_connections : 4 * conns);
    if (p->max_connections < p->connections)
        p->max_connections = p->connections;
    if (p->duration_us == 0) {
        snprintf(err, errlen, "the run would last 0s");
        return -1;
    }
    return 0;
}

const struct plan *scenario_run_plan(const struct scenario_run *sr)
{
    return sr->have_plan ? &sr->plan : NULL;
}

void scenario_run_free(struct scenario_run *sr)
{
    if (sr->have_plan) {
        vu_users_free(&sr->users);
        plan_free(&sr->plan);
    }
    if (sr->have_profile)
        profile_free(&sr->profile);
    sr->have_plan = sr->have_profile = 0;
}
