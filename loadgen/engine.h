/*
 * The load engine: builds the requests, resolves the target, starts one worker thread per
 * --threads, opens the initial connections, starts them all at one instant, stops them at the
 * end (or when interrupted) and merges what they measured into a struct load_result.
 *
 * Errors come back as -1 with a message in err; nothing here prints. Worker threads block
 * every signal, so SIGINT/SIGTERM/SIGPIPE reach only the caller's thread.
 */
#ifndef STORECHECK_LOADGEN_ENGINE_H
#define STORECHECK_LOADGEN_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/url.h"
#include "config/config.h"
#include "loadgen/result.h"
#include "loadgen/segment.h"
#include "loadgen/source.h"

struct loadgen_params {
    const struct url *urls;     /* one or more, all on the same scheme, host and port; */
    size_t url_count;           /* requests go round-robin over them */
    const char *method;         /* NULL: GET */
    const char *const *headers; /* "Name: value" each */
    size_t header_count;
    const char *body;
    size_t body_len;
    int insecure;        /* TLS: do not verify the certificate */
    const char *ca_file; /* TLS: trust these CAs instead of the system store */

    enum lg_model model;
    double start;                  /* rate (open) or connections (closed) at time 0 */
    const struct lg_stage *stages; /* ramps after the start; may be empty */
    size_t stage_count;
    uint64_t duration_us; /* the run ends here whatever the stages say */

    uint32_t threads;         /* >= 1 */
    uint32_t connections;     /* open model: connections opened before the start */
    uint32_t max_connections; /* open model: never more than this many at once */
    uint32_t pipeline;        /* requests in flight per connection, >= 1 */
    enum lg_http http;        /* the HTTP version (LG_HTTP_1 when zeroed) */
    uint32_t streams;         /* HTTP/2: streams per connection; 0: 100, or fewer if the
                                 server's SETTINGS_MAX_CONCURRENT_STREAMS is lower */
    uint64_t timeout_us;      /* per request, and for connect + TLS handshake */
    size_t head_limit;        /* largest response head accepted; 0: 64 KiB */

    /* A source of users sends instead of requests to the URLs (urls[0] still names the
     * target), one made per worker by users->create. Both models use connections as a pool
     * then: the closed model's start and stage targets are users, and
     * connections/max_connections bound the connections they share. pipeline must be 1. */
    const struct source_users *users;
    uint32_t vus_initial; /* open model: users created before the start */
    uint32_t vus_max;     /* open model: the pool grows to this */
    int snapshots;        /* keep running totals for engine_snapshot (once a second) */

    /* This process's share of a split run (loadgen/segment.h); {0, 0} or {0, 1}: the whole
     * run. The schedule (start, stages) is the whole run's; the engine runs the segment's
     * arrivals, and of the closed model's connections or users, and of vus_initial and
     * vus_max, the segment's share. Connections of the open model are this process's own. */
    struct segment segment;
};

/* The version the config or the command line names (unset: HTTP/1.1). */
enum lg_http lg_http_of(enum load_http h);

struct engine;

enum { ENGINE_BAD_PARAMS = -1, ENGINE_CANNOT_RUN = -2 };

/* Check the parameters, build the requests, resolve the host and set up TLS. Returns 0,
 * ENGINE_BAD_PARAMS (the caller asked for something invalid) or ENGINE_CANNOT_RUN (the host
 * does not resolve, the CA file cannot be read), with err. */
int engine_create(struct engine **out, const struct loadgen_params *p, char *err, size_t errlen);

/* Start the workers and wait (at most the timeout) for the initial connections. Returns -1
 * with the reason when none of them could connect: the run cannot be done. */
int engine_start(struct engine *e, char *err, size_t errlen);

/* 1 once every worker has stopped. */
int engine_done(struct engine *e);

/* Stop now (Ctrl-C): in-flight requests are left unfinished; safe from the caller's thread. */
void engine_interrupt(struct engine *e);

/* Stop now because the run already failed (a threshold with abort_on_fail): like
 * engine_interrupt, but the result says aborted instead of interrupted. */
void engine_abort(struct engine *e);

/* The running totals as of the last second (params.snapshots must be on): counters, the
 * corrected latency, the per-step and per-scenario numbers and the elapsed time; the rest of
 * *r is empty. load_result_free it. */
void engine_snapshot(struct engine *e, struct load_result *r);

/* The newest finished second, for a live display; -1 if none yet. */
int engine_latest(struct engine *e, struct lg_second *row);

/* Microseconds since the start (0 before it). */
uint64_t engine_elapsed_us(const struct engine *e);

/* Wait for the workers and merge their results into *out (load_result_free it). */
void engine_finish(struct engine *e, struct load_result *out);

void engine_destroy(struct engine *e);

#endif
