/*
 * Error answers. Under /api/ they are RFC 9457 problem+json (type, title, status, detail,
 * instance); elsewhere an HTML page. The stack-traces and no-problem-json variants change both.
 */
#ifndef REFSTORE_PROBLEM_H
#define REFSTORE_PROBLEM_H

#include "exchange.h"

/* An API error; detail may be NULL. */
void problem_reply(struct exchange *x, int status, const char *title, const char *detail);
/* An error for any path: problem+json under /api/, an HTML error page elsewhere. */
void problem_error(struct exchange *x, int status, const char *detail);

#endif
