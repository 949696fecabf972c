#include "scenario/vu.h"

#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "loadgen/clock.h"
#include "loadgen/series.h"
#include "scenario/graphql_answer.h"
#include "scenario/response.h"
#include "scenario/step_extract.h"

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents);
static void fail(struct vu *u, enum lg_fail why);

static struct vu *create(struct vu_pool *p)
{
    struct vu *u = xcalloc(1, sizeof *u);
    u->pool = p;
    u->vars = vars_create(p->plan->schema.count, PLAN_VARS_BYTES);
    u->jar = cookie_jar_create(PLAN_JAR_COOKIES, PLAN_JAR_BYTES);
    if (!u->vars || !u->jar) {
        vars_destroy(u->vars);
        cookie_jar_destroy(u->jar);
        free(u);
        return NULL;
    }
    u->id = p->id_base + p->count * p->id_stride;
    ev_init(&u->timer, on_timer);
    p->users[p->count++] = u;
    return u;
}

static void pool_destroy(struct request_source *s)
{
    struct vu_pool *p = (struct vu_pool *)s;
    for (uint32_t i = 0; i < p->count; i++) {
        struct vu *u = p->users[i];
        ev_timer_stop(p->port->loop, &u->timer);
        vars_destroy(u->vars);
        cookie_jar_destroy(u->jar);
        free(u);
    }
    free(p->users);
    free(p->scratch);
    for (size_t i = 0; i < p->plan->step_count; i++)
        hist_free(p->base.steps[i].latency);
    free(p->base.steps);
    for (size_t i = 0; i < p->plan->scenario_count; i++)
        lg_scenario_hists_free(&p->base.scenarios[i]);
    free(p->base.scenarios);
    free(p);
}

static uint64_t pick_think(struct vu *u, uint64_t lo, uint64_t hi)
{
    return hi > lo ? lo + rng_below(&u->rng, hi - lo + 1) : lo;
}

static void start_timer(struct vu *u, uint64_t delay_us)
{
    ev_timer_set(&u->timer, (double)delay_us / 1e6, 0.0);
    ev_timer_start(u->pool->port->loop, &u->timer);
}

/* The current step is due at `intended`: queue for a slot. */
static void go(struct vu *u, uint64_t intended)
{
    struct vu_pool *p = u->pool;
    u->intended = intended;
    u->state = VU_WAIT;
    u->next = NULL;
    if (p->wait_tail)
        p->wait_tail->next = u;
    else
        p->wait_head = u;
    p->wait_tail = u;
    p->base.nwait++;
    p->port->wake(p->port);
}

/* The iteration is over (completed or failed): loop, or go back to the pool. */
static void end_iteration(struct vu *u)
{
    struct vu_pool *p = u->pool;
    u->in_iteration = 0;
    u->state = VU_IDLE;
    p->base.busy--;
    if (p->port->model == LG_MODEL_OPEN) {
        u->next = p->free_head;
        p->free_head = u;
        return;
    }
    if (!u->active || p->stopping)
        return;
    /* Through the timer even without think time, so an iteration that fails at once cannot
     * loop inside one callback. */
    u->state = VU_THINK;
    start_timer(u, pick_think(u, p->plan->think_min_us, p->plan->think_max_us));
}

/* The current step's answer did not say what it should: counted by reason, with what the
 * first failure of that reason saw. */
static void fail_reason(struct vu *u, const char *reason, const char *got)
{
    struct vu_pool *p = u->pool;
    lg_reasons_add(&p->base.steps[p->plan->scenarios[u->scenario].steps[u->step].index].reasons,
                   reason, got, 1);
    fail(u, LG_FAIL_CHECK);
}

/* The current step's check k did not hold; got is what it saw. */
static void fail_check(struct vu *u, size_t k, const char got[CHECK_GOT_MAX])
{
    struct vu_pool *p = u->pool;
    const struct plan_step *st = &p->plan->scenarios[u->scenario].steps[u->step];
    struct lg_step_stats *ss = &p->base.steps[st->index];
    if (!ss->check_failed[k]++)
        memcpy(ss->check_got[k], got, CHECK_GOT_MAX);
    fail_reason(u, st->checks[k].expr, got);
}

/* A GraphQL step's answer reports an error (or is no JSON): 1 after failing the step. */
static int fail_graphql(struct vu *u, const struct plan_step *st, const struct lg_slot *slot,
                        const struct response_view *rv)
{
    struct graphql_failure gf;
    switch (graphql_answer_judge(rv->body, rv->body_len, st->error_typenames,
                                 st->error_typename_count, &gf)) {
    case GRAPHQL_OK:
        return 0;
    case GRAPHQL_NOT_JSON:
        fail(u, slot->cap_over ? LG_FAIL_TOO_LARGE : LG_FAIL_NOT_JSON);
        return 1;
    case GRAPHQL_ERRORS:
    case GRAPHQL_ERROR_RESULT:
        break;
    }
    fail_reason(u, gf.reason, gf.got);
    return 1;
}

