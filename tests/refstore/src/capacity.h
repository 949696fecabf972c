/*
 * --capacity RATE: the store serves at most RATE requests a second, store-wide (a token bucket
 * with a tenth of a second's worth saved up); any request above it gets an immediate 503 with
 * Retry-After. Without the flag nothing is limited. The knee is then exactly RATE, whatever
 * the machine: the 503s cost almost nothing, so the store never slows down before the limit.
 */
#ifndef REFSTORE_CAPACITY_H
#define REFSTORE_CAPACITY_H

#include <stdbool.h>

/* rate <= 0: no limit. */
void capacity_init(double rate);
/* Take one request's token at time now (seconds); false when the store is over capacity. */
bool capacity_take(double now);

#endif
