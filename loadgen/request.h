/*
 * Requests as bytes on the wire, built once before the run. A request list (request_list.h)
 * hands them to connections; the engine never formats a request on the hot path.
 *
 * Each request also carries its parts, recorded while its bytes were built: HTTP/1.1 sends the
 * bytes, HTTP/2 sends the parts (the bytes' pieces as header fields) and never reads the text.
 */
#ifndef STORECHECK_LOADGEN_REQUEST_H
#define STORECHECK_LOADGEN_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "common/url.h"

/* A stretch of a request's bytes. */
struct request_span {
    uint32_t off, len;
};

/* A header field as HTTP/2 sends it: the name in lower case (text of the request's source that
 * lives as long as the request, not in the bytes) and the value, a span of the bytes. */
struct request_field {
    const char *name;
    uint32_t name_len;
    struct request_span value;
};

/* What HTTP/2 sends of a request: the request line's method and target, the last Host as the
 * authority, the header fields but Host and those of an HTTP/1.1 connection
 * (request_field_hop_by_hop), in order, and the body. */
struct request_parts {
    struct request_span method, path, authority, body;
    const struct request_field *fields;
    uint32_t field_count;
    uint8_t tls; /* the scheme: https (1) or http (0) */
};

struct request {
    char *bytes; /* owned by the request's source */
    size_t len;
    int no_body;                 /* HEAD: the response carries no body */
    struct request_parts *parts; /* owned by the request's source */
};

/* Build "METHOD path HTTP/1.1" with Host (unless given), the extra headers ("Name: value"
 * each), Content-Length when there is a body or the method usually has one, and the body;
 * and its parts. Nothing else: no User-Agent unless given (as with wrk; every header costs
 * the server time to parse). Refuses CR/LF inside a header or the method. Returns 0, or -1
 * with err. */
int request_build(struct request *r, const char *method, const struct url *u,
                  const char *const *headers, size_t header_count, const char *body,
                  size_t body_len, char *err, size_t errlen);
void request_free(struct request *r);

/* 1 when a header named name[0..len) (any case) belongs to an HTTP/1.1 connection, not to a
 * request: Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade, TE. HTTP/2
 * leaves them out. */
int request_field_hop_by_hop(const char *name, size_t len);

/* Copy name[0..len) in lower case to out (len bytes), as HTTP/2 field names are written. */
void request_field_name_lower(char *out, const char *name, size_t len);

#endif
