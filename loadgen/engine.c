#include "loadgen/engine.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "common/oom.h"
#include "loadgen/clock.h"
#include "loadgen/request_list.h"
#include "loadgen/tls.h"
#include "loadgen/worker.h"

enum { DEFAULT_HEAD_LIMIT = 64 * 1024, MAX_DRAIN_US = 2000000 };
/* HTTP/2 streams per connection unless asked (RFC 9113 suggests servers allow at least 100). */
enum { DEFAULT_STREAMS = 100, MAX_STREAMS = 10000 };

struct engine {
    struct loadgen_params params;
    struct request *requests;
    size_t request_count;
    struct request_list list;
    struct lg_shared sh;
    struct series series;
    struct worker *workers;
    unsigned started; /* threads running */
    uint32_t initial_total;
    int interrupted;
    int aborted; /* stopped by engine_abort */
    int64_t started_unix_ms;
    char host[URL_HOST_MAX];
};

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

static uint32_t share(uint64_t total, unsigned parts, unsigned id)
{
    return (uint32_t)(total / parts + (id < total % parts ? 1 : 0));
}

static int check_params(const struct loadgen_params *p, char *err, size_t errlen)
{
    if (p->url_count == 0)
        return fail(err, errlen, "no URL to load");
    const struct url *u0 = &p->urls[0];
    for (size_t i = 1; i < p->url_count; i++) {
        const struct url *u = &p->urls[i];
        if (u->tls != u0->tls || u->port != u0->port || strcasecmp(u->host, u0->host) != 0)
            return fail(err, errlen, "all URLs of a run must share scheme, host and port");
    }
    if (p->threads == 0 || p->pipeline == 0 || p->timeout_us == 0 || p->duration_us == 0)
        return fail(err, errlen, "threads, pipeline, timeout and duration must be > 0");
    if (p->stage_count > SCHEDULE_MAX_STAGES)
        return fail(err, errlen, "too many stages");
    if ((p->model == LG_MODEL_OPEN || p->users) && p->max_connections == 0)
        return fail(err, errlen, "the open model needs max_connections > 0");
    if (p->users && (!p->users->create || p->users->request_max == 0))
        return fail(err, errlen, "a source of users needs create and request_max");
    if (p->users && p->pipeline != 1)
        return fail(err, errlen, "users send one request at a time per connection");
    if (p->streams > MAX_STREAMS)
        return fail(err, errlen, "streams must be at most 10000 per connection");
    if (p->users && p->model == LG_MODEL_OPEN && p->vus_max == 0)
        return fail(err, errlen, "users in the open model need vus_max > 0");
    return 0;
}

static int resolve(struct engine *e, const struct url *u, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char port[16];
    snprintf(port, sizeof port, "%u", u->port);
    int rc = getaddrinfo(u->host, port, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "cannot resolve %s: %s", u->host, gai_strerror(rc));
        return -1;
    }
    memcpy(&e->sh.addr, res->ai_addr, res->ai_addrlen);
    e->sh.addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int host_is_ip(const char *host)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST}, *res = NULL;
    if (getaddrinfo(host, NULL, &hints, &res) != 0)
        return 0;
    freeaddrinfo(res);
    return 1;
}

enum lg_http lg_http_of(enum load_http h)
{
    return h == LOAD_HTTP_2 ? LG_HTTP_2 : h == LOAD_HTTP_AUTO ? LG_HTTP_AUTO : LG_HTTP_1;
}

