#include "probes/engine.h"
#include "probes/shopper.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/mono_wait.h"
#include "common/oom.h"
#include "common/stop.h"
#include "probes/net.h"

enum {
    DEFAULT_DEADLINE_MS = 60000,
    DEFAULT_PROBE_TIMEOUT_MS = 15000,
    /* Probes mostly wait on the network: all of them at once, so that a target whose
     * every answer times out costs one probe timeout, not several. */
    DEFAULT_CONCURRENCY = 32,
    WATCH_SLICE_MS = 25,
};

void engine_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void engine_global_cleanup(void)
{
    curl_global_cleanup();
}

static int entry_matches(const char *entry, const struct probe *p)
{
    if (entry[0] && !entry[1])
        return toupper((unsigned char)entry[0]) == probe_group_letter(p->group);
    return strcasecmp(entry, p->id) == 0;
}

static int list_matches(const struct strv *list, const struct probe *p)
{
    for (size_t i = 0; list && i < list->count; i++)
        if (entry_matches(list->items[i], p))
            return 1;
    return 0;
}

static const struct probe *const *table_of(const struct engine_options *opt, size_t *n)
{
    if (opt && opt->table) {
        *n = opt->table_count;
        return opt->table;
    }
    *n = probe_registry_count;
    return probe_registry;
}

static int check_list(const struct strv *list, const struct probe *const *table, size_t n,
                      const char *what, char *err, size_t errlen)
{
    for (size_t i = 0; list && i < list->count; i++) {
        const char *e = list->items[i];
        int known = strlen(e) == 1 && strchr("STOREstore", e[0]);
        for (size_t k = 0; k < n && !known; k++)
            known = entry_matches(e, table[k]);
        if (!known) {
            snprintf(err, errlen, "%s: '%s' is neither a probe id nor a group letter (S T O R E)",
                     what, e);
            return -1;
        }
    }
    return 0;
}

int engine_check_selection(const struct engine_options *opt, char *err, size_t errlen)
{
    size_t n;
    const struct probe *const *table = table_of(opt, &n);
    if (check_list(opt->only, table, n, "--only", err, errlen) ||
        check_list(opt->skip, table, n, "--skip", err, errlen))
        return -1;
    return 0;
}

enum severity engine_severity(const struct config *cfg, const struct probe *p)
{
    enum severity sev = p->severity;
    for (size_t i = 0; i < cfg->audit.severity_override_count; i++)
        if (strcasecmp(cfg->audit.severity_overrides[i].probe_id, p->id) == 0)
            sev = cfg->audit.severity_overrides[i].severity;
    return sev;
}

