/*
 * Virtual users of a scenario run, on one worker: a request source of users (source.h). A user
 * has its own variables, cookie jar, current scenario and step; it holds a slot (a connection
 * or a stream) only while a request of its is in flight, so a thinking user costs a few hundred
 * bytes besides its variables and cookies.
 *
 * Open model: every arrival starts one iteration of the scenario the mix picks for it, on a
 * free user of a pool that starts with `initial` users and grows to `max`; an arrival that
 * finds none is counted as dropped. Closed model: `active` users loop, pausing the plan's
 * think time between iterations. A step: wait for a free slot, render the request into the
 * slot's buffer, send, check the status, extract into variables, think, go on. Any
 * failure ends the iteration with a counted reason.
 *
 * What an iteration chooses (its scenario, its feeder rows, its random values and think
 * times) depends only on the plan's seed and nonce and on the iteration's run-wide number:
 * arrival k in the open model, the user's number and its count of iterations in the closed
 * one. Which thread or process (segment) runs it changes nothing.
 */
#ifndef STORECHECK_SCENARIO_VU_H
#define STORECHECK_SCENARIO_VU_H

#include <ev.h>
#include <stdint.h>

#include "loadgen/result.h"
#include "loadgen/source.h"
#include "scenario/feeder.h"
#include "scenario/plan.h"
#include "scenario/rng.h"

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
    struct request_source base; /* first: the engine sees the pool as a source */
    struct source_port *port;
    const struct plan *plan;
    struct vu **users;
    uint32_t count, max;
    uint32_t want;               /* closed model: users [0, want) are active */
    uint32_t id_base, id_stride; /* closed model: user i of this worker is id_base + i*stride */
    uint32_t users_run;          /* closed model: the peak users of the whole run */
    struct vu *free_head;        /* open model: users between iterations */
    struct vu *wait_head, *wait_tail; /* users waiting for a slot, oldest first */
    int stopping;
    char *scratch; /* PLAN_REQUEST_MAX bytes: bodies, extracted values */
};

/* The virtual users of one worker, as a request source (source_create_fn). */
struct request_source *vu_source_create(const struct source_params *sp, struct source_port *port);

#endif
