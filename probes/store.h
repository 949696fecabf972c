/*
 * Store flows several probes share: endpoint URLs with their {{id}} filled from the catalog,
 * the pages a shopper sees, and a real add-to-cart whose responses carry the cart cookies.
 */
#ifndef STORECHECK_PROBES_STORE_H
#define STORECHECK_PROBES_STORE_H

#include "probes/endpoint_request.h"
#include "probes/http.h"

/* What a probe hands in to an endpoint's request: the values of {{cart_id}} and {{key}}
 * (NULL: none) and more name/value pairs (NULL-terminated; the probe's own values win), the
 * method and body it sends when the endpoint gives none, the shopper it acts as (0, or 1 for a
 * second one), a Cookie line it carries and one more header line. */
enum { STORE_VALUES_MAX = 16 }; /* pairs in store_values.values */

struct store_values {
    const struct ep_defaults *defaults;
    const char *cart_id;
    const char *key;
    const char *const *values;
    size_t shopper;
    const char *cookie;
    const char *extra;
};

/* Endpoint ep's request (probes/endpoint_request.h), {{id}} filled from the catalog when a
 * template asks for it, {{q}} with a common search term; in may be NULL. 0, or -1 with the
 * reason in err. */
int store_request(struct probe_ctx *ctx, enum endpoint ep, const struct store_values *in,
                  struct ep_request *out, char *err, size_t errlen);

/* The URL of an endpoint; {{id}} becomes a product id read from the catalog (one request,
 * made only when the path needs it). -1 with the reason in err when the endpoint is not
 * configured or a template cannot be filled. */
int store_endpoint_url(struct probe_ctx *ctx, enum endpoint ep, char *out, size_t len, char *err,
                       size_t errlen);

/* Endpoint ep's request as the start of a deliberately wrong one, for the probes that send
 * what a store must refuse: its URL, headers, the shopper's values and cookies, a JSON
 * Content-Type unless it has its own, sent with body (NULL: none; the caller keeps it) and
 * method (NULL: the endpoint's own, POST when that is GET). 0, or -1 with the reason in err. */
int store_request_instead(struct probe_ctx *ctx, enum endpoint ep, const char *method,
                          const char *body, struct ep_request *out, char *err, size_t errlen);

/* Fetch the configured HTML pages among home, product page, checkout page (in that order)
 * concurrently, each as its endpoint's own request. Fills urls/resps for each configured page and returns their count; pages
 * that are not configured or cannot be resolved are noted as evidence. */
size_t store_fetch_pages(struct probe_ctx *ctx, const enum endpoint *eps, size_t n,
                         struct http_response *resps);

/* A shopper's add-to-cart: create a cart (EP_CART), then add one product (EP_CART_ITEMS,
 * whose templates may hold {{cart_id}} and {{id}}), both as requests of their endpoints sent
 * as audit.session's shopper `shopper` when there is one. resps[0] is the create, resps[1] the
 * add; cookie is sent with both ("" for a fresh session). Returns how many responses were
 * filled (0 when the store has no cart endpoint: err says so); err is "" when both answers
 * were good, else says which was not and which config key to fix. The cart id goes to
 * cart_id. */
size_t store_add_to_cart(struct probe_ctx *ctx, size_t shopper, const char *cookie,
                         struct http_response *resps, char *cart_id, size_t idlen, char *err,
                         size_t errlen);

/* A static asset's URL: EP_STATIC_ASSET, else the first same-origin stylesheet or script of
 * the home page. -1 with the reason in err. */
int store_static_asset(struct probe_ctx *ctx, char *out, size_t len, char *err, size_t errlen);

/* The id a good answer of endpoint ep (EP_CART: the new cart, EP_CHECKOUT: the order) names:
 * at the endpoint's `id` JSON path, else as store_json_id finds it. 0, or -1 with what is
 * missing in why ("without ...", "with nothing at ...", to follow what the store answered). */
int store_answer_id(const struct probe_ctx *ctx, enum endpoint ep, const struct http_response *resp,
                    char *out, size_t len, char *why, size_t whylen);

/* The id (string or integer) of a JSON object body: its top-level "id", else the "id" of the
 * one object member that has one, as in {"cart": {"id": ...}} or {"data": {...}}; or -1. */
int store_json_id(const char *body, char *out, size_t len);

#endif
