/*
 * Cookies and the caching rules that go with per-user answers: session and cart cookies carry
 * Secure (over TLS), HttpOnly and SameSite; per-user answers are private, no-store.
 */
#ifndef REFSTORE_SESSION_H
#define REFSTORE_SESSION_H

#include "exchange.h"

void session_set_cookie(struct exchange *x, const char *name, const char *value);
/* Marks a per-user answer (cart, account) as not cacheable by shared caches. */
void session_private(struct exchange *x);

#endif
