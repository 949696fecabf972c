/* RFC 9457 problem details: is an error answer a valid application/problem+json document? */
#ifndef STORECHECK_PROBES_PROBLEM_H
#define STORECHECK_PROBES_PROBLEM_H

#include <stddef.h>

#include "probes/http.h"

/* 0 when r carries Content-Type application/problem+json and a JSON object whose "status"
 * (when present) equals the HTTP status, whose "title" is a string and whose "type" (when
 * present) is a string; -1 with the first thing wrong in why. */
int problem_check(const struct http_response *r, char *why, size_t len);

#endif
