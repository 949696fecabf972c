#include "loadgen/worker.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/oom.h"
#include "loadgen/clock.h"

enum { BACKOFF_US = 100000 }; /* between failed connects of one connection */

static uint32_t share(uint64_t total, unsigned parts, unsigned id)
{
    return (uint32_t)(total / parts + (id < total % parts ? 1 : 0));
}

/* The source runs users, not a list of requests. */
static int has_users(const struct worker *w)
{
    return w->src->ops->ramp != NULL;
}

/* Connections are a pool that requests (or users) take from the free list: the open model,
 * and every source of users. Otherwise each connection loops on its own (closed model). */
static int pooled(const struct worker *w)
{
    return w->sh->model == LG_MODEL_OPEN || has_users(w);
}

/* --- free list (open model) --- */

void worker_free_push(struct worker *w, struct conn *c)
{
    if (c->in_free)
        return;
    c->in_free = 1;
    c->prev_free = NULL;
    c->next_free = w->free_head;
    if (w->free_head)
        w->free_head->prev_free = c;
    w->free_head = c;
}

void worker_free_remove(struct worker *w, struct conn *c)
{
    if (!c->in_free)
        return;
    if (c->prev_free)
        c->prev_free->next_free = c->next_free;
    else
        w->free_head = c->next_free;
    if (c->next_free)
        c->next_free->prev_free = c->prev_free;
    c->in_free = 0;
    c->prev_free = c->next_free = NULL;
}

/* --- the end --- */

static void take_snapshot(struct worker *w)
{
    struct worker_snapshot *sn = w->snap;
    const struct source_users *users = w->sh->users;
    pthread_mutex_lock(&sn->mu);
    sn->c = w->c;
    hist_reset(sn->latency);
    hist_merge(sn->latency, w->latency);
    for (size_t i = 0; users && i < users->step_count; i++) {
        struct hist *h = sn->steps[i].latency;
        hist_reset(h);
        sn->steps[i] = (struct lg_step_stats){.latency = h};
        lg_step_stats_add(&sn->steps[i], &w->src->steps[i]);
    }
    for (size_t i = 0; users && i < users->scenario_count; i++) {
        struct lg_scenario_stats *sc = &sn->scenarios[i];
        hist_reset(sc->duration);
        hist_reset(sc->active);
        hist_reset(sc->think);
        *sc = (struct lg_scenario_stats){
            .duration = sc->duration, .active = sc->active, .think = sc->think};
        lg_scenario_stats_add(&sn->scenarios[i], &w->src->scenarios[i]);
    }
    pthread_mutex_unlock(&sn->mu);
}

static void snapshot_init(struct worker *w)
{
    const struct source_users *users = w->sh->users;
    size_t steps = users ? users->step_count : 0, scenarios = users ? users->scenario_count : 0;
    struct worker_snapshot *sn = xcalloc(1, sizeof *sn);
    pthread_mutex_init(&sn->mu, NULL);
    sn->latency = hist_new();
    sn->steps = xcalloc(steps + 1, sizeof *sn->steps);
    for (size_t i = 0; i < steps; i++)
        sn->steps[i].latency = hist_new();
    sn->scenarios = xcalloc(scenarios + 1, sizeof *sn->scenarios);
    for (size_t i = 0; i < scenarios; i++)
        lg_scenario_hists_new(&sn->scenarios[i]);
    w->snap = sn;
}

static void snapshot_free(struct worker *w)
{
    struct worker_snapshot *sn = w->snap;
    const struct source_users *users = w->sh->users;
    if (!sn)
        return;
    for (size_t i = 0; users && i < users->step_count; i++)
        hist_free(sn->steps[i].latency);
    for (size_t i = 0; users && i < users->scenario_count; i++)
        lg_scenario_hists_free(&sn->scenarios[i]);
    free(sn->steps);
    free(sn->scenarios);
    hist_free(sn->latency);
    pthread_mutex_destroy(&sn->mu);
    free(sn);
}

static void submit_second(struct worker *w)
{
    if (w->snap)
        take_snapshot(w);
    w->iv.connections = w->open_second_peak;
    w->iv.users = w->src->second_peak;
    w->open_second_peak = w->open;
    w->src->second_peak = w->src->busy;
    series_submit(w->sh->series, w->second, &w->iv);
    series_interval_reset(&w->iv);
    w->second++;
}