static void fail(struct vu *u, enum lg_fail why)
{
    struct vu_pool *p = u->pool;
    const struct plan_step *st = &p->plan->scenarios[u->scenario].steps[u->step];
    p->base.steps[st->index].failed[why]++;
    /* The step's request ended without a response: what a shopper sees as a hang or a broken
     * page, in the second it happened. */
    if (why == LG_FAIL_TIMEOUT || why == LG_FAIL_TRANSPORT)
        p->port->iv->steps[st->index].errors++;
    p->base.scenarios[u->scenario].failed[why]++;
    end_iteration(u);
}

/* The current step fails before its request could be written. */
static void fail_unsent(struct vu *u, enum lg_fail why)
{
    struct vu_pool *p = u->pool;
    p->base.steps[p->plan->scenarios[u->scenario].steps[u->step].index].unsent++;
    fail(u, why);
}

/* Begin iteration `draw` of the run (its random values) at `intended`, taking the feeders'
 * row number `seq` (sequential and unique feeders). */
static void begin(struct vu *u, uint64_t draw, uint64_t seq, uint64_t intended)
{
    struct vu_pool *p = u->pool;
    const struct plan *plan = p->plan;
    size_t scenario = plan_pick(plan, plan->seed, draw);
    rng_seed(&u->rng, plan->seed ^ plan->nonce, draw);
    u->scenario = (uint16_t)scenario;
    u->step = 0;
    u->iter_start = intended;
    u->think_us = 0;
    u->in_iteration = 1;
    if (++p->base.busy > p->base.peak)
        p->base.peak = p->base.busy;
    if (p->base.busy > p->base.second_peak)
        p->base.second_peak = p->base.busy;
    p->base.scenarios[scenario].started++;
    vars_reset(u->vars);
    cookie_jar_clear(u->jar);
    for (size_t i = 0; i < plan->feeder_count; i++) {
        const struct plan_feeder *f = &plan->feeders[i];
        size_t row;
        if (feeder_pick(f->data, f->mode, seq, &u->rng, &row) != FEEDER_OK) {
            fail_unsent(u, LG_FAIL_FEEDER);
            return;
        }
        if (feeder_set_vars(f->data, row, f->ids, u->vars) ||
            feeder_set_vars(f->data, row, f->named_ids, u->vars)) {
            fail_unsent(u, LG_FAIL_TOO_LARGE);
            return;
        }
    }
    go(u, intended);
}

static void pool_arrival_dropped(struct request_source *s, uint64_t k)
{
    struct vu_pool *p = (struct vu_pool *)s;
    p->base.scenarios[plan_pick(p->plan, p->plan->seed, k)].dropped++;
    p->port->iv->dropped++;
}

static void pool_arrival(struct request_source *s, uint64_t k, uint64_t intended)
{
    struct vu_pool *p = (struct vu_pool *)s;
    struct vu *u = p->free_head;
    if (u)
        p->free_head = u->next;
    else if (p->count < p->max)
        u = create(p);
    if (u)
        begin(u, k, k, intended);
    else
        pool_arrival_dropped(s, k);
}

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct vu *u = (struct vu *)t;
    struct vu_pool *p = u->pool;
    if (p->stopping)
        return;
    if (u->in_iteration) {
        /* libev counts the delay from the loop's cached time, which can be older than the
         * moment the step's intended time was taken: a timer that fires early waits out the
         * rest, so a step is never due in the future. */
        uint64_t now = clock_us();
        if (now < u->intended) {
            start_timer(u, u->intended - now);
            return;
        }
        go(u, u->intended);
        return;
    }
    if (!u->active)
        return;
    uint64_t now = clock_us();
    /* Users take the feeders' rows in turns: user u's j-th iteration the row u + j * users. */
    uint64_t j = u->iterations++;
    uint64_t draw = ((uint64_t)u->id << 32) | (j & 0xffffffffu);
    begin(u, draw, u->id + j * (p->users_run ? p->users_run : 1), now);
}

static void pool_ramp(struct request_source *s, uint32_t want)
{
    struct vu_pool *p = (struct vu_pool *)s;
    if (want > p->max)
        want = p->max;
    while (p->count < want && create(p))
        ;
    if (want > p->count)
        want = p->count;
    /* Users [0, p->want) are active: only those between the old and the new count change. */
    uint32_t lo = want < p->want ? want : p->want, hi = want < p->want ? p->want : want;
    for (uint32_t i = lo; i < hi; i++) {
        struct vu *u = p->users[i];
        u->active = (uint8_t)(i < want);
        if (u->active && !u->in_iteration && !ev_is_active(&u->timer)) {
            u->state = VU_THINK;
            start_timer(u, 0);
        } else if (!u->active && !u->in_iteration) {
            ev_timer_stop(p->port->loop, &u->timer);
            u->state = VU_IDLE;
        }
    }
    p->want = want;
}

