/*
 * The result of a load run: what the engine hands back after merging its workers, and what
 * the console summary, the JSON report (reports/load_json.c, docs/load-json.md) and later the
 * scenario and HTML reports read. Nothing in here points into the engine; load_result_free
 * releases it all.
 *
 * Units: times are microseconds unless a name says otherwise; counts are requests unless said.
 * "Corrected" latency runs from the intended send time of the open model's schedule (free of
 * coordinated omission); "uncorrected" from the moment the request was written. In the closed
 * model there is no schedule: both histograms hold the same values.
 */
#ifndef STORECHECK_LOADGEN_RESULT_H
#define STORECHECK_LOADGEN_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "loadgen/hist.h"
#include "loadgen/segment.h"

/* Why a request (or, for the connect classes, a connection attempt) failed. */
enum lg_error {
    LG_ERR_CONNECT_REFUSED, /* connect: ECONNREFUSED */
    LG_ERR_CONNECT_TIMEOUT, /* TCP connect or TLS handshake not done within --timeout */
    LG_ERR_CONNECT,         /* connect: any other error (unreachable, out of descriptors) */
    LG_ERR_TLS,             /* TLS handshake or record layer failure, certificate rejected */
    LG_ERR_RESET,           /* connection reset, or a read/write error, while requests waited */
    LG_ERR_CLOSED,          /* the server closed the connection before the response ended */
    LG_ERR_TIMEOUT,         /* no complete response within --timeout of sending */
    LG_ERR_PARSE,           /* the response was not valid HTTP/1.x or broke a limit */
    LG_ERR_STREAM_RESET,    /* HTTP/2: the server reset the request's stream (RST_STREAM) */
    LG_ERR_PROTOCOL,        /* HTTP/2: the server broke the protocol (malformed frames, no
                               SETTINGS, GOAWAY with an error, h2 refused by ALPN) */
    LG_ERR_COUNT
};

/* Stable lower-case names used in the summary and the JSON ("connect_refused", ...). */
extern const char *const lg_error_names[LG_ERR_COUNT];

enum lg_model { LG_MODEL_CLOSED, LG_MODEL_OPEN };

/* The HTTP version a run asks for: 1.1; 2 (ALPN h2 over TLS, prior knowledge over plain TCP);
 * auto (over TLS the server chooses by ALPN; plain TCP speaks HTTP/1.1). */
enum lg_http { LG_HTTP_1, LG_HTTP_2, LG_HTTP_AUTO, LG_HTTP_COUNT };
extern const char *const lg_http_names[LG_HTTP_COUNT]; /* "1.1", "2", "auto", as asked */

/* The protocols a connection can end up speaking, in lg_counters.protocols. */
enum { LG_PROTO_HTTP1, LG_PROTO_H2, LG_PROTO_COUNT };
extern const char *const lg_proto_names[LG_PROTO_COUNT]; /* "http/1.1", "h2" */

/* Counters; each worker keeps its own and the engine adds them up. */
struct lg_counters {
    uint64_t requests;  /* requests written (wholly or partly) to a connection */
    uint64_t responses; /* complete final responses, any status */
    uint64_t errors[LG_ERR_COUNT];
    uint64_t status[600]; /* responses by status code (100..599) */
    uint64_t interim;     /* 1xx interim responses skipped */
    uint64_t bytes_in;    /* bytes read, TLS payload or TCP payload */
    uint64_t bytes_out;
    uint64_t late;       /* open model: written more than LG_LATE_US after their intended time */
    uint64_t dropped;    /* open model: never written, because no connection was free until
                            --timeout after their intended time or until the run ended */
    uint64_t unfinished; /* written, no answer and no error: in flight when the run ended, or
                            pipelined behind a response that closed the connection */
    uint64_t connect_attempts;
    uint64_t connects;        /* TCP connections established */
    uint64_t handshakes;      /* TLS handshakes completed */
    uint64_t resumed;         /* of which resumed a previous session */
    uint64_t internal_errors; /* the generator's own bugs: a request written before its
                                 intended time, a latency beyond the histogram's range */
    uint64_t protocols[LG_PROTO_COUNT]; /* connections made ready, by the protocol spoken */
    uint64_t retried; /* HTTP/2: requests the server refused unprocessed (streams above a
                         GOAWAY's last stream id, REFUSED_STREAM), sent again */
};

/* An open-model request sent later than this after its intended time is counted late. */
#define LG_LATE_US 10000

/* One step's share of one second (scenario runs). */
struct lg_step_second {
    uint64_t responses;
    uint64_t status_5xx, status_503;
    uint64_t errors; /* its request ended without a response: transport failure or timeout */
};