static void finish(struct worker *w)
{
    if (w->finished)
        return;
    w->finished = 1;
    /* Refused and not sent again before the end: sent once, never answered. */
    w->c.requests += w->rlen;
    w->c.unfinished += w->rlen;
    w->rlen = 0;
    for (uint32_t i = 0; i < w->nconns; i++) {
        struct conn *c = &w->conns[i];
        w->c.unfinished += c->qlen;
        w->inflight -= c->qlen;
        conn_close(c);
    }
    if (has_users(w))
        w->src->ops->finish(w->src);
    ev_timer_stop(w->loop, &w->tick_timer);
    ev_timer_stop(w->loop, &w->drain_timer);
    ev_timer_stop(w->loop, &w->end_timer);
    ev_prepare_stop(w->loop, &w->flush_watcher);
    submit_second(w);
    ev_break(w->loop, EVBREAK_ALL);
}

/* Arrivals that were due but never sent are dropped, never silently forgotten. */
static void drop_due(struct worker *w, uint64_t until)
{
    const struct lg_shared *sh = w->sh;
    while (w->next_time != UINT64_MAX && w->next_time <= until) {
        if (has_users(w)) {
            w->src->ops->arrival_dropped(w->src, w->next_k);
        } else {
            w->c.dropped++;
            w->iv.dropped++;
        }
        w->scheduled++;
        w->next_k += sh->arrival_stride;
        uint64_t t = schedule_arrival_time(&sh->schedule, w->next_k, &w->stage_hint);
        w->next_time = t == UINT64_MAX ? UINT64_MAX : w->t0 + t;
    }
}

static void stop(struct worker *w, int drain)
{
    if (w->stopping)
        return;
    w->stopping = 1;
    uint64_t now = clock_us();
    w->stopped_at = now < w->end ? now : w->end;
    ev_io_stop(w->loop, &w->sched_watcher);
    ev_timer_stop(w->loop, &w->ramp_timer);
    ev_check_stop(w->loop, &w->check_watcher);
    if (w->sh->model == LG_MODEL_OPEN)
        drop_due(w, w->stopped_at);
    if (has_users(w))
        w->src->ops->stop(w->src);
    for (uint32_t i = 0; i < w->nconns; i++)
        if (w->conns[i].qlen == 0)
            conn_close(&w->conns[i]);
    if (!drain || w->inflight == 0 || !w->started) {
        finish(w);
        return;
    }
    ev_timer_set(&w->drain_timer, (double)w->sh->drain_us / 1e6, 0.0);
    ev_timer_start(w->loop, &w->drain_timer);
}

/* --- open model --- */

/* The open model's clock is a timerfd: libev's timers wake with millisecond granularity, which
 * would add up to a millisecond of schedule lag to every corrected latency. The timerfd is
 * re-armed only when the next wake must come earlier than the armed one. */