static struct vu *wait_pop(struct vu_pool *p)
{
    struct vu *u = p->wait_head;
    if (!u)
        return NULL;
    p->wait_head = u->next;
    if (!p->wait_head)
        p->wait_tail = NULL;
    u->next = NULL;
    p->base.nwait--;
    return u;
}

/* The oldest waiting user whose step renders, its request on `slot`; users whose template
 * fails are failed on the way. */
static const struct request *pool_next(struct request_source *s, struct lg_slot *slot,
                                       uint64_t *cursor, uint64_t *intended, uint64_t now)
{
    struct vu_pool *p = (struct vu_pool *)s;
    struct vu *u;
    while ((u = wait_pop(p))) {
        const struct plan_step *st = &p->plan->scenarios[u->scenario].steps[u->step];
        struct tpl_ctx ctx = {u->vars, &u->rng, (uint64_t)(ev_now(p->port->loop) * 1e6)};
        size_t len = 0;
        /* The request's parts at the end of the slot's buffer (their fields just before). */
        struct request_parts *parts = (struct request_parts *)(slot->wbuf + PLAN_REQUEST_MAX) - 1;
        enum tpl_status rc =
            plan_render(p->plan, st, &ctx, u->jar, slot->wbuf, (size_t)((char *)parts - slot->wbuf),
                        p->scratch, PLAN_REQUEST_MAX, &len, parts, NULL);
        if (rc != TPL_OK) {
            fail_unsent(u, LG_FAIL_TEMPLATE);
            continue;
        }
        /* A step is never due in the future; the engine counts one that is as its own error. */
        if (u->intended > now)
            u->intended = now;
        slot->req.len = len;
        slot->req.parts = parts;
        slot->req.no_body = st->no_body_response;
        slot->user = u;
        u->state = VU_SEND;
        p->base.steps[st->index].requests++;
        *intended = u->intended;
        return &slot->req;
    }
    return NULL;
}

/* Run the step's extractions on the captured response. -1, or the reason it failed. */
static int extract(struct vu *u, const struct plan_step *st, const struct lg_slot *slot,
                   const struct response_view *rv)
{
    struct vu_pool *p = u->pool;
    for (size_t i = 0; i < st->extract_count; i++) {
        const char *val;
        size_t len;
        enum jp_status js =
            step_extract(&st->extracts[i], rv, &u->rng, p->scratch, PLAN_REQUEST_MAX, &val, &len);
        if (js == JP_NOT_JSON)
            return slot->cap_over ? LG_FAIL_TOO_LARGE : LG_FAIL_NOT_JSON;
        if (js == JP_NO_SPACE)
            return LG_FAIL_TOO_LARGE;
        if (js != JP_MATCH)
            return LG_FAIL_NO_MATCH;
        if (vars_set(u->vars, st->extracts[i].var, val, len))
            return LG_FAIL_TOO_LARGE;
    }
    return -1;
}

static void pool_answer(struct request_source *s, struct lg_slot *slot, int status, uint64_t now)
{
    struct vu *u = slot->user;
    slot->user = NULL;
    if (!u)
        return;
    struct vu_pool *p = (struct vu_pool *)s;
    const struct plan_scenario *sc = &p->plan->scenarios[u->scenario];
    const struct plan_step *st = &sc->steps[u->step];
    struct lg_step_stats *ss = &p->base.steps[st->index];
    ss->responses++;
    struct lg_step_second *sec = &p->port->iv->steps[st->index];
    sec->responses++;
    sec->status_5xx += status >= 500;
    sec->status_503 += status == 503;
    hist_record(ss->latency, now - u->intended);
    if (!plan_status_ok(st, status)) {
        fail(u, LG_FAIL_STATUS);
        return;
    }
    struct response_view rv;
    response_view(slot->cap, slot->cap_len, &rv);
    cookie_jar_update(u->jar, rv.head, rv.head_len, (int64_t)ev_now(p->port->loop));
    if (st->graphql_judge && fail_graphql(u, st, slot, &rv))
        return;
    for (size_t k = 0; k < st->check_count; k++) {
        char got[CHECK_GOT_MAX];
        if (!check_eval(st->checks[k].check, &rv, &u->rng, p->scratch, PLAN_REQUEST_MAX, got)) {
            fail_check(u, k, got);
            return;
        }
    }
    int why = extract(u, st, slot, &rv);
    if (why >= 0) {
        fail(u, (enum lg_fail)why);
        return;
    }
    if (++u->step == sc->step_count) {
        struct lg_scenario_stats *sct = &p->base.scenarios[u->scenario];
        uint64_t took = now - u->iter_start;
        sct->completed++;
        hist_record(sct->duration, took);
        hist_record(sct->active, took > u->think_us ? took - u->think_us : 0);
        hist_record(sct->think, u->think_us);
        end_iteration(u);
        return;
    }
    if (p->stopping)
        return;
    uint64_t think = pick_think(u, st->think_min_us, st->think_max_us);
    if (think == 0) {
        go(u, now);
        return;
    }
    u->state = VU_THINK;
    u->think_us += think;
    u->intended = now + think;
    ev_now_update(p->port->loop);
    start_timer(u, think);
}

