/*
 * Maps a request to its handler: the HTTPS redirect, API versions (/api/v1, deprecated
 * /api/v0, unknown versions), the site's pages, CORS preflight, 404 and 405 with Allow.
 */
#ifndef REFSTORE_ROUTER_H
#define REFSTORE_ROUTER_H

#include "exchange.h"

void router_dispatch(struct exchange *x);
/* The answer to a request the server could not frame (400, 413, 431, ...). */
void router_error(struct exchange *x, int status);

#endif
