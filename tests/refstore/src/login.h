/* POST /api/v1/login: a token for any non-empty JSON body, rate limited per client. */
#ifndef REFSTORE_LOGIN_H
#define REFSTORE_LOGIN_H

#include <stddef.h>

#include "exchange.h"

void login_post(struct exchange *x, const char *param, size_t plen);

#endif
