/*
 * One webhook round for a probe: start storecheck's receiver, subscribe it through
 * target.webhooks.subscribe to order.created, place an order (only with audit.allow_orders)
 * and collect the deliveries that carry the new order's id. Concurrent probes each get their
 * own receiver and order, and tell their event from the others' by that id.
 */
#ifndef STORECHECK_PROBES_WEBHOOK_CAPTURE_H
#define STORECHECK_PROBES_WEBHOOK_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"
#include "probes/webhook_receiver.h"

struct whc {
    struct whr *rx;
    char order_id[128];  /* the order placed; "" when its answer had no id */
    char match[160];     /* what its deliveries contain: "\"o_1\"" or "\"id\":7";
                          * "" matches every delivery */
    uint64_t ordered_ms; /* when the order was answered */
    uint64_t wait_until; /* webhooks.wait (default 30 s) from then, within the probe's time */
    char sub_url[1100];  /* the subscription's own URL (subscribe/ID), "" when unknown */
};

/* Start, subscribe and order; the receiver fails the first fail_first attempts of each
 * event. 0, or -1 with the verdict set (skip or error) and everything released. */
int whc_start(struct probe_ctx *ctx, int fail_first, struct whc *c);

/* Wait until want deliveries of the order's event arrived, or until `until` (capped at
 * c->wait_until). Returns how many arrived. */
size_t whc_wait(struct probe_ctx *ctx, struct whc *c, size_t want, uint64_t until);

/* The i-th delivery of the order's event, or NULL. */
const struct whr_delivery *whc_get(struct whc *c, size_t i);

/* Stop the receiver and remove the subscription (DELETE subscribe/ID, best effort; the
 * outcome goes to the evidence). */
void whc_end(struct probe_ctx *ctx, struct whc *c);

#endif
