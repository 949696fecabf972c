/*
 * Requests as bytes on the wire, built once before the run. A request list (request_list.h)
 * hands them to connections; the engine never formats a request on the hot path.
 */
#ifndef STORECHECK_LOADGEN_REQUEST_H
#define STORECHECK_LOADGEN_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "common/url.h"

struct request {
    char *bytes; /* owned */
    size_t len;
    int no_body; /* HEAD: the response carries no body */
};

/* Build "METHOD path HTTP/1.1" with Host (unless given), the extra headers ("Name: value"
 * each), Content-Length when there is a body or the method usually has one, and the body.
 * Nothing else: no User-Agent unless given (as with wrk; every header costs the server time to
 * parse). Refuses CR/LF inside a header or the method. Returns 0, or -1 with err. */
int request_build(struct request *r, const char *method, const struct url *u,
                  const char *const *headers, size_t header_count, const char *body,
                  size_t body_len, char *err, size_t errlen);
void request_free(struct request *r);

#endif
