#include "probes/orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/oom.h"
#include "common/stop.h"
#include "probes/nonce.h"
#include "probes/store.h"

int orders_allowed(struct probe_ctx *ctx)
{
    if (!ctx->cfg->audit.allow_orders) {
        probe_set(ctx, PROBE_SKIP,
                  "creates orders: enable audit.allow_orders on a test or "
                  "sandbox store");
        return -1;
    }
    if (!ctx->cfg->target.endpoints[EP_CHECKOUT]) {
        probe_set(ctx, PROBE_SKIP, "no checkout endpoint in the config");
        return -1;
    }
    return ep_need_shopper(ctx, 0);
}

/* The values the run extracted, but cart_id, for the checkout's templates: each once, the
 * first STORE_VALUES_MAX, each up to 8 KiB (a long session token fits). */
static void keep_values(struct probe_ctx *ctx, const struct shopper *run, struct order_cart *cart)
{
    const struct scenario *sc = config_scenario(ctx->cfg, ctx->cfg->audit.order);
    struct arena *a = &ctx->result->arena;
    size_t n = 0, len = 8192;
    char *value = xmalloc(len);
    for (size_t i = 0; sc && i < sc->step_count; i++)
        for (size_t x = 0; x < sc->steps[i].extraction_count; x++) {
            const char *name = sc->steps[i].extractions[x].var;
            size_t k = 0;
            while (name && k < n && strcmp(cart->values[k], name) != 0)
                k += 2;
            if (!name || strcmp(name, "cart_id") == 0 || k < n || n == 2 * STORE_VALUES_MAX ||
                shopper_var(run, name, value, len) != 0)
                continue;
            cart->values[n++] = arena_strdup(a, name);
            cart->values[n++] = arena_strdup(a, value);
        }
    cart->values[n] = NULL;
    free(value);
}

/* The cart of a run of the audit.order scenario. */
static int cart_of_scenario(struct probe_ctx *ctx, struct order_cart *cart)
{
    const char *name = ctx->cfg->audit.order;
    struct shopper *run = malloc(sizeof *run);
    if (!run) {
        probe_set(ctx, PROBE_ERROR, "out of memory");
        return -1;
    }
    shopper_run(ctx->cfg, name, "cart for the order (audit.order)", run, ctx->deadline_ms,
                ctx->cancelled);
    /* What it was handed as a credential stays hidden in what the probe reports after it. */
    struct probe_result *res = ctx->result;
    for (size_t i = 0; i < run->secrets.count; i++)
        strv_add(&res->arena, &res->secrets, arena_strdup(&res->arena, run->secrets.items[i]));
    strv_sort_unique(&res->secrets);
    shopper_evidence(ctx, run);
    int rc = -1;
    /* As with the cart endpoints: a scenario the store does not follow is the request to
     * fix, not a finding. */
    if (!run->ok)
        probe_set(ctx, PROBE_SKIP, "no cart to order: the audit.order scenario '%s' failed: %s",
                  name, run->failure);
    else if (shopper_var(run, "cart_id", cart->id, sizeof cart->id) != 0)
        probe_set(ctx, PROBE_SKIP,
                  "no cart to order: the audit.order scenario '%s' ran but holds no cart_id "
                  "(or one longer than %zu bytes)",
                  name, sizeof cart->id - 1);
    else {
        shopper_cookie_line(run, cart->cookie, sizeof cart->cookie);
        keep_values(ctx, run, cart);
        rc = 0;
    }
    shopper_free(run);
    free(run);
    return rc;
}

int orders_cart(struct probe_ctx *ctx, struct order_cart *cart)
{
    memset(cart, 0, sizeof *cart);
    if (ctx->cfg->audit.order)
        return cart_of_scenario(ctx, cart);
    struct http_response resps[2] = {{0}};
    char err[700];
    size_t n = store_add_to_cart(ctx, 0, "", resps, cart->id, sizeof cart->id, err, sizeof err);
    int rc = -1;
    if (n == 0 || !cart->id[0] || err[0]) {
        for (size_t i = 0; i < n; i++)
            http_evidence(ctx, &resps[i], "cart for the order");
        /* A cart the store did not take is a request to fix, not a finding. */
        probe_set(ctx, n ? PROBE_SKIP : PROBE_ERROR, "no cart to order: %s", err);
    } else {
        rc = 0;
    }
    for (size_t i = 0; i < n; i++)
        http_response_free(&resps[i]);
    return rc;
}

