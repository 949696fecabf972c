/*
 * A worker: one thread, one ev_loop, its own connections, histograms and counters. Nothing a
 * worker touches per request is shared; it meets other threads only through ev_async (go,
 * stop), a few atomics at the start, and the once-a-second series hand-over.
 */
#ifndef STORECHECK_LOADGEN_WORKER_H
#define STORECHECK_LOADGEN_WORKER_H

#include <ev.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "loadgen/block_pool.h"
#include "loadgen/conn.h"
#include "loadgen/gather.h"
#include "loadgen/gauge.h"
#include "loadgen/request.h"
#include "loadgen/result.h"
#include "loadgen/schedule.h"
#include "loadgen/segment.h"
#include "loadgen/series.h"
#include "loadgen/source.h"

/* What every worker reads; written by the engine before the threads start. */
struct lg_shared {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    SSL_CTX *ssl_ctx; /* NULL for plain HTTP */
    const char *host;
    int host_is_ip;
    struct request_source *list;    /* the requests of a URL run, shared by every worker */
    struct schedule schedule;
    enum lg_model model;
    unsigned threads;
    struct segment segment;  /* this process's share of the run */
    uint64_t arrival_stride; /* open model: a worker's next arrival is this many further */
    uint32_t pipeline;
    enum lg_http http;
    uint32_t streams;  /* HTTP/2: the most streams per connection (the server may allow fewer) */
    uint32_t per_conn; /* in-flight entries per connection: max(pipeline, streams) */
    uint64_t timeout_us;
    uint64_t drain_us; /* how long in-flight requests may finish after the end */
    size_t head_limit;
    struct series *series;
    const struct source_users *users; /* one source of them per worker; NULL: `list` */
    int snapshots;           /* workers keep a worker_snapshot */
    uint32_t vus_initial;    /* users, open model: created before the start */
    uint32_t vus_max;        /* the most users (closed model: the segment's share of the peak) */
    uint32_t users_run;      /* closed model: the peak users of the whole run, all segments */

    struct gauge connections; /* open over all workers, and their peak */

    /* The start: workers report initial connections, then wait for go with t0. */
    atomic_uint initial_ready, initial_failed;
    _Atomic uint64_t t0;
    atomic_uint finished;
};

/* A copy of a worker's running totals, taken once a second when the engine asks for them
 * (thresholds that stop a run early read it). */
struct worker_snapshot {
    pthread_mutex_t mu;
    struct lg_counters c;
    struct hist *latency;
    struct lg_step_stats *steps;
    struct lg_scenario_stats *scenarios;
};

struct worker {
    unsigned id;
    struct lg_shared *sh;
    struct ev_loop *loop;
    pthread_t thread;

    struct conn *conns;
    struct inflight *qslab;    /* every connection's in-flight ring */
    char *rslab;               /* every connection's receive buffer */
    uint32_t nconns;           /* slots */
    uint32_t initial;          /* opened before the start */
    uint32_t open;             /* connecting or connected */
    uint32_t open_second_peak; /* the most open in the current second */
    uint32_t connecting;
    struct conn *free_head; /* open model: connections that can take a request */
    uint64_t inflight;      /* requests written or queued on all connections */

    uint64_t t0, end; /* monotonic microseconds */
    uint64_t stopped_at;
    int started, stopping, finished;

    /* Open model: this worker sends the run-wide arrivals segment_nth(id), then every
     * arrival_stride-th one. */
    uint64_t next_k;
    uint64_t next_time; /* absolute intended time of next_k, UINT64_MAX when none */
    size_t stage_hint;
    uint64_t scheduled;
    uint64_t cursor; /* request source position for the open model */

    struct lg_counters c;
    struct hist *latency, *latency_uncorrected, *connect, *tls, *ttfb, *lag;
    struct series_interval iv;
    uint32_t second;
    struct gather gather;