int engine_preflight(const struct config *cfg, char *err, size_t errlen)
{
    uint64_t timeout = cfg->target.timeout_ms ? cfg->target.timeout_ms : 10000;
    int fd = net_connect(cfg->target.base.host, cfg->target.base.port, probe_now_ms() + timeout,
                         NULL, err, errlen);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* One slot per selected probe: the watchdog reads deadline/started/done under mu and sets
 * cancelled; the worker owns ctx and the result while it runs. */
struct slot {
    struct engine_item *item;
    atomic_int cancelled;
    uint64_t deadline;
    uint64_t started_at;
    int started;
    int done;
};

struct phase {
    const struct config *cfg;
    const struct shopper *shoppers;
    size_t shopper_count;
    struct slot **queue;
    size_t count;
    size_t next;
    size_t finished;
    uint64_t audit_deadline;
    uint64_t probe_timeout;
    const struct engine_observer *observer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void run_one(struct phase *ph, struct slot *s)
{
    struct probe_ctx ctx = {
        .cfg = ph->cfg,
        .probe = s->item->probe,
        .result = &s->item->result,
        .deadline_ms = s->deadline,
        .cancelled = &s->cancelled,
        .shoppers = ph->shoppers,
        .shopper_count = ph->shopper_count,
    };
    s->item->probe->run(&ctx);
    struct probe_result *r = &s->item->result;
    uint64_t end = probe_now_ms();
    r->elapsed_ms = end - s->started_at;
    if (stop_requested()) {
        probe_set(&ctx, PROBE_SKIP, "interrupted: the run was stopped while this probe ran");
    } else if (end >= s->deadline || atomic_load(&s->cancelled)) {
        int audit_cut = s->deadline == ph->audit_deadline;
        probe_set(&ctx, PROBE_ERROR, "timed out after %llu ms (%s)",
                  (unsigned long long)r->elapsed_ms,
                  audit_cut ? "the audit deadline" : "the probe timeout");
    } else if (!r->reason) {
        probe_set(&ctx, PROBE_ERROR, "internal error: the probe gave no verdict");
    }
}

static void *worker(void *arg)
{
    struct phase *ph = arg;
    pthread_mutex_lock(&ph->mu);
    while (ph->next < ph->count) {
        struct slot *s = ph->queue[ph->next++];
        uint64_t now = probe_now_ms();
        s->started = 1;
        s->started_at = now;
        s->deadline = now + ph->probe_timeout < ph->audit_deadline ? now + ph->probe_timeout
                                                                   : ph->audit_deadline;
        struct probe_ctx ctx = {.cfg = ph->cfg, .result = &s->item->result};
        if (stop_requested()) {
            probe_set(&ctx, PROBE_SKIP, "interrupted: not run, the run was stopped first");
        } else if (now >= ph->audit_deadline) {
            probe_set(&ctx, PROBE_ERROR, "not run: the audit deadline was reached first");
        } else {
            pthread_mutex_unlock(&ph->mu);
            if (ph->observer)
                ph->observer->started(ph->observer->ctx, s->item->probe);
            run_one(ph, s);
            pthread_mutex_lock(&ph->mu);
        }
        if (ph->observer)
            ph->observer->finished(ph->observer->ctx, s->item->probe, &s->item->result);
        s->done = 1;
        ph->finished++;
        pthread_cond_broadcast(&ph->cv);
    }
    pthread_mutex_unlock(&ph->mu);
    return NULL;
}

/* Run the queued slots on up to `threads` workers; cancel each one that passes its deadline,
 * and every one on a stop. Returns when every slot is done: all waits in probes end by their
 * deadline or cancellation. */
static void run_phase(struct phase *ph, unsigned threads)
{
    if (ph->count == 0)
        return;
    if (threads > ph->count)
        threads = (unsigned)ph->count;
    mono_cond_init(&ph->cv);
    pthread_mutex_init(&ph->mu, NULL);
    pthread_t *tids = xcalloc(threads, sizeof *tids);
    unsigned started = 0;
    for (unsigned i = 0; i < threads; i++)
        if (pthread_create(&tids[started], NULL, worker, ph) == 0)
            started++;
    if (started == 0)
        worker(ph); /* no thread to be had: run them here, one after another */
    pthread_mutex_lock(&ph->mu);
    while (ph->finished < ph->count) {
        struct timespec ts = mono_deadline_in_ms(WATCH_SLICE_MS);
        pthread_cond_timedwait(&ph->cv, &ph->mu, &ts);
        uint64_t now = probe_now_ms();
        int stopped = stop_requested();
        for (size_t i = 0; i < ph->count; i++) {
            struct slot *s = ph->queue[i];
            if (s->started && !s->done && (stopped || now >= s->deadline))
                atomic_store(&s->cancelled, 1);
        }
    }
    pthread_mutex_unlock(&ph->mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    pthread_cond_destroy(&ph->cv);
    pthread_mutex_destroy(&ph->mu);
}

/* audit.session, run before any probe: once, and a second time when T-SESSION-ISOLATION
 * (which compares two shoppers) is selected. Each run has a probe's time. Returns how many. */
static size_t run_shoppers(const struct config *cfg, const struct engine_report *sel,
                           struct shopper *out, uint64_t audit_deadline, uint64_t ptimeout)
{
    if (!cfg->audit.session || sel->count == 0)
        return 0;
    size_t n = 1;
    for (size_t i = 0; i < sel->count; i++)
        if (strcmp(sel->items[i].probe->id, "T-SESSION-ISOLATION") == 0)
            n = SHOPPER_MAX;
    atomic_int cancelled;
    atomic_init(&cancelled, 0);
    for (size_t i = 0; i < n; i++) {
        uint64_t now = probe_now_ms();
        uint64_t deadline = now + ptimeout < audit_deadline ? now + ptimeout : audit_deadline;
        shopper_run(cfg, cfg->audit.session, "shopper session (audit.session)", &out[i],
                    deadline, &cancelled);
    }
    return n;
}

int engine_run(const struct config *cfg, const struct engine_options *opt,
               struct engine_report *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (engine_check_selection(opt, err, errlen))
        return -1;
    size_t n;
    const struct probe *const *table = table_of(opt, &n);
    const struct strv *only = opt->only && opt->only->count ? opt->only
                              : cfg->audit.only.count       ? &cfg->audit.only
                                                            : NULL;
    const struct strv *skip = opt->skip && opt->skip->count ? opt->skip : &cfg->audit.skip;

    uint64_t t0 = probe_now_ms();
    out->items = xcalloc(n ? n : 1, sizeof *out->items);
    for (size_t i = 0; i < n; i++) {
        const struct probe *p = table[i];
        if ((only && !list_matches(only, p)) || list_matches(skip, p))
            continue;
        struct engine_item *it = &out->items[out->count++];
        it->probe = p;
        it->severity = engine_severity(cfg, p);
        arena_init(&it->result.arena);
    }
    if (opt->observer)
        opt->observer->selected(opt->observer->ctx, out->count);

    uint64_t deadline = opt->deadline_ms         ? opt->deadline_ms
                        : cfg->audit.deadline_ms ? cfg->audit.deadline_ms
                                                 : DEFAULT_DEADLINE_MS;
    uint64_t ptimeout = opt->probe_timeout_ms         ? opt->probe_timeout_ms
                        : cfg->audit.probe_timeout_ms ? cfg->audit.probe_timeout_ms
                                                      : DEFAULT_PROBE_TIMEOUT_MS;
    if (opt->detect_stack && out->count && !stop_requested())
        stack_detect(cfg, ptimeout < deadline ? ptimeout : deadline, &out->stack);
    struct slot *slots = xcalloc(out->count ? out->count : 1, sizeof *slots);
    struct slot **batch = xcalloc(out->count ? out->count : 1, sizeof *batch);
    struct slot **solo = xcalloc(out->count ? out->count : 1, sizeof *solo);
    size_t nbatch = 0, nsolo = 0;
    for (size_t i = 0; i < out->count; i++) {
        slots[i].item = &out->items[i];
        atomic_init(&slots[i].cancelled, 0);
        if (out->items[i].probe->flags & PROBE_SOLO)
            solo[nsolo++] = &slots[i];
        else
            batch[nbatch++] = &slots[i];
    }
    struct shopper *shoppers = xcalloc(SHOPPER_MAX, sizeof *shoppers);
    size_t nshoppers = run_shoppers(cfg, out, shoppers, t0 + deadline, ptimeout);
    struct phase ph = {.cfg = cfg,
                       .shoppers = shoppers,
                       .shopper_count = nshoppers,
                       .queue = batch,
                       .count = nbatch,
                       .audit_deadline = t0 + deadline,
                       .probe_timeout = ptimeout,
                       .observer = opt->observer};
    run_phase(&ph, opt->concurrency ? opt->concurrency : DEFAULT_CONCURRENCY);
    struct phase ph2 = {.cfg = cfg,
                        .shoppers = shoppers,
                        .shopper_count = nshoppers,
                        .queue = solo,
                        .count = nsolo,
                        .audit_deadline = t0 + deadline,
                        .probe_timeout = ptimeout,
                        .observer = opt->observer};
    run_phase(&ph2, 1);
    for (size_t i = 0; i < nshoppers; i++)
        shopper_free(&shoppers[i]);
    free(shoppers);
    free(batch);
    free(solo);
    free(slots);
    out->elapsed_ms = probe_now_ms() - t0;
    return 0;
}

void engine_report_free(struct engine_report *r)
{
    for (size_t i = 0; i < r->count; i++)
        arena_free(&r->items[i].result.arena);
    free(r->items);
    memset(r, 0, sizeof *r);
}
