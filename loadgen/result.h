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
    LG_ERR_COUNT
};

/* Stable lower-case names used in the summary and the JSON ("connect_refused", ...). */
extern const char *const lg_error_names[LG_ERR_COUNT];

enum lg_model { LG_MODEL_CLOSED, LG_MODEL_OPEN };

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
    uint64_t connects;   /* TCP connections established */
    uint64_t handshakes; /* TLS handshakes completed */
    uint64_t resumed;    /* of which resumed a previous session */
};

/* An open-model request sent later than this after its intended time is counted late. */
#define LG_LATE_US 10000

/* One second of the run (all workers). */
struct lg_second {
    uint32_t second; /* 0-based from the start of the run */
    uint64_t responses;
    uint64_t errors; /* transport and parse errors (all lg_error classes) */
    uint64_t status_4xx, status_5xx;
    uint64_t late, dropped;
    uint64_t bytes_in, bytes_out;
    uint64_t p50, p90, p99, max; /* corrected latency of the responses that completed in it */
    double mean;
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
    uint64_t timeout_us;
    uint64_t duration_us;    /* planned */
    uint64_t elapsed_us;     /* from the start to the end of sending (before draining) */
    double start_target;     /* rate or connections at time 0 */
    struct lg_stage *stages; /* as run; one stage for a constant rate */
    size_t stage_count;
    int64_t started_unix_ms; /* wall clock at the start */

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
};

/* Release what the result owns; the struct is zeroed and may be reused. */
void load_result_free(struct load_result *r);

/* Sum of errors over all classes. */
uint64_t load_result_errors(const struct load_result *r);
/* Responses with status >= 400. */
uint64_t load_result_http_errors(const struct load_result *r);

#endif
