/*
 * A response captured for a scenario step: the bytes of one final response as they came off
 * the connection (up to a cap), split into head and body, a chunked body decoded in place, so
 * extractions can read the head (headers, Set-Cookie) and the body (JSON).
 */
#ifndef STORECHECK_SCENARIO_RESPONSE_H
#define STORECHECK_SCENARIO_RESPONSE_H

#include <stddef.h>

struct response_view {
    const char *head; /* status line and headers with the blank line that ends them */
    size_t head_len;
    const char *body; /* the body, de-chunked */
    size_t body_len;
};

/* buf[0..len) holds one final response, possibly after 1xx interim responses. A head without
 * its blank line is all head; a body cut short (by the capture cap) is what arrived. */
void response_view(char *buf, size_t len, struct response_view *out);

#endif
