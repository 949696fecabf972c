/*
 * Real orders for the probes that need them (idempotency, webhooks, degradation), made only
 * when audit.allow_orders is true: a cart through endpoints.cart (and cart_items), then a POST
 * to endpoints.checkout with {"cart_id": "..."} and an Idempotency-Key.
 */
#ifndef STORECHECK_PROBES_ORDERS_H
#define STORECHECK_PROBES_ORDERS_H

#include <stddef.h>

#include "probes/http.h"

/* 0 when the probe may create orders: allow_orders is on and a checkout endpoint is
 * configured; -1 with the verdict set to skip and why. */
int orders_allowed(struct probe_ctx *ctx);

/* A checkout body for a fresh cart: {"cart_id":"..."}. 0, or -1 with the verdict set. */
int orders_body(struct probe_ctx *ctx, char *body, size_t len);

/* A checkout request: POST url with body; key_line is "Idempotency-Key: ..." or NULL. */
struct http_request orders_request(const char *url, const char *body, const char *key_line);

/* Make one order with a fresh key; the order id (top-level "id") goes to id. 0 when the store
 * answered 2xx, -1 when not (resp holds the answer; the caller frees it). */
int orders_place(struct probe_ctx *ctx, struct http_response *resp, char *id, size_t idlen);

/* How many orders the store holds for key, through endpoints.orders ({{key}} templated): a
 * "count" member or the length of the list. -1 when the store has no such endpoint or it did
 * not answer (why says which). */
int orders_count(struct probe_ctx *ctx, const char *key, char *why, size_t whylen);

#endif
