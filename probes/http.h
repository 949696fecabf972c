/*
 * The probes' HTTP client: libcurl's multi interface driving one or many requests at once,
 * with every safety rule applied in one place. Only allowed hosts are contacted; redirects are
 * followed only when asked and only onto allowed hosts; no proxy from the environment; every
 * transfer ends by the probe's deadline or on cancellation; bodies and headers are capped.
 * The config's target.headers go with every request.
 */
#ifndef STORECHECK_PROBES_HTTP_H
#define STORECHECK_PROBES_HTTP_H

#include <stddef.h>

#include "probes/probe.h"

enum { HTTP_MAX_HEADERS = 64 };

struct http_request {
    const char *method;     /* default GET */
    const char *url;        /* absolute, or a path joined to target.base_url */
    const char *headers[16]; /* extra "Name: value" lines, NULL-terminated */
    const char *body;       /* NULL: none */
    int follow;             /* follow up to this many redirects on allowed hosts */
    size_t max_body;        /* 0: 1 MiB; a longer body is a transport error ... */
    int truncate_ok;        /* ... unless set: then the body is cut at max_body */
    int anonymous;          /* 1: without target.headers, as an anonymous visitor sends it */
};

/* Why a transfer got no HTTP status: probes decide on this, never on the error's text. */
enum http_failure {
    HTTP_FAIL_NONE,          /* an HTTP status came */
    HTTP_FAIL_NOT_CONTACTED, /* the host is not allowed */
    HTTP_FAIL_NOT_SENT,      /* the probe had to stop before the request went out */
    HTTP_FAIL_STOPPED,       /* cancelled, or the probe's time ran out in flight */
    HTTP_FAIL_RESOLVE,       /* the host name does not resolve */
    HTTP_FAIL_REFUSED,       /* connection refused: nothing listens on that port */
    HTTP_FAIL_CONNECT,       /* the connection failed otherwise (unreachable, reset) */
    HTTP_FAIL_TIMEOUT,       /* no answer within target.timeout */
    HTTP_FAIL_TLS,           /* the TLS handshake failed */
    HTTP_FAIL_TOO_LARGE,     /* the body or the headers are over their caps */
    HTTP_FAIL_PROTOCOL,      /* the answer is not HTTP, or the connection broke mid-answer */
};

struct http_header {
    char *name;
    char *value;
};

struct http_response {
    int status; /* 0 when the transfer failed: see failure and error */
    enum http_failure failure;
    char error[256];         /* why the transfer failed, for people; "" when it did not */
    int unverified;          /* the certificate did not verify: answered with verification off */
    char url[1024];          /* the URL of this (last) response */
    char request_line[1100]; /* "GET https://host/path", for evidence */
    struct http_header headers[HTTP_MAX_HEADERS];
    size_t header_count;
    char *body; /* NUL-terminated; may hold NULs before body_len */
    size_t body_len;
    int truncated;           /* the body was cut at max_body (truncate_ok) */
    double total_ms;         /* time of the last hop */
    char redirect_note[512]; /* set when a redirect was not followed, and why */
};

/* Run n requests concurrently (at most `parallel` at a time; 0: all). Each response is
 * filled, successful or not; returns the number that got an HTTP status. Free each response
 * with http_response_free. */
size_t http_run(struct probe_ctx *ctx, const struct http_request *reqs, struct http_response *resps,
                size_t n, size_t parallel);
/* One request; 0 when it got an HTTP status, -1 when not (resp->error says why). */
int http_get1(struct probe_ctx *ctx, const struct http_request *req, struct http_response *resp);
void http_response_free(struct http_response *r);

/* The first value of a header (any case), or NULL. */
const char *http_header(const struct http_response *r, const char *name);
/* The n-th header of that name (0-based), or NULL. */
const char *http_header_nth(const struct http_response *r, const char *name, size_t n);

/* The URL of an endpoint path with its {{var}} templates filled from vars ("id", "1",
 * "cart_id", "c_1", NULL). Returns -1 with the unresolved variable in err. */
int http_endpoint_url(const struct probe_ctx *ctx, const char *path, const char *const *vars,
                      char *out, size_t outlen, char *err, size_t errlen);

/* The "Cookie:" request header that sends back every cookie set by the responses (last value
 * of a name wins), appended to buf; "" when none. */
void http_cookie_header(const struct http_response *const *resps, size_t n, char *buf, size_t len);

/* Evidence from a response: its request line and status, plus detail. Transport failures
 * record the error instead of a status; an answer got with verification off says so. */
void http_evidence(struct probe_ctx *ctx, const struct http_response *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Case-insensitive substring search; NULL-safe. */
const char *http_strcasestr(const char *hay, const char *needle);

#endif
