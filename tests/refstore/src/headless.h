/*
 * The headless mode (--headless): the store as an API-only, token-session store would run it.
 * A shopper first gets a session token from POST /api/v1/session (and a sid cookie beside
 * it), then sends it as X-Session-Token; creating a cart is a POST with a JSON object body
 * and that token, and a cart answers only to the token that created it. The home page sets no
 * session cookie. Without --headless, /api/v1/session does not exist.
 */
#ifndef REFSTORE_HEADLESS_H
#define REFSTORE_HEADLESS_H

#include <stdbool.h>

#include "exchange.h"
#include "ids.h"

void headless_init(void);
void headless_free(void);

/* POST /api/v1/session: 201 {"token": "..."}, no-store. */
void headless_session(struct exchange *x, const char *param, size_t plen);

/* The request's X-Session-Token when it is one this store handed out, copied to token; else
 * false after answering 401 (the caller returns). */
bool headless_require_token(struct exchange *x, char token[IDS_RANDOM_LEN]);

/* A JSON object body sent as application/json; else false after answering 415 or 400. */
bool headless_require_json(struct exchange *x);

#endif
