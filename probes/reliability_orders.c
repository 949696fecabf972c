/* R group, idempotent order creation: a retried checkout with the same Idempotency-Key makes
 * one order and gets the same answer, the key cannot be reused for another order, concurrent
 * duplicates make one order, and a missing key is refused clearly. Runs only with
 * audit.allow_orders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/orders.h"
#include "probes/store.h"

enum { CONCURRENT = 5 };

/* Is status the answer the config accepts for a reused key with another body (default 409
 * or 422)? */
static int conflict_accepted(const struct config *cfg, int status)
{
    const struct audit *a = &cfg->audit;
    if (!a->idempotency_conflict_count)
        return status == 409 || status == 422;
    for (size_t i = 0; i < a->idempotency_conflict_count; i++)
        if (a->idempotency_conflict[i] == status)
            return 1;
    return 0;
}

/* The order id of a 2xx answer, "" otherwise. */
static void answer_id(const struct probe_ctx *ctx, const struct http_response *r, char *id,
                      size_t len)
{
    char why[300];
    id[0] = '\0';
    if (r->status / 100 == 2)
        store_answer_id(ctx, EP_CHECKOUT, r, id, len, why, sizeof why);
}

/* Orders made for key: counted by the store when it can, else the distinct ids of the 2xx
 * answers (ids[0..n)). Notes how it was counted in the evidence. */
static int orders_made(struct probe_ctx *ctx, const char *key, char ids[][128], size_t n)
{
    int distinct = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = !ids[i][0];
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(ids[k], ids[i]) == 0;
        distinct += !seen;
    }
    char why[400];
    int counted = orders_count(ctx, key, why, sizeof why);
    /* A store that ignores the key may not file orders under it either: then the ids tell. */
    if (counted > 0 || (counted == 0 && distinct == 0)) {
        probe_evidence(ctx, NULL, 0, "counted by the store: %s", why);
        return counted;
    }
    probe_evidence(ctx, NULL, 0, "%s; counted by the distinct order ids returned instead: %d", why,
                   distinct);
    return distinct;
}