/* One second of the run (all workers). */
struct lg_second {
    uint32_t second; /* 0-based from the start of the run */
    uint64_t responses;
    uint64_t errors; /* transport and parse errors (all lg_error classes) */
    uint64_t status_4xx, status_5xx;
    uint64_t status_503; /* of status_5xx: the honest "unavailable" of a degraded dependency */
    uint64_t late, dropped;
    uint64_t bytes_in, bytes_out;
    /* The most connections open and virtual users in an iteration at once in the second: each
     * worker's most, summed (threads peak at different moments, so this may overstate). */
    uint64_t connections, users;
    uint64_t p50, p90, p99, max; /* corrected latency of the responses that completed in it */
    double mean;
    struct lg_step_second *steps; /* load_result.step_count rows, as load_result.steps; NULL
                                     in URL runs */
};

/* Why a scenario iteration failed (at the step where it stopped). */
enum lg_fail {
    LG_FAIL_STATUS,    /* a step got a status it does not expect */
    LG_FAIL_NO_MATCH,  /* an extraction found nothing: JSON path, header or cookie */
    LG_FAIL_NOT_JSON,  /* a JSON extraction met a body that is not JSON */
    LG_FAIL_TOO_LARGE, /* the response or an extracted value did not fit its buffer */
    LG_FAIL_TIMEOUT,   /* no response within the timeout, or no connection for as long */
    LG_FAIL_TRANSPORT, /* connect, TLS, reset, closed early or a malformed response */
    LG_FAIL_TEMPLATE,  /* a variable without a value, or a request larger than the buffer */
    LG_FAIL_FEEDER,    /* a unique feeder had no rows left */
    LG_FAIL_CHECK,     /* a check on the answer did not hold */
    LG_FAIL_COUNT
};

/* Stable lower-case names ("unexpected_status", "no_match", ...). */
extern const char *const lg_fail_names[LG_FAIL_COUNT];

/* The most checks a step can have (each is counted on its own). */
enum { LG_STEP_CHECKS_MAX = 16 };

/* Check failures of a step by reason: the failed check's expression, or the store's GraphQL
 * error code. The first LG_STEP_REASONS_MAX distinct reasons are counted apart, the rest
 * together as other. A reason is cut to LG_REASON_MAX - 1 bytes. */
enum { LG_STEP_REASONS_MAX = 16, LG_REASON_MAX = 96 };
/* What a failed check saw, as kept with its reason: at most this many bytes with the NUL. */
enum { LG_GOT_MAX = 72 };

struct lg_reason {
    char text[LG_REASON_MAX];
    char got[LG_GOT_MAX]; /* what its first failure saw */
    uint64_t count;
};

struct lg_reasons {
    struct lg_reason items[LG_STEP_REASONS_MAX];
    size_t count;
    uint64_t other; /* failures whose reason found no room */
};

/* One step of a scenario run (all workers). */
struct lg_step_stats {
    char *name;     /* owned by a load_result; NULL in a worker's copy */
    char *scenario; /* the scenario it belongs to */
    uint64_t requests;  /* sent */
    uint64_t responses; /* complete responses, any status */
    uint64_t unsent;    /* failed before its request was written (no connection in time, a
                           template or feeder failure) */
    uint64_t failed[LG_FAIL_COUNT]; /* iterations that stopped at this step, by reason */
    /* Of failed[LG_FAIL_CHECK], by check, with what the first failure of each saw. */
    uint64_t check_failed[LG_STEP_CHECKS_MAX];
    char check_got[LG_STEP_CHECKS_MAX][LG_GOT_MAX];
    char **checks; /* the step's check expressions; owned by a load_result, NULL elsewhere */
    size_t check_count;
    struct lg_reasons reasons; /* failed[LG_FAIL_CHECK] by reason, GraphQL errors included */
    struct hist *latency; /* corrected: from the time the step was due to its response */
};

/* One scenario of a scenario run (all workers). */
struct lg_scenario_stats {
    char *name;
    uint64_t started, completed;
    uint64_t failed[LG_FAIL_COUNT];
    uint64_t dropped;    /* open model: arrivals that found no free virtual user */
    uint64_t unfinished; /* still running when the run ended */
    struct hist *duration; /* completed iterations: intended start to last response */
    struct hist *active;   /* the same without the think time between its steps */
    struct hist *think;    /* the think time of each completed iteration, in total */
    size_t first_step, step_count; /* its steps in load_result.steps */
};

/* A threshold judged against the run (by the caller, after it). */
struct lg_threshold_outcome {
    char *expr; /* as written in the config */
    int abort_on_fail;
    int passed;  /* 0: broken, or no data */
    int no_data; /* nothing to judge it by: counts as broken */
    double observed, limit; /* in the threshold's unit: us, a fraction, per second, a count */
    char *line;  /* "p95(scenario:checkout) = 912ms, allowed < 800ms" */
};