int engine_create(struct engine **out, const struct loadgen_params *p, char *err, size_t errlen)
{
    *out = NULL;
    if (check_params(p, err, errlen))
        return ENGINE_BAD_PARAMS;
    int rc = ENGINE_CANNOT_RUN;
    struct engine *e = xcalloc(1, sizeof *e);
    e->params = *p;
    const struct url *u0 = &p->urls[0];
    snprintf(e->host, sizeof e->host, "%s", u0->host);
    if (resolve(e, u0, err, errlen))
        goto fail;
    e->requests = xcalloc(p->url_count, sizeof *e->requests);
    for (size_t i = 0; i < p->url_count && !p->users; i++) {
        if (request_build(&e->requests[i], p->method ? p->method : "GET", &p->urls[i], p->headers,
                          p->header_count, p->body, p->body_len, err, errlen)) {
            rc = ENGINE_BAD_PARAMS;
            goto fail;
        }
        e->request_count++;
    }
    if (u0->tls) {
        static const char *const alpn[] = {[LG_HTTP_1] = "\x08http/1.1",
                                           [LG_HTTP_2] = "\x02h2",
                                           [LG_HTTP_AUTO] = "\x02h2\x08http/1.1"};
        e->sh.ssl_ctx =
            tls_ctx_new(p->insecure, p->ca_file, alpn[p->http], conn_on_new_session, err, errlen);
        if (!e->sh.ssl_ctx)
            goto fail;
    }
    e->sh.host = e->host;
    e->sh.host_is_ip = host_is_ip(e->host);
    request_list_init(&e->list, e->requests, e->request_count);
    e->sh.list = &e->list.base;
    schedule_init(&e->sh.schedule, p->start, p->stages, p->stage_count, p->duration_us);
    e->sh.model = p->model;
    e->sh.threads = p->threads;
    e->sh.segment = p->segment.count ? p->segment : SEGMENT_WHOLE;
    e->sh.arrival_stride = segment_arrival_stride(e->sh.segment, p->threads);
    e->sh.pipeline = p->pipeline;
    e->sh.http = p->http;
    e->sh.streams = p->http == LG_HTTP_1 ? 0 : p->streams ? p->streams : DEFAULT_STREAMS;
    e->sh.per_conn = e->sh.streams > p->pipeline ? e->sh.streams : p->pipeline;
    e->sh.timeout_us = p->timeout_us;
    e->sh.drain_us = p->timeout_us < MAX_DRAIN_US ? p->timeout_us : MAX_DRAIN_US;
    e->sh.head_limit = p->head_limit ? p->head_limit : DEFAULT_HEAD_LIMIT;
    series_init(&e->series, p->threads, p->users ? p->users->step_count : 0);
    e->sh.series = &e->series;
    e->sh.users = p->users;
    e->sh.snapshots = p->snapshots;

    /* Connection slots per worker: the open model's (or a source of users') cap, or the closed
     * model's peak. */
    double peak = p->start;
    for (size_t i = 0; i < p->stage_count; i++)
        if (p->stages[i].target > peak)
            peak = p->stages[i].target;
    uint64_t slots, initial;
    if (p->model == LG_MODEL_OPEN || p->users) {
        slots = p->max_connections;
        initial = p->connections < slots ? p->connections : slots;
    } else {
        slots = segment_share(e->sh.segment, (uint64_t)(peak + 0.5));
        initial = segment_share(e->sh.segment, (uint64_t)(p->start + 0.5));
    }
    if (p->users) {
        const struct segment seg = e->sh.segment;
        e->sh.vus_initial =
            p->model == LG_MODEL_OPEN ? (uint32_t)segment_share(seg, p->vus_initial) : 0;
        e->sh.vus_max = (uint32_t)segment_share(
            seg, p->model == LG_MODEL_OPEN ? p->vus_max : (uint64_t)(peak + 0.5));
        e->sh.users_run = p->model == LG_MODEL_OPEN ? 0 : (uint32_t)(peak + 0.5);
    }
    e->workers = xcalloc(p->threads, sizeof *e->workers);
    for (unsigned i = 0; i < p->threads; i++) {
        uint32_t init_i = share(initial, p->threads, i);
        if (worker_init(&e->workers[i], i, &e->sh, share(slots, p->threads, i), init_i)) {
            snprintf(err, errlen, "cannot create an event loop: %s", strerror(errno));
            goto fail;
        }
        e->initial_total += e->workers[i].initial;
    }
    *out = e;
    return 0;
fail:
    engine_destroy(e);
    return rc;
}

static void stop_all(struct engine *e)
{
    for (unsigned i = 0; i < e->started; i++)
        ev_async_send(e->workers[i].loop, &e->workers[i].stop_watcher);
}