static void run_idempotency(struct probe_ctx *ctx)
{
    if (orders_allowed(ctx) != 0)
        return;
    char err[700];
    /* The second cart is for the concurrent duplicates: a store that makes one order of a
     * cart has no second order to make of the first. */
    struct order_cart cart, cart2;
    if (orders_cart(ctx, &cart) != 0 || orders_cart(ctx, &cart2) != 0)
        return;
    char k1[40], k2[40];
    nonce_hex(k1, 16);
    nonce_hex(k2, 16);
    char key1[64], key2[64];
    snprintf(key1, sizeof key1, "storecheck-%s", k1);
    snprintf(key2, sizeof key2, "storecheck-%s", k2);
    /* The same order, the same order with one more field (a different request under the
     * same key), the second cart's order under a second key (sent concurrently), and the
     * first without a key. */
    struct ep_request *rq = malloc(4 * sizeof *rq);
    if (!rq) {
        probe_set(ctx, PROBE_ERROR, "out of memory");
        return;
    }
    if (orders_request(ctx, &cart, key1, NULL, &rq[0], err, sizeof err) ||
        orders_request(ctx, &cart, key1, "storecheck: same key, other body", &rq[1], err,
                       sizeof err) ||
        orders_request(ctx, &cart2, key2, NULL, &rq[2], err, sizeof err) ||
        orders_request(ctx, &cart, NULL, NULL, &rq[3], err, sizeof err)) {
        probe_set(ctx, PROBE_ERROR, "%s", err);
        free(rq);
        return;
    }

    /* 1. The same request twice, one after the other. */
    struct http_response r1, r2, r3;
    http_get1(ctx, &rq[0].req, &r1);
    char ids[2 + CONCURRENT][128] = {""}, why[300];
    int accepted = ep_answer_good(ctx, EP_CHECKOUT, &r1, err, sizeof err);
    /* Orders are told apart by their ids unless the store counts them by key. */
    int named = accepted && (store_answer_id(ctx, EP_CHECKOUT, &r1, ids[0], sizeof ids[0], why,
                                             sizeof why) == 0 ||
                             ctx->cfg->target.endpoints[EP_ORDERS]);
    if (!named) {
        http_evidence(ctx, &r1, "first checkout; body %.100s", r1.body ? r1.body : "");
        /* No order to repeat or count: the checkout request is what to fix, not the store. */
        if (!accepted)
            probe_set(ctx, r1.status ? PROBE_SKIP : PROBE_ERROR, "the first checkout was not "
                      "accepted: %s", err);
        else
            probe_set(ctx, PROBE_SKIP, "no order id to count orders by: %s answered %d, a good "
                      "answer, but %s", r1.request_line, r1.status, why);
        http_response_free(&r1);
        free(rq);
        return;
    }
    http_get1(ctx, &rq[0].req, &r2);
    if (r1.status / 100 != 2) /* only a 2xx answer names an order (answer_id) */
        ids[0][0] = '\0';
    answer_id(ctx, &r2, ids[1], sizeof ids[1]);
    http_evidence(ctx, &r1, "first checkout with Idempotency-Key: %s: order %s", key1, ids[0]);
    http_evidence(ctx, &r2, "same key, same body: order %s%s", ids[1][0] ? ids[1] : "(none)",
                  http_header(&r2, "Idempotent-Replayed") ? "; Idempotent-Replayed" : "");
    int replay_same = r2.status == r1.status && strcmp(ids[0], ids[1]) == 0;
    char first[128], other[128];
    snprintf(first, sizeof first, "%s", ids[0]);
    int once = orders_made(ctx, key1, ids, 2);
    /* 2. The same key, another body (counted after: a store without idempotency makes an
     * order of it too). */
    http_get1(ctx, &rq[1].req, &r3);
    answer_id(ctx, &r3, other, sizeof other);
    http_evidence(ctx, &r3, "same key, other body: order %s", other[0] ? other : "(none)");
    int conflict_ok = conflict_accepted(ctx->cfg, r3.status);
    /* A store that makes one order of a cart answers every checkout of it with that order
     * (2xx, maybe 201 once and 200 after), whatever the key: idempotent by the cart. The
     * checkout without a key must name it too. */
    int by_cart = first[0] && strcmp(ids[1], first) == 0 && strcmp(other, first) == 0;

    /* 3. Concurrent duplicates of a new order, under a fresh key. */
    struct http_request dup[CONCURRENT];
    struct http_response dresp[CONCURRENT];
    for (size_t i = 0; i < CONCURRENT; i++)
        dup[i] = rq[2].req;
    http_run(ctx, dup, dresp, CONCURRENT, 0);
    int statuses[CONCURRENT];
    for (size_t i = 0; i < CONCURRENT; i++) {
        answer_id(ctx, &dresp[i], ids[i], sizeof ids[i]);
        statuses[i] = dresp[i].status;
        http_response_free(&dresp[i]);
    }
    probe_evidence(ctx, rq[2].url, 0,
                   "%d concurrent duplicates, cart %s with Idempotency-Key: %s: statuses %d %d "
                   "%d %d %d",
                   CONCURRENT, cart2.id, key2, statuses[0], statuses[1], statuses[2], statuses[3],
                   statuses[4]);
    int concurrent = orders_made(ctx, key2, ids, CONCURRENT);

    /* 4. No key at all. */
    struct http_response r4;
    http_get1(ctx, &rq[3].req, &r4);
    free(rq);
    char nokey[128];
    answer_id(ctx, &r4, nokey, sizeof nokey);
    http_evidence(ctx, &r4, "no Idempotency-Key: order %s", nokey[0] ? nokey : "(none)");
    int nokey_clear = r4.status >= 400 && r4.status < 500;
    by_cart &= strcmp(nokey, first) == 0;

    if (once != 1)
        probe_set(ctx, PROBE_FAIL,
                  "the same request twice with one Idempotency-Key made %d "
                  "orders: a client retry charges the customer twice",
                  once);
    else if (concurrent != 1)
        probe_set(ctx, PROBE_FAIL, "%d concurrent duplicates with one key made %d orders",
                  CONCURRENT, concurrent);
    else if (by_cart)
        probe_set(ctx, PROBE_PASS,
                  "idempotent by its cart: every checkout of cart %s answered with order %s "
                  "(the same key twice, the same key with another body, no key) and %d "
                  "concurrent checkouts of a second cart made one order: the store does not "
                  "use the Idempotency-Key, and a retry with or without one makes no second "
                  "order",
                  cart.id, first, CONCURRENT);
    else if (!conflict_ok)
        probe_set(ctx, PROBE_FAIL, "the same key with another body answered %d, not %s%s",
                  r3.status,
                  ctx->cfg->audit.idempotency_conflict_count
                      ? "an answer of audit.idempotency_conflict"
                      : "409 or 422",
                  r3.status / 100 == 2 ? ": a key reused by mistake silently returns another "
                                         "order"
                                       : "");
    else if (!replay_same)
        probe_set(ctx, PROBE_WARN,
                  "one order, but the repeat answered %d (order %s) instead "
                  "of the first answer (%d, order %s)",
                  r2.status, ids[1][0] ? ids[1] : "none", r1.status, ids[0]);
    else if (r4.status / 100 == 2)
        probe_set(ctx, PROBE_WARN,
                  "idempotent with a key, but checkout without one is "
                  "accepted (%d): retries of such clients duplicate orders",
                  r4.status);
    else if (!nokey_clear)
        probe_set(ctx, PROBE_FAIL, "checkout without Idempotency-Key answered %d, not a 4xx",
                  r4.status);
    else
        probe_set(ctx, PROBE_PASS,
                  "one order per key (sequential and %d concurrent), the "
                  "repeat gets the first answer, another body %d, no key %d",
                  CONCURRENT, r3.status, r4.status);
    http_response_free(&r1);
    http_response_free(&r2);
    http_response_free(&r3);
    http_response_free(&r4);
}

const struct probe probe_r_idempotency = {
    .id = "R-IDEMPOTENCY",
    .group = GROUP_R,
    .title = "Order creation is idempotent (Idempotency-Key)",
    .severity = SEV_HIGH,
    .rationale = "Mobile networks drop answers and clients retry; without idempotency the "
                 "retry is a second order and a second charge, most often on launch day.",
    .remediation = "Require an Idempotency-Key on order creation, store the first answer per "
                   "key, replay it for the same request and answer 409/422 for another one.",
    .references = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/ "
                  "https://docs.stripe.com/api/idempotent_requests",
    .run = run_idempotency,
};
