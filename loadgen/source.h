/*
 * The seam between the transport engine and what it sends: a request source. The engine asks
 * a source for the next request for a slot (a connection's pipeline entry, or an HTTP/2
 * stream), sends it, and tells the source of each answer or failure. A URL list is one source
 * (request.h); virtual users, built on top of the engine elsewhere, are another. The engine
 * knows nothing else of either, and a source reaches the engine only through its source_port.
 *
 * Two kinds of source, told apart by ops->ramp:
 *  - a request list (ramp NULL): the engine sends one of its requests per arrival (open model)
 *    or keeps every connection's pipeline full (closed model);
 *  - a source of users (ramp set): arrivals and the closed model's schedule go to the source,
 *    whose users ask for a slot when a request of theirs is due (port->wake), and the engine
 *    hands them free slots.
 */
#ifndef STORECHECK_LOADGEN_SOURCE_H
#define STORECHECK_LOADGEN_SOURCE_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen/request.h"
#include "loadgen/result.h"

struct series_interval;

/* Where one request at a time travels: owned by a connection (HTTP/1.1) or a stream (HTTP/2).
 * Sources of users render their request into wbuf and read the answer from cap (head and
 * body as HTTP/1.1 text, whatever the protocol); both are NULL for request lists. */
struct lg_slot {
    void *user;         /* the source's: whose request is on the slot; NULL when none */
    struct request req; /* bytes: wbuf; parts: at wbuf's end */
    char *wbuf;         /* source_users.request_max bytes */
    char *cap;          /* SLOT_CAPTURE bytes */
    size_t cap_len;
    int cap_over; /* the response was larger than SLOT_CAPTURE */
};

/* Sources of users: the most of one response kept for them to read. */
enum { SLOT_CAPTURE = 65536 };

/* Keep a copy of response bytes on the slot, up to SLOT_CAPTURE. */
void slot_capture(struct lg_slot *s, const char *data, size_t n);

/* What the engine gives a source of users: its loop (for timers), this second's numbers, the
 * run's counters, and wake(), called when a user starts waiting for a slot. */
struct source_port {
    struct ev_loop *loop;
    enum lg_model model;
    struct series_interval *iv;
    struct lg_counters *c;
    void (*wake)(struct source_port *port);
};

struct request_source;

struct request_source_ops {
    /* The request to send on `slot` now, or NULL when none waits. *intended is when it was due
     * (in: the arrival's time for a request list in the open model, else now). *cursor is the
     * position of the connection (closed model) or the worker (open model), 0 at first. The
     * request stays valid and unchanged until its answer or failure. */
    const struct request *(*next)(struct request_source *s, struct lg_slot *slot, uint64_t *cursor,
                                  uint64_t *intended, uint64_t now);
    /* The request on `slot` was answered with `status` (its bytes in slot->cap), or failed. */
    void (*answer)(struct request_source *s, struct lg_slot *slot, int status, uint64_t now);
    void (*failed)(struct request_source *s, struct lg_slot *slot, enum lg_error cls);
    /* Sources of users: the server refused the request on `slot` unprocessed (HTTP/2): ask
     * for a slot again. A request list's refused requests are sent again by the engine. */
    void (*retry)(struct request_source *s, struct lg_slot *slot);

    /* Sources of users only (NULL for a request list). */
    void (*arrival)(struct request_source *s, uint64_t k, uint64_t intended);
    void (*arrival_dropped)(struct request_source *s, uint64_t k);
    void (*ramp)(struct request_source *s, uint32_t want); /* closed model: users looping */
    void (*tick)(struct request_source *s, uint64_t now, uint64_t timeout_us); /* once a second */
    void (*stop)(struct request_source *s);   /* nothing new starts */
    void (*finish)(struct request_source *s); /* count what still runs as unfinished */
    void (*destroy)(struct request_source *s);
};

/* The base of every source. A source of users keeps its numbers here for the engine to merge
 * (a request list leaves them empty). */
struct request_source {
    const struct request_source_ops *ops;
    uint32_t nwait;                      /* users waiting for a slot */
    uint32_t busy, peak, second_peak;    /* users in an iteration: now, at most, this second */
    struct lg_step_stats *steps;         /* per step (source_users.steps) */
    struct lg_scenario_stats *scenarios; /* per scenario (source_users.scenarios) */
};

/* What a source of users is made with, per worker. */
struct source_params {
    const void *arg;             /* source_users.arg */
    uint64_t id_base, id_stride; /* closed model: user i is id_base + i*id_stride in the run */
    uint32_t users_run;          /* closed model: the peak users of the whole run */
    uint32_t initial, max;       /* users created now, and at most */
};

typedef struct request_source *(*source_create_fn)(const struct source_params *sp,
                                                   struct source_port *port);

/* A step of a source of users, as its numbers are reported (request_source.steps[i] is the
 * i-th step's): its name and its checks' expressions (lg_step_stats.check_failed[k] is the
 * k-th check's). */
struct source_step {
    const char *name;
    const char *const *checks;
    size_t check_count;
};

/* A scenario of a source of users: steps [first_step, first_step + step_count). */
struct source_scenario {
    const char *name;
    size_t first_step, step_count;
};

/* What a source of users tells the engine before the run: the steps and scenarios its numbers
 * are kept by, the most bytes one of its requests takes (each slot's wbuf), and how each
 * worker makes one: create() with source_params.arg = arg. */
struct source_users {
    const struct source_step *steps;
    size_t step_count;
    const struct source_scenario *scenarios;
    size_t scenario_count;
    size_t request_max;
    source_create_fn create;
    const void *arg;
};

#endif