static void arm_sched(struct worker *w, uint64_t at)
{
    if (w->sched_at && w->sched_at <= at)
        return;
    struct itimerspec its = {.it_value = {(time_t)(at / 1000000), (long)(at % 1000000) * 1000}};
    if (timerfd_settime(w->sched_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
        w->sched_at = at;
}

static void advance(struct worker *w)
{
    w->scheduled++;
    w->next_k += w->sh->arrival_stride;
    uint64_t t = schedule_arrival_time(&w->sh->schedule, w->next_k, &w->stage_hint);
    w->next_time = t == UINT64_MAX ? UINT64_MAX : w->t0 + t;
}

/* Open closed connection slots until `waiting` are connecting (or every slot is open). */
static void open_more(struct worker *w, uint64_t waiting)
{
    for (uint32_t i = 0; i < w->nconns && w->open < w->nconns && w->connecting < waiting; i++)
        if (w->conns[i].state == CONN_CLOSED)
            conn_open(&w->conns[i]);
}

/* Count how late a request is written, from when it was due. */
static void record_lag(struct worker *w, uint64_t intended, uint64_t now)
{
    uint64_t lag = now - intended;
    hist_record(w->lag, lag);
    if (lag > LG_LATE_US) {
        w->c.late++;
        w->iv.late++;
    }
}

/* Sources of users: give waiting users free connections; open more for the rest. */
static void pump(struct worker *w)
{
    struct request_source *src = w->src;
    if (w->pumping || w->stopping)
        return;
    w->pumping = 1;
    uint64_t now = clock_us();
    while (src->nwait && w->free_head) {
        struct conn *c = w->free_head;
        if (!conn_can_take(c)) { /* the server lowered its limit */
            worker_free_remove(w, c);
            continue;
        }
        uint64_t intended = now;
        const struct request *req = src->ops->next(src, conn_slot(c), &w->cursor, &intended, now);
        if (!req)
            break;
        worker_free_remove(w, c);
        intended = worker_due(w, intended, now);
        record_lag(w, intended, now);
        conn_send(c, req, intended, now);
    }
    w->pumping = 0;
    if (src->nwait)
        open_more(w, src->nwait);
}

/* A user started waiting for a slot. */
static void on_wake(struct source_port *port)
{
    pump((struct worker *)((char *)port - offsetof(struct worker, port)));
}

/* Scenario runs, open model: start an iteration for every due arrival; arm the timer. */
static void dispatch_iterations(struct worker *w)
{
    uint64_t now = clock_us();
    w->pumping = 1; /* one pump after the batch */
    while (w->next_time <= now && !w->stopping) {
        uint64_t k = w->next_k, intended = w->next_time;
        advance(w);
        w->src->ops->arrival(w->src, k, intended);
    }
    w->pumping = 0;
    pump(w);
    if (!w->stopping && w->next_time != UINT64_MAX)
        arm_sched(w, w->next_time);
}

/* Open model: send the requests the server refused unprocessed first, as connections free. */
static void send_retries(struct worker *w, uint64_t now)
{
    while (w->rlen && w->free_head && !w->stopping) {
        struct conn *c = w->free_head;
        worker_free_remove(w, c);
        if (!conn_can_take(c))
            continue;
        struct retry_entry *r = &w->retries[w->rhead];
        w->rhead = (w->rhead + 1) % w->rcap;
        w->rlen--;
        w->c.retried++;
        c->next_retries = r->retries;
        if (conn_send(c, r->req, r->intended, now) == 0 && conn_can_take(c))
            worker_free_push(w, c);
    }
}

/* Send every due arrival that has a free connection; open connections for the rest (up to
 * the worker's slots); drop those that waited longer than the timeout; arm the timer. */
static void dispatch(struct worker *w)
{
    const struct lg_shared *sh = w->sh;
    if (has_users(w)) {
        dispatch_iterations(w);
        return;
    }
    uint64_t now = clock_us();
    send_retries(w, now);
    while (w->next_time <= now && !w->stopping) {
        if (w->next_time + sh->timeout_us <= now) {
            w->c.dropped++;
            w->iv.dropped++;
            advance(w);
            continue;
        }
        struct conn *c = w->free_head;
        if (!c) {
            /* Backlog: roughly how many arrivals wait, and connections to serve them. */
            double rate =
                schedule_value_at(&sh->schedule, now - w->t0) / (double)sh->arrival_stride;
            open_more(w, 1 + (uint64_t)((double)(now - w->next_time) * rate / 1e6));
            break;
        }
        if (!conn_can_take(c)) { /* the server lowered its limit */
            worker_free_remove(w, c);
            continue;
        }
        record_lag(w, w->next_time, now);
        uint64_t intended = w->next_time;
        advance(w);
        worker_free_remove(w, c);
        const struct request *req = w->src->ops->next(w->src, NULL, &w->cursor, &intended, now);
        if (conn_send(c, req, intended, now) == 0 && conn_can_take(c))
            worker_free_push(w, c);
    }
    if (w->stopping)
        return;
    if (w->next_time == UINT64_MAX)
        return;
    /* Wake for the next arrival, or to drop waiting ones once their time is up. */
    arm_sched(w, w->next_time > now ? w->next_time : w->next_time + sh->timeout_us);
}

/* The timerfd fired. Re-arming it clears its expiration count, so it is not read: when
 * dispatch arms the next wake there is nothing else to do, and otherwise it is disarmed. */
static void on_sched(struct ev_loop *loop, ev_io *io, int revents)
{
    struct worker *w = ev_userdata(loop);
    w->sched_at = 0;
    dispatch(w);
    if (w->sched_at == 0) {
        struct itimerspec off = {{0, 0}, {0, 0}};
        timerfd_settime(w->sched_fd, 0, &off, NULL);
    }
}

/* After every loop iteration: busy workers send on time without waiting for the timer. */
static void on_check(struct ev_loop *loop, ev_check *chk, int revents)
{
    struct worker *w = ev_userdata(loop);
    if (w->next_time <= clock_us())
        dispatch(w);
}

/* --- closed model --- */

/* This worker's share of the segment's share of the schedule's connections (or virtual users)
 * at now. */
static uint32_t closed_share(const struct worker *w, uint64_t now)
{
    const struct lg_shared *sh = w->sh;
    double total = schedule_value_at(&sh->schedule, now > w->t0 ? now - w->t0 : 0);
    return share(segment_share(sh->segment, (uint64_t)(total + 0.5)), sh->threads, w->id);
}

/* Activate or retire connection slots (or virtual users) to follow the schedule. */
static void ramp(struct worker *w, uint64_t now)
{
    uint32_t want = closed_share(w, now);
    if (has_users(w)) {
        w->src->ops->ramp(w->src, want);
        return;
    }
    if (want > w->nconns)
        want = w->nconns;
    for (uint32_t i = 0; i < w->nconns; i++) {
        struct conn *c = &w->conns[i];
        int on = i < want;
        if (on == c->active)
            continue;
        c->active = on;
        if (on && c->state == CONN_CLOSED)
            conn_open(c);
        else if (!on && c->qlen == 0 && c->state != CONN_CLOSED)
            conn_close(c);
    }
}

static void on_ramp(struct ev_loop *loop, ev_timer *t, int revents)
{
    ramp((struct worker *)ev_userdata(loop), clock_us());
}

/* --- connection callbacks --- */

static void report_initial(struct worker *w, struct conn *c, int ok)
{
    if (!c->initial)
        return;
    c->initial = 0;
    if (ok)
        atomic_fetch_add(&w->sh->initial_ready, 1);
    else
        atomic_fetch_add(&w->sh->initial_failed, 1);
}

void worker_conn_ready(struct worker *w, struct conn *c)
{
    report_initial(w, c, 1);
    if (!w->started || w->stopping)
        return;
    if (!pooled(w)) {
        if (c->active)
            conn_fill(c);
        return;
    }
    worker_free_push(w, c);
    if (has_users(w))
        pump(w);
    else
        dispatch(w);
}

void worker_conn_idle(struct worker *w, struct conn *c)
{
    if (w->stopping) {
        if (c->qlen == 0)
            conn_close(c);
        if (w->inflight == 0)
            finish(w);
        return;
    }
    if (!pooled(w)) {
        /* Refill a pipeline once all of it is answered, as wrk does: one write of N requests,
         * which the server also reads in one go, rather than a small write per read. */
        if (c->active && (c->qlen == 0 || c->proto->refill_each))
            conn_fill(c);
        else if (!c->active && c->qlen == 0)
            conn_close(c);
        return;
    }
    if (conn_can_take(c))
        worker_free_push(w, c);
    if (has_users(w))
        pump(w);
    else if (w->next_time <= clock_us())
        dispatch(w);
}

static void reconnect(struct worker *w, struct conn *c, uint64_t delay_us)
{
    if (w->stopping || !w->started)
        return;
    if (!pooled(w) && !c->active)
        return;
    if (delay_us)
        conn_backoff(c, delay_us);
    else
        conn_open(c);
}

void worker_conn_failed(struct worker *w, struct conn *c, enum lg_error cls, const char *why)
{
    int connecting = c->state != CONN_READY;
    uint64_t n = c->qlen ? c->qlen : 1;
    w->c.errors[cls] += n;
    w->iv.errors += n;
    w->inflight -= c->qlen;
    if (!w->first_error[0] && why)
        snprintf(w->first_error, sizeof w->first_error, "%s", why);
    report_initial(w, c, 0);
    conn_close(c);
    if (w->stopping) {
        if (w->inflight == 0)
            finish(w);
        return;
    }
    /* A server that breaks the protocol is not asked again at once. */
    reconnect(w, c, connecting || cls == LG_ERR_PROTOCOL ? BACKOFF_US : 0);
}

void worker_conn_closed(struct worker *w, struct conn *c, int backoff)
{
    if (w->stopping) {
        if (w->inflight == 0)
            finish(w);
        return;
    }
    reconnect(w, c, backoff ? BACKOFF_US : 0);
}

void worker_read_later(struct worker *w, struct conn *c)
{
    if (c->read_later)
        return;
    c->read_later = 1;
    c->next_read_later = w->read_later;
    w->read_later = c;
    if (!ev_is_active(&w->read_later_timer))
        ev_timer_start(w->loop, &w->read_later_timer);
}

/* A timer due at once, so the loop does not wait and the other due timers run in the same
 * round: a read event for each connection on the list. */
static void on_read_later(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct worker *w = ev_userdata(loop);
    struct conn *c = w->read_later;
    w->read_later = NULL;
    while (c) {
        struct conn *next = c->next_read_later;
        c->read_later = 0;
        c->next_read_later = NULL;
        if (c->state == CONN_READY)
            ev_feed_event(loop, &c->io, EV_READ);
        c = next;
    }
}

uint64_t worker_due(struct worker *w, uint64_t intended, uint64_t now)
{
    if (intended <= now)
        return intended;
    w->c.internal_errors++;
    return now;
}

void worker_response(struct worker *w, struct inflight *e, int status, uint64_t now)
{
    uint64_t corrected = now - e->intended;
    hist_record(w->latency, corrected);
    /* The closed model sends at the intended time: its uncorrected histogram is the same one,
     * filled at the merge. */
    if (w->sh->model == LG_MODEL_OPEN)
        hist_record(w->latency_uncorrected, now - e->sent);
    hist_record(w->iv.latency, corrected);
    gather_answer(&w->gather, w->loop, corrected);
    w->c.responses++;
    w->c.status[status]++;
    w->iv.responses++;
    if (status >= 500) {
        w->iv.status_5xx++;
        w->iv.status_503 += status == 503;
    } else if (status >= 400) {
        w->iv.status_4xx++;
    }
    struct lg_slot *slot = inflight_slot(e);
    if (slot && w->src->ops->answer)
        w->src->ops->answer(w->src, slot, status, now);
}

int worker_retry(struct worker *w, struct inflight *e, enum lg_error cls)
{
    if (w->stopping) { /* the run is over: it stays without an answer */
        w->c.unfinished++;
        return -1;
    }
    struct lg_slot *slot = inflight_slot(e);
    if (slot && w->src->ops->retry) {
        w->c.retried++;
        w->src->ops->retry(w->src, slot);
        return 0;
    }
    if (w->rlen == w->rcap) {
        worker_request_failed(w, e, cls, "refused by the server, and not sent again");
        return -1;
    }
    w->retries[(w->rhead + w->rlen) % w->rcap] =
        (struct retry_entry){e->req, e->intended, e->retries};
    w->rlen++;
    return 0;
}

const struct request *worker_next(struct worker *w, struct conn *c, uint64_t *intended,
                                  uint64_t now)
{
    if (w->rlen) {
        /* A refused request goes out again with its own intended time and retry count. */
        struct retry_entry *r = &w->retries[w->rhead];
        w->rhead = (w->rhead + 1) % w->rcap;
        w->rlen--;
        w->c.retried++;
        *intended = r->intended;
        c->next_retries = r->retries;
        return r->req;
    }
    c->next_retries = 0;
    return w->src->ops->next(w->src, NULL, &c->cursor, intended, now);
}

void worker_flush_later(struct worker *w, struct conn *c)
{
    if (c->flush_later)
        return;
    c->flush_later = 1;
    c->next_flush = w->flush_head;
    w->flush_head = c;
}

static void on_flush(struct ev_loop *loop, ev_prepare *p, int revents)
{
    struct worker *w = ev_userdata(loop);
    struct conn *c = w->flush_head;
    w->flush_head = NULL;
    while (c) {
        struct conn *next = c->next_flush;
        c->flush_later = 0;
        c->next_flush = NULL;
        conn_http2_flush(c);
        c = next;
    }
}

void worker_slot_failed(struct worker *w, struct lg_slot *slot, enum lg_error cls)
{
    if (w->src->ops->failed)
        w->src->ops->failed(w->src, slot, cls);
}

void worker_request_failed(struct worker *w, struct inflight *e, enum lg_error cls, const char *why)
{
    w->c.errors[cls]++;
    w->iv.errors++;
    if (!w->first_error[0] && why)
        snprintf(w->first_error, sizeof w->first_error, "%s", why);
    struct lg_slot *slot = inflight_slot(e);
    if (slot)
        worker_slot_failed(w, slot, cls);
}

/* --- the thread --- */

static void on_tick(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct worker *w = ev_userdata(loop);
    if (has_users(w))
        w->src->ops->tick(w->src, clock_us(), w->sh->timeout_us);
    submit_second(w);
}

static void on_end(struct ev_loop *loop, ev_timer *t, int revents)
{
    stop((struct worker *)ev_userdata(loop), 1);
}

static void on_drain(struct ev_loop *loop, ev_timer *t, int revents)
{
    finish((struct worker *)ev_userdata(loop));
}

/* Interrupted: stop sending, or cut a drain short. */
static void on_stop(struct ev_loop *loop, ev_async *a, int revents)
{
    struct worker *w = ev_userdata(loop);
    if (w->stopping)
        finish(w);
    else
        stop(w, 0);
}

static void on_go(struct ev_loop *loop, ev_async *a, int revents)
{
    struct worker *w = ev_userdata(loop);
    const struct lg_shared *sh = w->sh;
    if (w->started || w->stopping)
        return;
    w->started = 1;
    w->t0 = atomic_load(&sh->t0);
    w->end = w->t0 + sh->schedule.duration_us;
    uint64_t now = clock_us();
    double to_end = w->end > now ? (double)(w->end - now) / 1e6 : 0.0;
    ev_timer_set(&w->end_timer, to_end, 0.0);
    ev_timer_start(loop, &w->end_timer);
    uint64_t first_tick = w->t0 + 1000000;
    ev_timer_set(&w->tick_timer, first_tick > now ? (double)(first_tick - now) / 1e6 : 0.0, 1.0);
    ev_timer_start(loop, &w->tick_timer);

    /* Connections whose first connect failed before the start try again now. */
    if (!pooled(w)) {
        ramp(w, now);
        for (uint32_t i = 0; i < w->nconns; i++) {
            struct conn *c = &w->conns[i];
            if (!c->active)
                continue;
            if (c->state == CONN_READY)
                conn_fill(c);
            else if (c->state == CONN_CLOSED)
                conn_open(c);
        }
    } else {
        for (uint32_t i = 0; i < w->initial; i++) {
            struct conn *c = &w->conns[i];
            if (c->state == CONN_READY)
                worker_free_push(w, c);
            else if (c->state == CONN_CLOSED)
                conn_open(c);
        }
        if (sh->model == LG_MODEL_CLOSED) /* the users of a source of users */
            ramp(w, now);
    }
    if (sh->model == LG_MODEL_CLOSED) {
        if (sh->schedule.count > 1) {
            ev_timer_set(&w->ramp_timer, 0.1, 0.1);
            ev_timer_start(loop, &w->ramp_timer);
        }
        return;
    }
    w->next_k = segment_nth(sh->segment, w->id);
    uint64_t t = schedule_arrival_time(&sh->schedule, w->next_k, &w->stage_hint);
    w->next_time = t == UINT64_MAX ? UINT64_MAX : w->t0 + t;
    ev_io_start(loop, &w->sched_watcher);
    ev_check_start(loop, &w->check_watcher);
    dispatch(w);
}

static void *run(void *arg)
{
    struct worker *w = arg;
    /* Connections opened before the start; the first `initial` slots. */
    for (uint32_t i = 0; i < w->initial; i++) {
        w->conns[i].initial = 1;
        w->conns[i].active = !pooled(w);
        conn_open(&w->conns[i]);
    }
    if (!w->finished)
        ev_run(w->loop, 0);
    atomic_fetch_add(&w->sh->finished, 1);
    return NULL;
}

int worker_init(struct worker *w, unsigned id, struct lg_shared *sh, uint32_t nconns,
                uint32_t initial)
{
    memset(w, 0, sizeof *w);
    w->sched_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (w->sched_fd < 0)
        return -1;
    w->loop = ev_loop_new(EVFLAG_AUTO);
    if (!w->loop) {
        close(w->sched_fd);
        return -1;
    }
    w->id = id;
    w->sh = sh;
    w->nconns = nconns;
    w->initial = initial < nconns ? initial : nconns;
    w->next_time = UINT64_MAX;
    ev_set_userdata(w->loop, w);
    size_t slots = nconns ? nconns : 1;
    w->conns = xcalloc(slots, sizeof *w->conns);
    size_t per = sh->per_conn;
    w->qslab = xcalloc(slots * per, sizeof *w->qslab);
    /* One slab of receive buffers; pages of connections that never read stay untouched. */
    w->rslab = xmalloc(slots * CONN_RBUF);
    for (uint32_t i = 0; i < nconns; i++)
        conn_init(&w->conns[i], w, w->qslab + (size_t)i * per, (uint32_t)per,
                  w->rslab + (size_t)i * CONN_RBUF);
    block_pool_init(&w->h2mem);
    if (sh->http != LG_HTTP_1) {
        w->oslab = xmalloc(slots * CONN_H2_OUT);
        for (uint32_t i = 0; i < nconns; i++)
            w->conns[i].h2_out = w->oslab + (size_t)i * CONN_H2_OUT;
        w->rcap = (uint32_t)(slots * per);
        w->retries = xcalloc(w->rcap, sizeof *w->retries);
    }
    w->port = (struct source_port){
        .loop = w->loop, .model = sh->model, .iv = &w->iv, .c = &w->c, .wake = on_wake};
    w->src = sh->list;
    if (sh->users) {
        /* Request and capture buffers per in-flight entry; pages stay untouched until used. */
        size_t wlen = sh->users->request_max;
        w->wslab = xmalloc(slots * per * wlen);
        w->cslab = xmalloc(slots * per * SLOT_CAPTURE);
        for (uint32_t i = 0; i < nconns; i++)
            conn_init_capture(&w->conns[i], w->wslab + (size_t)i * per * wlen, wlen,
                              w->cslab + (size_t)i * per * SLOT_CAPTURE);
        struct source_params sp = {
            .arg = sh->users->arg,
            .id_base = segment_nth(sh->segment, id),
            .id_stride = segment_arrival_stride(sh->segment, sh->threads),
            .users_run = sh->users_run,
            .initial = share(sh->vus_initial, sh->threads, id),
            .max = share(sh->vus_max, sh->threads, id),
        };
        w->src = sh->users->create(&sp, &w->port);
    }
    if (sh->snapshots)
        snapshot_init(w);
    w->latency = hist_new();
    w->latency_uncorrected = hist_new();
    w->connect = hist_new();
    w->tls = hist_new();
    w->ttfb = hist_new();
    w->lag = hist_new();
    series_interval_init(&w->iv, sh->users ? sh->users->step_count : 0);
    ev_async_init(&w->go_watcher, on_go);
    ev_async_init(&w->stop_watcher, on_stop);
    ev_async_start(w->loop, &w->go_watcher);
    ev_async_start(w->loop, &w->stop_watcher);
    ev_io_init(&w->sched_watcher, on_sched, w->sched_fd, EV_READ);
    ev_timer_init(&w->tick_timer, on_tick, 0.0, 0.0);
    ev_timer_init(&w->end_timer, on_end, 0.0, 0.0);
    ev_timer_init(&w->drain_timer, on_drain, 0.0, 0.0);
    ev_timer_init(&w->ramp_timer, on_ramp, 0.0, 0.0);
    ev_check_init(&w->check_watcher, on_check);
    ev_prepare_init(&w->flush_watcher, on_flush);
    if (sh->http != LG_HTTP_1)
        ev_prepare_start(w->loop, &w->flush_watcher);
    ev_timer_init(&w->read_later_timer, on_read_later, 0.0, 0.0);
    return 0;
}

int worker_start(struct worker *w)
{
    return pthread_create(&w->thread, NULL, run, w);
}

void worker_free(struct worker *w)
{
    if (!w->loop)
        return;
    for (uint32_t i = 0; i < w->nconns; i++) {
        conn_close(&w->conns[i]);
        if (w->conns[i].session)
            SSL_SESSION_free(w->conns[i].session);
    }
    snapshot_free(w);
    if (w->src && w->src != w->sh->list)
        w->src->ops->destroy(w->src);
    free(w->qslab);
    free(w->rslab);
    free(w->wslab);
    free(w->cslab);
    free(w->oslab);
    block_pool_free(&w->h2mem);
    free(w->retries);
    free(w->conns);
    hist_free(w->latency);
    hist_free(w->latency_uncorrected);
    hist_free(w->connect);
    hist_free(w->tls);
    hist_free(w->ttfb);
    hist_free(w->lag);
    series_interval_free(&w->iv);
    ev_loop_destroy(w->loop);
    close(w->sched_fd);
    memset(w, 0, sizeof *w);
}
