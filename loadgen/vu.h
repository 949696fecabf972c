/*
 * Virtual users of a scenario run, on one worker. A user has its own variables, cookie jar,
 * current scenario and step; it borrows a connection from the worker's pool only while a
 * request of its is in flight, so a thinking user costs a few hundred bytes besides its
 * variables and cookies.
 *
 * Open model: every arrival starts one iteration of the scenario the mix picks for it, on a
 * free user of a pool that starts with `initial` users and grows to `max`; an arrival that
 * finds none is counted as dropped. Closed model: `active` users loop, pausing the plan's
 * think time between iterations. A step: wait for a free connection, render the request into
 * the connection's buffer, send, check the status, extract into variables, think, go on. Any
 * failure ends the iteration with a counted reason.
 *
 * What an iteration chooses (its scenario, its feeder rows, its random values and think
 * times) depends only on the plan's seed and nonce and on the iteration's run-wide number:
 * arrival k in the open model, the user's number and its count of iterations in the closed
 * one. Which thread or process (segment) runs it changes nothing.
 */
#ifndef STORECHECK_LOADGEN_VU_H
#define STORECHECK_LOADGEN_VU_H

#include <ev.h>
#include <stdint.h>

#include "loadgen/feeder.h"
#include "loadgen/plan.h"
#include "loadgen/result.h"
#include "loadgen/rng.h"

struct conn;
struct worker;

enum vu_state { VU_IDLE, VU_THINK, VU_WAIT, VU_SEND };

struct vu {
    ev_timer timer; /* think time; first: the callback gets the user from it */
    struct vu_pool *pool;
    struct vu *next; /* on the free list or the wait queue */
    struct vars *vars;
    struct cookie_jar *jar;
    struct rng rng;      /* seeded anew by each iteration from its run-wide number */
    uint64_t iter_start; /* intended start of the iteration */
    uint64_t intended;   /* when the current step was due */
    uint64_t think_us;   /* think time between the iteration's steps so far */
    uint64_t iterations; /* closed model: iterations begun (for the mix) */
    uint32_t id;         /* closed model: the user's number in the run (over all segments) */
    uint16_t scenario, step;
    uint8_t state;
    uint8_t active;       /* closed model: keeps looping */
    uint8_t in_iteration; /* between begin and the end (complete or failed) */
};

struct vu_pool {
    struct worker *w;
    const struct plan *plan;
    struct vu **users;
    uint32_t count, max;
    uint32_t busy, peak;         /* users in an iteration */
    uint32_t second_peak;        /* the most busy in the current second */
    uint32_t want;               /* closed model: users [0, want) are active */
    uint32_t id_base, id_stride; /* closed model: user i of this worker is id_base + i*stride */
    uint32_t users_run;          /* closed model: the peak users of the whole run */
    struct vu *free_head;        /* open model: users between iterations */
    struct vu *wait_head, *wait_tail; /* users waiting for a connection, oldest first */
    uint32_t nwait;
    int pumping, stopping;
    char *scratch;                       /* PLAN_REQUEST_MAX bytes: bodies, extracted values */
    struct lg_step_stats *steps;         /* plan->step_count */
    struct lg_scenario_stats *scenarios; /* plan->scenario_count */
};

/* Set up the pool of a worker whose closed-model users are numbered id_base, id_base +
 * id_stride, ... in the run, of users_run at its peak (0 in the open model), with `initial`
 * users created now and at most `max`. */
void vu_pool_init(struct vu_pool *p, struct worker *w, const struct plan *plan, uint64_t id_base,
                  uint64_t id_stride, uint32_t users_run, uint32_t initial, uint32_t max);
void vu_pool_free(struct vu_pool *p);

/* Open model: arrival k (of the whole run), due at `intended`. */
void vu_arrival(struct vu_pool *p, uint64_t k, uint64_t intended);
/* Open model: arrival k was never started (the run ended first). */
void vu_arrival_dropped(struct vu_pool *p, uint64_t k);

/* Closed model: keep `want` users looping (creating them as needed, up to max). */
void vu_ramp(struct vu_pool *p, uint32_t want);

/* The oldest user waiting for a connection, removed from the queue; NULL if none. */
struct vu *vu_wait_pop(struct vu_pool *p);
/* Send the user's current step on connection c (free, ready). */
void vu_send(struct vu *u, struct conn *c, uint64_t now);
/* c's response to its user's request is complete. */
void vu_response(struct conn *c, int status, uint64_t now);
/* c failed while carrying its user's request. */
void vu_conn_failed(struct conn *c, enum lg_error cls);
/* Once a second: users that waited for a connection longer than timeout_us fail. */
void vu_expire_waiting(struct vu_pool *p, uint64_t now, uint64_t timeout_us);
/* The run ends: no new steps or iterations start; waiting and thinking users stop. */
void vu_pool_stop(struct vu_pool *p);
/* Count the iterations that were still running as unfinished. */
void vu_pool_finish(struct vu_pool *p);

#endif
