#include "checker/run_load.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/diag.h"
#include "scenario/profile.h"

static const enum endpoint loaded[] = {EP_HOME, EP_PRODUCT_PAGE, EP_CATALOG, EP_PRODUCT,
                                       EP_STATIC_ASSET};
enum { LOADED = sizeof loaded / sizeof *loaded };

/* base_url + path with every {{var}} replaced by 1. */
static char *endpoint_url(struct arena *a, const char *base, const char *path)
{
    char buf[URL_PATH_MAX + URL_HOST_MAX + 16];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", base);
    while (n && buf[n - 1] == '/')
        buf[--n] = '\0';
    for (const char *p = path; *p && n + 2 < sizeof buf;) {
        const char *end = strncmp(p, "{{", 2) == 0 ? strstr(p, "}}") : NULL;
        if (end) {
            buf[n++] = '1';
            p = end + 2;
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    return arena_strdup(a, buf);
}

static int add_urls(const struct config *cfg, struct run_load_plan *plan, char *err, size_t errlen)
{
    struct url *urls = arena_alloc(&plan->arena, LOADED * sizeof *urls);
    const char **texts = arena_alloc(&plan->arena, LOADED * sizeof *texts);
    size_t n = 0;
    for (size_t i = 0; i < LOADED; i++) {
        const char *path = cfg->target.endpoints[loaded[i]];
        if (!path)
            continue;
        texts[n] = endpoint_url(&plan->arena, cfg->target.base_url, path);
        if (url_parse(texts[n], &urls[n], err, errlen))
            return -1;
        n++;
    }
    if (!n) {
        snprintf(err, errlen,
                 "no endpoint to load: set target.endpoints home, catalog, "
                 "product_page, product or static_asset");
        return -1;
    }
    plan->params.urls = urls;
    plan->params.url_count = n;
    plan->meta.urls = texts;
    plan->meta.url_count = n;
    return 0;
}

static void add_headers(const struct config *cfg, struct run_load_plan *plan)
{
    const struct kv_list *h = &cfg->target.headers;
    const char **lines = arena_alloc(&plan->arena, (h->count ? h->count : 1) * sizeof *lines);
    for (size_t i = 0; i < h->count; i++)
        lines[i] = arena_printf(&plan->arena, "%s: %s", h->items[i].key, h->items[i].value);
    plan->params.headers = lines;
    plan->params.header_count = h->count;
    plan->meta.headers = lines;
    plan->meta.header_count = h->count;
    plan->meta.secrets = &cfg->secrets;
}

static int load_profile(const struct config *cfg, struct profile *p, char *err, size_t errlen)
{
    const char *dirs[3];
    size_t ndirs = profile_search_dirs(dirs);
    char path[4096];
    if (profile_resolve(cfg->load.profile, dirs, ndirs, path, sizeof path, err, errlen))
        return -1;
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = profile_load(p, path, &diags);
    if (rc && diags.count)
        diag_format(&diags.items[0], err, errlen);
    diag_list_free(&diags);
    if (rc)
        return -1;
    if (cfg->load.duration_ms)
        profile_scale_duration(p, cfg->load.duration_ms * 1000);
    return 0;
}

/* Open model: scale the rates so the peak is load.rate (when set), never above max_rate. */
static void scale_rate(const struct config *cfg, struct loadgen_params *lp, struct lg_stage *st,
                       double *peak)
{
    double want = cfg->load.rate > 0 ? cfg->load.rate : *peak;
    if (cfg->load.max_rate > 0 && want > cfg->load.max_rate)
        want = cfg->load.max_rate;
    if (!(*peak > 0) || want == *peak)
        return;
    double k = want / *peak;
    lp->start *= k;
    for (size_t i = 0; i < lp->stage_count; i++)
        st[i].target *= k;
    *peak = want;
}

/* How requests travel, the same for URL and scenario runs: threads, timeout, HTTP version, TLS
 * trust. */
static void transport(const struct config *cfg, struct loadgen_params *lp)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    lp->threads = cfg->load.threads ? cfg->load.threads : (uint32_t)(cores > 0 ? cores : 1);
    lp->timeout_us = cfg->load.timeout_ms * 1000;
    lp->http = lg_http_of(cfg->load.http);
    lp->insecure = cfg->target.insecure;
    lp->ca_file = cfg->target.ca_file;
}

static void shape(const struct config *cfg, struct run_load_plan *plan, const struct profile *p)
{
    struct loadgen_params *lp = &plan->params;
    transport(cfg, lp);
    lp->pipeline = 1;
    double peak;
    struct lg_stage *st = NULL;
    if (p) {
        /* Users who pause between requests cannot be driven by a URL engine (it has no think
         * time): by Little's law they send users / mean think time requests per second, so
         * such a profile runs as that open-model rate. */
        double per_user = 1;
        lp->model = p->model == PROFILE_OPEN ? LG_MODEL_OPEN : LG_MODEL_CLOSED;
        if (p->model == PROFILE_CLOSED && p->think_max_us > 0) {
            per_user = 2e6 / (double)(p->think_min_us + p->think_max_us);
            lp->model = LG_MODEL_OPEN;
        }
        lp->start = p->start * per_user;
        st = arena_alloc(&plan->arena, (p->stage_count + 1) * sizeof *st);
        for (size_t i = 0; i < p->stage_count; i++)
            st[i] = (struct lg_stage){p->stages[i].duration_us, p->stages[i].target * per_user};
        lp->stages = st;
        lp->stage_count = p->stage_count;
        lp->duration_us = profile_duration_us(p);
        peak = profile_peak(p) * per_user;
    } else {
        lp->model = LG_MODEL_OPEN;
        lp->start = cfg->load.rate;
        lp->duration_us = (cfg->load.duration_ms ? cfg->load.duration_ms : 10000) * 1000;
        peak = cfg->load.rate;
    }
    if (lp->model == LG_MODEL_OPEN) {
        scale_rate(cfg, lp, st, &peak);
        uint32_t conns =
            cfg->load.connections ? cfg->load.connections : (uint32_t)fmin(1000, ceil(peak / 100));
        lp->connections = conns < lp->threads ? lp->threads : conns;
        lp->max_connections = 4 * lp->connections;
    } else {
        lp->connections =
            cfg->load.connections ? cfg->load.connections : (uint32_t)(peak > 1 ? peak : 1);
        if (lp->threads > lp->connections)
            lp->threads = lp->connections;
    }
}

/* Virtual users run the config's scenarios under its profile (steady when only load.rate is
 * set) against base_url. */
static int plan_scenarios(const struct config *cfg, struct run_load_plan *plan, char *err,
                          size_t errlen)
{
    struct loadgen_params *lp = &plan->params;
    struct url *base = arena_alloc(&plan->arena, sizeof *base);
    const char **text = arena_alloc(&plan->arena, sizeof *text);
    *text = arena_strdup(&plan->arena, cfg->target.base_url);
    if (url_parse(*text, base, err, errlen))
        return -1;
    lp->urls = base;
    lp->url_count = 1;
    plan->meta.urls = text;
    plan->meta.url_count = 1;
    add_headers(cfg, plan);
    transport(cfg, lp);
    struct scenario_overrides o = {.profile = cfg->load.profile ? NULL : "steady"};
    if (scenario_run_prepare(&plan->scenarios, cfg, &o, plan->meta.headers,
                             plan->meta.header_count, lp, err, errlen))
        return -1;
    plan->meta.profile = plan->scenarios.profile_path;
    snprintf(plan->note, sizeof plan->note, "%zu scenarios under %s (%s model)",
             cfg->load.scenario_count, cfg->load.profile ? cfg->load.profile : "steady",
             lp->model == LG_MODEL_OPEN ? "open" : "closed");
    return 0;
}

int run_load_plan(const struct config *cfg, struct run_load_plan *plan, char *err, size_t errlen)
{
    memset(plan, 0, sizeof *plan);
    arena_init(&plan->arena);
    if (!cfg->load.profile && !(cfg->load.rate > 0))
        return 1;
    if (cfg->load.scenario_count)
        return plan_scenarios(cfg, plan, err, errlen);
    if (add_urls(cfg, plan, err, errlen))
        return -1;
    add_headers(cfg, plan);
    struct profile prof;
    int have_profile = cfg->load.profile != NULL;
    if (have_profile && load_profile(cfg, &prof, err, errlen))
        return -1;
    shape(cfg, plan, have_profile ? &prof : NULL);
    snprintf(plan->note, sizeof plan->note,
             "%s load: GET round-robin over %zu configured endpoints (%s%s); no load.scenarios "
             "configured",
             have_profile ? cfg->load.profile : "constant-rate", plan->params.url_count,
             plan->params.model == LG_MODEL_OPEN ? "open model" : "closed model",
             have_profile && prof.model == PROFILE_CLOSED && plan->params.model == LG_MODEL_OPEN
                 ? ", users / mean think time as the rate"
                 : "");
    if (have_profile)
        profile_free(&prof);
    return 0;
}

void run_load_plan_free(struct run_load_plan *plan)
{
    scenario_run_free(&plan->scenarios);
    arena_free(&plan->arena);
}