/* A stage of the schedule: ramp linearly from the previous target to this one. */
struct lg_stage {
    uint64_t duration_us;
    double target; /* requests per second (open model) or connections (closed model) */
};

struct load_result {
    /* What ran. */
    enum lg_model model;
    int interrupted; /* stopped by SIGINT/SIGTERM before the planned end */
    int tls;
    uint32_t threads;
    uint32_t connections; /* initial connections (closed: per-run target at the start) */
    uint32_t max_connections;
    uint32_t pipeline;
    enum lg_http http; /* the version asked for (what each connection spoke: totals) */
    uint64_t timeout_us;
    uint64_t duration_us;    /* planned */
    uint64_t elapsed_us;     /* from the start to the end of sending (before draining) */
    double start_target;     /* rate or connections at time 0 */
    struct lg_stage *stages; /* as run; one stage for a constant rate */
    size_t stage_count;
    int64_t started_unix_ms; /* wall clock at the start */
    /* A split run (--segment): which part this is ({0, 1}: the whole run; a merged result
     * has count segments, index 0), the run's id shared by its segments, and the
     * fingerprint of its schedule. The caller sets the last two. */
    struct segment segment;
    uint32_t segments_merged; /* a merged result: how many segments it holds; else 0 */
    char run_id[65];
    char config_hash[17];

    /* What happened. */
    struct lg_counters totals;
    uint64_t scheduled;        /* open model: intended requests whose time fell in the run */
    double requested_rate;     /* open model: scheduled / elapsed seconds */
    double achieved_rate;      /* responses per second of elapsed time */
    uint32_t peak_connections; /* most connections open at once */

    struct hist *latency;             /* corrected (from intended send time) */
    struct hist *latency_uncorrected; /* from the actual write */
    struct hist *connect;             /* TCP connect */
    struct hist *tls_handshake;       /* TLS handshake after connect */
    struct hist *ttfb;                /* write to first response byte */
    struct hist *schedule_lag;        /* open model: actual write minus intended time */

    struct lg_second *seconds; /* per-second series, seconds_count rows */
    size_t seconds_count;

    char first_error[256]; /* the first connect/TLS error message, "" if none */

    /* Scenario runs only (scenario_count 0 otherwise). */
    struct lg_scenario_stats *scenarios;
    size_t scenario_count;
    struct lg_step_stats *steps;
    size_t step_count;
    uint32_t vus_max;  /* virtual users the pool could hold (closed: the peak users) */
    uint32_t vus_peak; /* most virtual users in an iteration or thinking at once */
    int aborted;       /* stopped early by a threshold with abort_on_fail */
    struct lg_threshold_outcome *thresholds;
    size_t threshold_count;
};

/* Release what the result owns; the struct is zeroed and may be reused. */
void load_result_free(struct load_result *r);

/* d += s, every counter. */
void lg_counters_add(struct lg_counters *d, const struct lg_counters *s);
/* d -= s, every counter but unfinished (the state at the end): what happened between two
 * snapshots. */
void lg_counters_sub(struct lg_counters *d, const struct lg_counters *s);

/* Sum of errors over all classes. */
uint64_t load_result_errors(const struct load_result *r);
/* Responses with status >= 400. */
uint64_t load_result_http_errors(const struct load_result *r);
/* The protocols c's connections spoke (the ALPN outcome), in buf: "h2", "http/1.1 and h2", or
 * "" when no connection got ready. Returns buf. */
const char *lg_protocols_text(const struct lg_counters *c, char *buf, size_t len);

/* Sum of failed[] over the reasons. */
uint64_t lg_fail_total(const uint64_t failed[LG_FAIL_COUNT]);

/* "check '$.status == \"paid\"' failed: got \"declined\"": why step st's check k failed
 * (its first failure), before redaction. */
void lg_check_reason(const struct lg_step_stats *st, size_t k, char *buf, size_t len);

/* Count n failures with reason (cut to fit); got is kept from the reason's first failure. */
void lg_reasons_add(struct lg_reasons *rs, const char *reason, const char *got, uint64_t n);
/* The reasons of steps[0..count) together (a scenario's), in rs. */
void lg_reasons_merge(struct lg_reasons *rs, const struct lg_step_stats *steps, size_t count);

/* A scenario's histograms, all empty; lg_scenario_hists_free releases them. */
void lg_scenario_hists_new(struct lg_scenario_stats *s);
void lg_scenario_hists_free(struct lg_scenario_stats *s);

/* dst += src for the counters and histograms (not the names); dst's histograms exist. */
void lg_step_stats_add(struct lg_step_stats *dst, const struct lg_step_stats *src);
void lg_scenario_stats_add(struct lg_scenario_stats *dst, const struct lg_scenario_stats *src);

#endif