int orders_request(struct probe_ctx *ctx, const struct order_cart *cart, const char *key,
                   const char *note, struct ep_request *out, char *err, size_t errlen)
{
    char body[300], line[120];
    snprintf(body, sizeof body, "{\"cart_id\":\"%s\"}", cart->id);
    const struct ep_defaults checkout = {"POST", body, "Accept: application/json"};
    snprintf(line, sizeof line, "Idempotency-Key: %s", key ? key : "");
    struct store_values in = {.defaults = &checkout, .cart_id = cart->id, .key = key,
                              .values = cart->values, .cookie = cart->cookie,
                              .extra = key ? line : NULL};
    if (store_request(ctx, EP_CHECKOUT, &in, out, err, errlen))
        return -1;
    size_t blen = out->req.body ? strlen(out->body) : 0;
    if (note && blen && out->body[blen - 1] == '}') {
        char tail[200];
        int n = snprintf(tail, sizeof tail, ",\"note\":\"%s\"}", note);
        if (n > 0 && blen + (size_t)n < sizeof out->body)
            snprintf(out->body + blen - 1, sizeof out->body - blen + 1, "%s", tail);
    }
    return 0;
}

int orders_place(struct probe_ctx *ctx, struct http_response *resp, char *id, size_t idlen)
{
    char err[300], nonce[40], key[64];
    struct order_cart cart;
    memset(resp, 0, sizeof *resp);
    id[0] = '\0';
    if (stop_requested()) {
        snprintf(resp->error, sizeof resp->error, "no order placed: the run was stopped");
        return -1;
    }
    if (orders_cart(ctx, &cart) != 0) {
        snprintf(resp->error, sizeof resp->error, "no cart to order");
        return -1;
    }
    nonce_hex(nonce, 16);
    snprintf(key, sizeof key, "storecheck-%s", nonce);
    struct ep_request *rq = malloc(sizeof *rq);
    if (!rq || orders_request(ctx, &cart, key, NULL, rq, err, sizeof err) != 0) {
        snprintf(resp->error, sizeof resp->error, "%.200s", rq ? err : "out of memory");
        free(rq);
        return -1;
    }
    http_get1(ctx, &rq->req, resp);
    free(rq);
    if (!ep_answer_good(ctx, EP_CHECKOUT, resp, err, sizeof err))
        return -1;
    store_answer_id(ctx, EP_CHECKOUT, resp, id, idlen, err, sizeof err);
    return 0;
}

int orders_count(struct probe_ctx *ctx, const char *key, char *why, size_t whylen)
{
    if (!ctx->cfg->target.endpoints[EP_ORDERS]) {
        snprintf(why, whylen, "no orders endpoint in the config to count orders by key");
        return -1;
    }
    static const struct ep_defaults get_json = {NULL, NULL, "Accept: application/json"};
    struct store_values in = {.defaults = &get_json, .key = key};
    struct ep_request *rq = malloc(sizeof *rq);
    if (!rq || store_request(ctx, EP_ORDERS, &in, rq, why, whylen) != 0) {
        if (!rq)
            snprintf(why, whylen, "out of memory");
        free(rq);
        return -1;
    }
    struct http_response r;
    http_get1(ctx, &rq->req, &r);
    free(rq);
    cJSON *doc = r.status == 200 ? cJSON_Parse(r.body) : NULL;
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(doc, "count");
    const cJSON *items = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "items");
    int n = cJSON_IsNumber(count)  ? (int)count->valuedouble
            : cJSON_IsArray(items) ? cJSON_GetArraySize(items)
                                   : -1;
    if (n < 0)
        snprintf(why, whylen, "%s answered %d without a count or list", r.request_line, r.status);
    else
        snprintf(why, whylen, "%s: %d order%s", r.request_line, n, n == 1 ? "" : "s");
    cJSON_Delete(doc);
    http_response_free(&r);
    return n;
}
