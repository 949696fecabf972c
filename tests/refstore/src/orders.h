/*
 * Checkout and orders, with Idempotency-Key: the first request with a key creates the order
 * and its answer is kept; the same key and body replays that answer, the same key with another
 * body is refused. The store is single-threaded, so concurrent duplicates are serialized and
 * only the first creates an order. Orders live in a fixed ring like carts.
 */
#ifndef REFSTORE_ORDERS_H
#define REFSTORE_ORDERS_H

#include <stddef.h>

#include "exchange.h"

void orders_init(void);
void orders_free(void);

void orders_checkout(struct exchange *x, const char *param, size_t plen);
void orders_get(struct exchange *x, const char *param, size_t plen);
void orders_list(struct exchange *x, const char *param, size_t plen);

#endif