static void join_all(struct engine *e)
{
    for (unsigned i = 0; i < e->started; i++)
        pthread_join(e->workers[i].thread, NULL);
    e->started = 0;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

int engine_start(struct engine *e, char *err, size_t errlen)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (unsigned i = 0; i < e->params.threads; i++) {
        if (worker_start(&e->workers[i]) != 0) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            stop_all(e);
            join_all(e);
            return fail(err, errlen, "cannot start a worker thread");
        }
        e->started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    /* Each initial connection ends connected or failed within the timeout. */
    uint64_t give_up = clock_us() + e->params.timeout_us + 200000;
    unsigned ready = 0, failed = 0;
    while (clock_us() < give_up) {
        ready = atomic_load(&e->sh.initial_ready);
        failed = atomic_load(&e->sh.initial_failed);
        if (ready + failed >= e->initial_total)
            break;
        sleep_us(1000);
    }
    if (e->initial_total > 0 && ready == 0) {
        stop_all(e);
        join_all(e);
        for (unsigned i = 0; i < e->params.threads; i++)
            if (e->workers[i].first_error[0]) {
                snprintf(err, errlen, "cannot connect to %s port %u: %s", e->host,
                         e->params.urls[0].port, e->workers[i].first_error);
                return -1;
            }
        snprintf(err, errlen, "cannot connect to %s port %u: no connection within the timeout",
                 e->host, e->params.urls[0].port);
        return -1;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    e->started_unix_ms = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
    atomic_store(&e->sh.t0, clock_us());
    for (unsigned i = 0; i < e->started; i++)
        ev_async_send(e->workers[i].loop, &e->workers[i].go_watcher);
    return 0;
}

int engine_done(struct engine *e)
{
    return atomic_load(&e->sh.finished) >= e->started;
}

void engine_interrupt(struct engine *e)
{
    /* After the planned end only the drain is cut short: the run itself was complete. */
    if (engine_elapsed_us(e) < e->params.duration_us)
        e->interrupted = 1;
    stop_all(e);
}

int engine_latest(struct engine *e, struct lg_second *row)
{
    return series_latest(&e->series, row);
}

uint64_t engine_elapsed_us(const struct engine *e)
{
    uint64_t t0 = atomic_load(&((struct engine *)e)->sh.t0);
    return t0 ? clock_us() - t0 : 0;
}

/* Empty, named per-step and per-scenario entries for the source's users. */
static void name_scenarios(const struct source_users *u, struct load_result *r)
{
    r->step_count = u->step_count;
    r->steps = xcalloc(u->step_count + 1, sizeof *r->steps);
    r->scenario_count = u->scenario_count;
    r->scenarios = xcalloc(u->scenario_count + 1, sizeof *r->scenarios);
    for (size_t s = 0; s < u->scenario_count; s++) {
        const struct source_scenario *us = &u->scenarios[s];
        struct lg_scenario_stats *sc = &r->scenarios[s];
        sc->name = xstrdup(us->name);
        lg_scenario_hists_new(sc);
        sc->first_step = us->first_step;
        sc->step_count = us->step_count;
        for (size_t j = us->first_step; j < us->first_step + us->step_count; j++) {
            struct lg_step_stats *st = &r->steps[j];
            st->name = xstrdup(u->steps[j].name);
            st->scenario = xstrdup(us->name);
            st->latency = hist_new();
            st->check_count = u->steps[j].check_count;
            st->checks = xcalloc(st->check_count + 1, sizeof *st->checks);
            for (size_t k = 0; k < st->check_count; k++)
                st->checks[k] = xstrdup(u->steps[j].checks[k]);
        }
    }
}

static void add_scenarios(struct load_result *r, const struct lg_step_stats *steps,
                          const struct lg_scenario_stats *scenarios)
{
    for (size_t s = 0; s < r->scenario_count; s++)
        lg_scenario_stats_add(&r->scenarios[s], &scenarios[s]);
    for (size_t k = 0; k < r->step_count; k++)
        lg_step_stats_add(&r->steps[k], &steps[k]);
}

/* The per-step and per-scenario numbers of every worker. */
static void merge_scenarios(const struct engine *e, struct load_result *r)
{
    name_scenarios(e->params.users, r);
    r->vus_max = e->sh.vus_max;
    for (unsigned i = 0; i < e->params.threads; i++) {
        const struct request_source *src = e->workers[i].src;
        add_scenarios(r, src->steps, src->scenarios);
        r->vus_peak += src->peak;
    }
}

void engine_snapshot(struct engine *e, struct load_result *r)
{
    const struct loadgen_params *p = &e->params;
    memset(r, 0, sizeof *r);
    r->model = p->model;
    r->elapsed_us = engine_elapsed_us(e);
    r->latency = hist_new();
    if (p->users)
        name_scenarios(p->users, r);
    for (unsigned i = 0; i < e->started && e->sh.snapshots; i++) {
        struct worker_snapshot *sn = e->workers[i].snap;
        pthread_mutex_lock(&sn->mu);
        lg_counters_add(&r->totals, &sn->c);
        hist_merge(r->latency, sn->latency);
        if (p->users)
            add_scenarios(r, sn->steps, sn->scenarios);
        pthread_mutex_unlock(&sn->mu);
    }
}

void engine_abort(struct engine *e)
{
    e->aborted = 1;
    stop_all(e);
}

void engine_finish(struct engine *e, struct load_result *r)
{
    const struct loadgen_params *p = &e->params;
    join_all(e);
    series_finish(&e->series);
    memset(r, 0, sizeof *r);
    r->model = p->model;
    r->interrupted = e->interrupted;
    r->aborted = e->aborted;
    r->tls = p->urls[0].tls;
    r->threads = p->threads;
    r->connections = p->model == LG_MODEL_OPEN || p->users
                         ? p->connections
                         : (uint32_t)segment_share(e->sh.segment, (uint64_t)(p->start + 0.5));
    r->max_connections = p->model == LG_MODEL_OPEN ? p->max_connections : e->workers[0].nconns;
    if (p->model == LG_MODEL_CLOSED) {
        r->max_connections = 0;
        for (unsigned i = 0; i < p->threads; i++)
            r->max_connections += e->workers[i].nconns;
    }
    r->pipeline = p->pipeline;
    r->http = p->http;
    r->timeout_us = p->timeout_us;
    r->duration_us = p->duration_us;
    r->start_target = p->start;
    r->stage_count = p->stage_count;
    if (p->stage_count) {
        r->stages = xmalloc(p->stage_count * sizeof *r->stages);
        memcpy(r->stages, p->stages, p->stage_count * sizeof *r->stages);
    }
    r->started_unix_ms = e->started_unix_ms;
    r->segment = e->sh.segment;
    r->latency = hist_new();
    r->latency_uncorrected = hist_new();
    r->connect = hist_new();
    r->tls_handshake = hist_new();
    r->ttfb = hist_new();
    r->schedule_lag = hist_new();
    uint64_t t0 = atomic_load(&e->sh.t0);
    for (unsigned i = 0; i < p->threads; i++) {
        const struct worker *w = &e->workers[i];
        lg_counters_add(&r->totals, &w->c);
        hist_merge(r->latency, w->latency);
        hist_merge(r->latency_uncorrected,
                   p->model == LG_MODEL_OPEN ? w->latency_uncorrected : w->latency);
        hist_merge(r->connect, w->connect);
        hist_merge(r->tls_handshake, w->tls);
        hist_merge(r->ttfb, w->ttfb);
        hist_merge(r->schedule_lag, w->lag);
        r->scheduled += w->scheduled;
        if (t0 && w->stopped_at > t0 && w->stopped_at - t0 > r->elapsed_us)
            r->elapsed_us = w->stopped_at - t0;
        if (!r->first_error[0] && w->first_error[0])
            snprintf(r->first_error, sizeof r->first_error, "%s", w->first_error);
    }
    r->peak_connections = gauge_peak(&e->sh.connections);
    double secs = (double)r->elapsed_us / 1e6;
    if (secs > 0) {
        r->achieved_rate = (double)r->totals.responses / secs;
        if (p->model == LG_MODEL_OPEN)
            r->requested_rate = (double)r->scheduled / secs;
    }
    r->seconds = series_take(&e->series, &r->seconds_count);
    if (p->users)
        merge_scenarios(e, r);
    /* A latency is at most the wait for a connection plus the request, each bounded by the
     * timeout, which is within the histogram's range: a clamped one is a bug, not a figure. */
    r->totals.internal_errors += r->latency->clamped;
    for (size_t k = 0; k < r->step_count; k++)
        r->totals.internal_errors += r->steps[k].latency->clamped;
}

void engine_destroy(struct engine *e)
{
    if (!e)
        return;
    if (e->started) {
        stop_all(e);
        join_all(e);
    }
    if (e->workers) {
        for (unsigned i = 0; i < e->params.threads; i++)
            worker_free(&e->workers[i]);
        free(e->workers);
        series_free(&e->series);
    }
    for (size_t i = 0; i < e->request_count; i++)
        request_free(&e->requests[i]);
    free(e->requests);
    if (e->sh.ssl_ctx)
        SSL_CTX_free(e->sh.ssl_ctx);
    free(e);
}
