/*
 * Real orders for the probes that need them (idempotency, webhooks, degradation), made only
 * when audit.allow_orders is true: a cart made by a run of the audit.order scenario (its
 * cart_id, its cookies), else through endpoints.cart (and cart_items); then the checkout
 * endpoint's request (by default a POST with {"cart_id": "..."}) with an Idempotency-Key,
 * sent as audit.session's shopper when there is one.
 */
#ifndef STORECHECK_PROBES_ORDERS_H
#define STORECHECK_PROBES_ORDERS_H

#include <stddef.h>

#include "probes/endpoint_request.h"
#include "probes/http.h"
#include "probes/store.h"

/* 0 when the probe may create orders: allow_orders is on, a checkout endpoint is configured
 * and the shopper session (when there is one) ran; -1 with the verdict set to skip and why. */
int orders_allowed(struct probe_ctx *ctx);

/* A cart ready to check out: its id ({{cart_id}} of the checkout), the Cookie line of the
 * run that made it ("" when it holds none) and the other values the audit.order run
 * extracted (a session token, a payment session), which the checkout's templates may use:
 * name/value pairs, NULL-terminated, kept in the probe result's arena. */
struct order_cart {
    char id[128];
    char cookie[2100];
    const char *values[2 * STORE_VALUES_MAX + 1];
};

/* A fresh cart with an item, to order. 0, or -1 with the verdict set. */
int orders_cart(struct probe_ctx *ctx, struct order_cart *cart);

/* The checkout of cart with Idempotency-Key key (NULL: none, and {{key}} has no value);
 * note: when not NULL, one more member of a JSON body, so the body differs. 0, or -1 with
 * the reason in err. */
int orders_request(struct probe_ctx *ctx, const struct order_cart *cart, const char *key,
                   const char *note, struct ep_request *out, char *err, size_t errlen);

/* Make one order with a fresh key; the order id (store_json_id) goes to id. 0 when the store
 * answered 2xx, -1 when not (resp holds the answer; the caller frees it). */
int orders_place(struct probe_ctx *ctx, struct http_response *resp, char *id, size_t idlen);

/* How many orders the store holds for key, through endpoints.orders ({{key}} templated): a
 * "count" member or the length of the list. -1 when the store has no such endpoint or it did
 * not answer (why says which). */
int orders_count(struct probe_ctx *ctx, const char *key, char *why, size_t whylen);

#endif