static void pool_failed(struct request_source *s, struct lg_slot *slot, enum lg_error cls)
{
    struct vu *u = slot->user;
    slot->user = NULL;
    if (u)
        fail(u, cls == LG_ERR_TIMEOUT ? LG_FAIL_TIMEOUT : LG_FAIL_TRANSPORT);
}

/* Once a second: users that waited for a slot longer than timeout_us fail. */
static void pool_tick(struct request_source *s, uint64_t now, uint64_t timeout_us)
{
    struct vu_pool *p = (struct vu_pool *)s;
    while (p->wait_head && p->wait_head->intended + timeout_us <= now) {
        struct vu *u = wait_pop(p);
        p->port->c->dropped++; /* a request that was never written */
        fail_unsent(u, LG_FAIL_TIMEOUT);
    }
}

static void pool_stop(struct request_source *s)
{
    struct vu_pool *p = (struct vu_pool *)s;
    p->stopping = 1;
    for (uint32_t i = 0; i < p->count; i++)
        ev_timer_stop(p->port->loop, &p->users[i]->timer);
    p->wait_head = p->wait_tail = NULL;
    p->base.nwait = 0;
}

static void pool_finish(struct request_source *s)
{
    struct vu_pool *p = (struct vu_pool *)s;
    for (uint32_t i = 0; i < p->count; i++) {
        struct vu *u = p->users[i];
        if (u->in_iteration) {
            p->base.scenarios[u->scenario].unfinished++;
            u->in_iteration = 0;
        }
    }
}

/* The server refused the user's request unprocessed: the user asks for a slot again, first in
 * line, for the same step (rendered anew). */
static void pool_retry(struct request_source *s, struct lg_slot *slot)
{
    struct vu_pool *p = (struct vu_pool *)s;
    struct vu *u = slot->user;
    slot->user = NULL;
    if (!u || p->stopping)
        return;
    p->base.steps[p->plan->scenarios[u->scenario].steps[u->step].index].requests--;
    u->state = VU_WAIT;
    u->next = p->wait_head;
    p->wait_head = u;
    if (!p->wait_tail)
        p->wait_tail = u;
    p->base.nwait++;
    p->port->wake(p->port);
}

static const struct request_source_ops pool_ops = {
    .next = pool_next,
    .answer = pool_answer,
    .failed = pool_failed,
    .retry = pool_retry,
    .arrival = pool_arrival,
    .arrival_dropped = pool_arrival_dropped,
    .ramp = pool_ramp,
    .tick = pool_tick,
    .stop = pool_stop,
    .finish = pool_finish,
    .destroy = pool_destroy,
};

struct request_source *vu_source_create(const struct source_params *sp, struct source_port *port)
{
    const struct plan *plan = sp->arg;
    struct vu_pool *p = xcalloc(1, sizeof *p);
    p->base.ops = &pool_ops;
    p->port = port;
    p->plan = plan;
    p->max = sp->max;
    p->id_base = (uint32_t)sp->id_base;
    p->id_stride = (uint32_t)sp->id_stride;
    p->users_run = sp->users_run;
    p->users = xcalloc(sp->max ? sp->max : 1, sizeof *p->users);
    p->scratch = xmalloc(PLAN_REQUEST_MAX);
    p->base.steps = xcalloc(plan->step_count + 1, sizeof *p->base.steps);
    for (size_t i = 0; i < plan->step_count; i++)
        p->base.steps[i].latency = hist_new();
    p->base.scenarios = xcalloc(plan->scenario_count + 1, sizeof *p->base.scenarios);
    for (size_t i = 0; i < plan->scenario_count; i++)
        lg_scenario_hists_new(&p->base.scenarios[i]);
    while (p->count < sp->initial && p->count < sp->max) {
        struct vu *u = create(p);
        if (!u)
            break;
        u->next = p->free_head;
        p->free_head = u;
    }
    return &p->base;
}
