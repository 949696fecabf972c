/* The HTML pages: home, product, checkout, account, and error pages. */
#ifndef REFSTORE_PAGES_H
#define REFSTORE_PAGES_H

#include <stddef.h>

#include "exchange.h"

void pages_home(struct exchange *x, const char *param, size_t plen);
void pages_product(struct exchange *x, const char *param, size_t plen);
void pages_checkout(struct exchange *x, const char *param, size_t plen);
void pages_account(struct exchange *x, const char *param, size_t plen);
/* An HTML error page (with a stack trace in the stack-traces variant). */
void pages_error(struct exchange *x, int status, const char *message);
/* An HTML error page with a stack trace and debug details, whatever the variants. */
void pages_error_trace(struct exchange *x, int status, const char *message);

#endif
