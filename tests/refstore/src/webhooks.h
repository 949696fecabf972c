/*
 * Outgoing webhooks: subscriptions (POST /api/v1/webhooks, loopback http URLs only) and
 * deliveries signed in the Standard Webhooks scheme. A delivery that gets no 2xx answer (a
 * refused connection, an error status, or nothing within 5 s) is retried after each interval
 * of the schedule, then given up. Deliveries run on the store's event loop with non-blocking
 * sockets; at most WEBHOOKS_INFLIGHT_MAX are pending, more are dropped and counted.
 */
#ifndef REFSTORE_WEBHOOKS_H
#define REFSTORE_WEBHOOKS_H

#include <stddef.h>

#include "exchange.h"

#define WEBHOOKS_INFLIGHT_MAX 10000

void webhooks_subscribe(struct exchange *x, const char *param, size_t plen);
/* DELETE /api/v1/webhooks/{id}: 204, and the subscription's pending retries are dropped;
 * 404 for an unknown or removed id. */
void webhooks_unsubscribe(struct exchange *x, const char *param, size_t plen);
/* Queues a delivery of the event (data is a JSON value) to every subscriber of type. */
void webhooks_emit(const char *type, const char *data, size_t len);
/* Cancels every pending delivery. */
void webhooks_shutdown(void);

#endif
