#include "probes/orders.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

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
    return 0;
}

int orders_body(struct probe_ctx *ctx, char *body, size_t len)
{
    struct http_response resps[2] = {{0}};
    char cart_id[128], err[400];
    size_t n = store_add_to_cart(ctx, "", resps, cart_id, sizeof cart_id, err, sizeof err);
    int rc = -1;
    if (n == 0 || !cart_id[0]) {
        if (n)
            http_evidence(ctx, &resps[0], "cart for the order");
        probe_set(ctx, PROBE_ERROR, "no cart to order: %s", err);
    } else {
        snprintf(body, len, "{\"cart_id\":\"%s\"}", cart_id);
        rc = 0;
    }
    for (size_t i = 0; i < n; i++)
        http_response_free(&resps[i]);
    return rc;
}

struct http_request orders_request(const char *url, const char *body, const char *key_line)
{
    return (struct http_request){
        .method = "POST",
        .url = url,
        .body = body,
        .headers = {"Content-Type: application/json", "Accept: application/json", key_line}};
}

int orders_place(struct probe_ctx *ctx, struct http_response *resp, char *id, size_t idlen)
{
    char url[1024], err[300], body[300], key[40], key_line[80];
    memset(resp, 0, sizeof *resp);
    id[0] = '\0';
    if (stop_requested()) {
        snprintf(resp->error, sizeof resp->error, "no order placed: the run was stopped");
        return -1;
    }
    if (store_endpoint_url(ctx, EP_CHECKOUT, url, sizeof url, err, sizeof err) != 0) {
        snprintf(resp->error, sizeof resp->error, "%.200s", err);
        return -1;
    }
    if (orders_body(ctx, body, sizeof body) != 0) {
        snprintf(resp->error, sizeof resp->error, "no cart to order");
        return -1;
    }
    nonce_hex(key, 16);
    snprintf(key_line, sizeof key_line, "Idempotency-Key: storecheck-%s", key);
    struct http_request req = orders_request(url, body, key_line);
    http_get1(ctx, &req, resp);
    if (resp->status / 100 != 2)
        return -1;
    store_json_id(resp->body, id, idlen);
    return 0;
}

int orders_count(struct probe_ctx *ctx, const char *key, char *why, size_t whylen)
{
    const char *path = ctx->cfg->target.endpoints[EP_ORDERS];
    if (!path) {
        snprintf(why, whylen, "no orders endpoint in the config to count orders by key");
        return -1;
    }
    char url[1024];
    const char *vars[] = {"key", key, NULL};
    if (http_endpoint_url(ctx, path, vars, url, sizeof url, why, whylen) != 0)
        return -1;
    struct http_request req = {.url = url, .headers = {"Accept: application/json"}};
    struct http_response r;
    http_get1(ctx, &req, &r);
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