    ev_async go_watcher, stop_watcher;
    int sched_fd;      /* timerfd for the next arrival */
    uint64_t sched_at; /* when it is armed for, 0 when not armed */
    ev_io sched_watcher;
    ev_timer tick_timer, end_timer, drain_timer, ramp_timer;
    ev_check check_watcher;
    ev_timer read_later_timer; /* due at once while read_later is not empty */
    struct conn *read_later;   /* connections to read again on the next wake-up */

    char first_error[256];

    struct request_source *src; /* sh->list, or this worker's own from sh->users->create */
    struct source_port port;
    int pumping; /* handing slots to waiting users: wake-ups are answered by this round */
    /* Sources of users: each connection's request and capture buffers. */
    char *wslab, *cslab;
    char *oslab;             /* HTTP/2: each connection's output buffer */
    struct block_pool h2mem; /* HTTP/2: what the sessions allocate */
    /* Request lists over HTTP/2: requests the server refused unprocessed, to send again
     * before new ones (a ring of rcap). */
    struct retry_entry {
        const struct request *req;
        uint64_t intended;
        uint8_t retries;
    } * retries;
    uint32_t rcap, rhead, rlen;
    ev_prepare flush_watcher; /* writes flush_head's connections before the loop sleeps */
    struct conn *flush_head;
    struct worker_snapshot *snap; /* when sh->snapshots */
};

/* Allocate the worker's connections and histograms (nconns slots, initial of them opened
 * before the start). Returns 0, or -1 when the system has no event loop or timer to give. */
int worker_init(struct worker *w, unsigned id, struct lg_shared *sh, uint32_t nconns,
                uint32_t initial);
void worker_free(struct worker *w);
/* Start the thread; returns 0 or an errno. */
int worker_start(struct worker *w);

/* The intended time a request written at `now` is measured from. A request is never written
 * before its intended time: if one is, that is a bug of the generator, counted as an internal
 * error, and its latency is taken from the write instead of going negative. */
uint64_t worker_due(struct worker *w, uint64_t intended, uint64_t now);

/* Read c again on the loop's next wake-up, after its timers (c holds bytes the socket no
 * longer signals). */
void worker_read_later(struct worker *w, struct conn *c);

/* Callbacks from connections. */
void worker_conn_ready(struct worker *w, struct conn *c); /* connected (and handshaken) */
void worker_conn_idle(struct worker *w, struct conn *c);  /* after a read or write round */
void worker_conn_failed(struct worker *w, struct conn *c, enum lg_error cls, const char *why);
/* Closed without an error; backoff: reconnect after a pause (the server closed it without
 * answering anything). */
void worker_conn_closed(struct worker *w, struct conn *c, int backoff);
void worker_response(struct worker *w, struct inflight *e, int status, uint64_t now);
/* HTTP/2: the server refused e unprocessed; send it again on another connection (e->retries:
 * the times it counts as sent again). Returns 0, or -1 when it is not sent again: counted as
 * unfinished when the run is stopping, else as failed with cls. */
int worker_retry(struct worker *w, struct inflight *e, enum lg_error cls);
void worker_free_remove(struct worker *w, struct conn *c);
void worker_free_push(struct worker *w, struct conn *c);
/* Write c's submitted requests before the loop next sleeps (one write for many). */
void worker_flush_later(struct worker *w, struct conn *c);

/* The request c sends next (closed model): one refused earlier, or the source's next.
 * *intended: as the source's next. */
const struct request *worker_next(struct worker *w, struct conn *c, uint64_t *intended,
                                  uint64_t now);

/* c failed while carrying the request on `slot` (the connection's failure follows). */
void worker_slot_failed(struct worker *w, struct lg_slot *slot, enum lg_error cls);
/* One request failed with cls (why: for the first error), its connection goes on: counted, and
 * its source told. */
void worker_request_failed(struct worker *w, struct inflight *e, enum lg_error cls,
                           const char *why);

#endif
