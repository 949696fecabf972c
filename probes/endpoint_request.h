/*
 * An endpoint as the request a probe sends: the path from target.endpoints[], the rest from
 * target.requests[] when the endpoint is written as a request, every {{...}} filled from the
 * values the probe hands in (id, q, cart_id, key) and from the shopper session's variables
 * (probes/shopper.h), the shopper's cookies sent along. And whether an answer is the good one:
 * the endpoint's expect and check when it has them, else any 2xx.
 */
#ifndef STORECHECK_PROBES_ENDPOINT_REQUEST_H
#define STORECHECK_PROBES_ENDPOINT_REQUEST_H

#include <stddef.h>

#include "probes/http.h"
#include "probes/shopper.h"

enum { EP_REQUEST_LINES = 12, EP_REQUEST_BODY_MAX = 8192 };

/* The variables every endpoint template may use besides the session's: a product id, a
 * search term, the cart being filled, an Idempotency-Key. */
extern const char *const ep_request_builtins[];
extern const size_t ep_request_builtin_count;

struct ep_request {
    struct http_request req; /* points into the fields below */
    char url[1024];
    char lines[EP_REQUEST_LINES][1024];
    char body[EP_REQUEST_BODY_MAX];
};

/* What the probe sends when the endpoint says nothing of it: method, a JSON body (NULL:
 * none) and an Accept line (NULL: none). */
struct ep_defaults {
    const char *method;
    const char *json_body;
    const char *accept;
};

/* Build endpoint ep's request. vars: "name", "value", ..., NULL (may be NULL); sh: the
 * shopper whose variables and cookies go along (may be NULL); cookie: a "Cookie: ..." line
 * the probe carries besides (may be NULL or ""); extra: one more header line (may be NULL).
 * 0, or -1 with the reason in err (not configured, a variable without a value). */
int ep_request_build(struct probe_ctx *ctx, enum endpoint ep, const struct ep_defaults *d,
                     const char *const *vars, const struct shopper *sh, const char *cookie,
                     const char *extra, struct ep_request *out, char *err, size_t errlen);

/* 1 when r is the answer endpoint ep calls good. Else 0 with why: what the store answered and
 * which config key to fix, for a probe that must not judge an answer to a wrong request. */
int ep_answer_good(const struct probe_ctx *ctx, enum endpoint ep, const struct http_response *r,
                   char *why, size_t len);

/* Shopper i of the audit (0, or 1 for a second one), or NULL when there is no audit.session. */
const struct shopper *ep_shopper(const struct probe_ctx *ctx, size_t i);

/* For a probe that acts as shopper i: when audit.session is set and that run failed, the
 * verdict becomes skip with the failing step and what the store answered, and -1 is
 * returned; else 0, after adding the session's run to the evidence when there is one. */
int ep_need_shopper(struct probe_ctx *ctx, size_t i);

#endif
