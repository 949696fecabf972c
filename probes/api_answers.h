/*
 * The answers an API-only store is judged on. A store without HTML pages (no home,
 * product_page or checkout_page, or a home that answers JSON) still answers its configured
 * API endpoints, and the probes that look at pages fall back to, or also judge, those: each
 * asked for with the Accept header its kind calls for, so a JSON API is not asked for HTML.
 */
#ifndef STORECHECK_PROBES_API_ANSWERS_H
#define STORECHECK_PROBES_API_ANSWERS_H

#include <stddef.h>

#include "probes/endpoint_request.h"
#include "probes/http.h"

/* The API endpoints anyone may read (catalog, product, search), in fallback order. */
extern const enum endpoint api_read_endpoints[];
extern const size_t api_read_endpoint_count;

/* 1 for the endpoints that are HTML pages a browser renders (home, product_page,
 * checkout_page, account). */
int api_endpoint_is_page(enum endpoint ep);

/* 1 when r's Content-Type is HTML (a page), 0 for anything else (JSON, none). */
int api_answer_is_html(const struct http_response *r);

enum { API_FETCH_MAX = 8 };

/* The requests api_fetch sends, built and not sent: reqs[k] (pointing into rqs[k]) is the
 * request of endpoint got[k]; got, rqs and reqs hold n each (at most API_FETCH_MAX are
 * built). Returns how many. */
size_t api_requests(struct probe_ctx *ctx, const enum endpoint *eps, size_t n, const char *header,
                    enum endpoint *got, struct ep_request *rqs, struct http_request *reqs);

/* Send the configured endpoints among eps (at most API_FETCH_MAX) concurrently, each as its
 * own request (store_request: method, headers and body when written as a request, else a
 * GET): pages with Accept: text/html, API endpoints with Accept: application/json, each with
 * header too when not NULL. got[k] is the endpoint of resps[k]; returns how many were sent.
 * Endpoints that are configured but cannot be built are noted as evidence. */
size_t api_fetch(struct probe_ctx *ctx, const enum endpoint *eps, size_t n, const char *header,
                 enum endpoint *got, struct http_response *resps);

/* 1 when r, the answer to a request sent for key, may be judged: when the request was endpoint
 * ep's own, its good answer (ep_answer_good); when it was another one (ep is EP_COUNT), an
 * answer that does not call the request wrong (answer_fit). Else 0 with why: which endpoint
 * or config key to fix (answer_fit_explain's words when the status says what was wrong). */
int api_answer_fits(const struct probe_ctx *ctx, enum endpoint ep, const char *key,
                    const struct http_response *r, char *why, size_t len);

#endif
