/*
 * One request and the answer being built for it. Handlers fill in status, content type, body
 * and extra headers; exchange_finish serializes the answer with the headers every response
 * carries (Date, Server, X-Request-Id, security headers, CORS, gzip, conditional GET).
 *
 * Extra headers and built bodies live in scratch buffers shared by all exchanges: the server
 * finishes one exchange before it starts the next, so nothing is allocated per request once
 * the buffers have grown.
 */
#ifndef REFSTORE_EXCHANGE_H
#define REFSTORE_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "http_parser.h"
#include "metrics.h"

enum listener_kind { LISTENER_HTTP, LISTENER_HTTPS, LISTENER_ADMIN };

enum {
    REPLY_HTML = 1 << 0,    /* an HTML page: the full set of security headers */
    REPLY_NO_GZIP = 1 << 1, /* never compress (binary or already compressed) */
    REPLY_CLOSE = 1 << 2,   /* close the connection after this answer */
    REPLY_HANG = 1 << 3,    /* never answer (orders-down-hang) */
};

struct exchange {
    const struct http_request *req;
    enum listener_kind kind;
    bool tls;
    const char *peer; /* client address, for rate limiting */
    enum route_id route;

    int status;
    const char *ctype;
    const char *body; /* static or precomputed; NULL means the scratch body */
    size_t body_len;
    const char *body_gz; /* a precomputed gzip form of body, optional */
    size_t body_gz_len;
    const char *etag; /* strong validator including quotes */
    time_t last_modified;
    unsigned flags;
    double delay; /* seconds to hold the answer back */
};

/* Starts an exchange for req (NULL for a request that could not be parsed). */
void exchange_init(struct exchange *x, const struct http_request *req, enum listener_kind kind,
                   bool tls, const char *peer);

void exchange_header(struct exchange *x, const char *name, const char *value);
void exchange_headerf(struct exchange *x, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An answer whose body outlives the exchange (static or precomputed data). */
void exchange_static(struct exchange *x, int status, const char *ctype, const char *body,
                     size_t len);
/* An answer built into the scratch body, returned reset. */
struct buf *exchange_body(struct exchange *x, int status, const char *ctype);

/* Does the request's Origin get CORS access (the store's own front end)? */
bool exchange_cors_allowed(const struct exchange *x);

/* Request helpers. */
bool exchange_is_api(const struct exchange *x);
const char *exchange_header_in(const struct exchange *x, const char *name, size_t *len);
/* The value of query parameter name, percent-decoded into out; false when absent. */
bool exchange_query(const struct exchange *x, const char *name, char *out, size_t outlen);

/* Serializes the answer into out. */
void exchange_finish(struct exchange *x, struct buf *out);

const char *http_reason(int status);

#endif
