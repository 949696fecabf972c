#include "probes/webhook_capture.h"

#include <stdio.h>
#include <string.h>

#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/orders.h"
#include "probes/store.h"

enum { DEFAULT_WAIT_MS = 30000, JUDGE_MARGIN_MS = 500 };

static int subscribe(struct probe_ctx *ctx, struct whc *c)
{
    const struct webhooks *wh = &ctx->cfg->target.webhooks;
    const char *host = wh->receiver_host ? wh->receiver_host : "127.0.0.1";
    char url[1024], body[600], err[300], path[40];
    if (http_endpoint_url(ctx, wh->subscribe, NULL, url, sizeof url, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_ERROR, "%s", err);
        return -1;
    }
    nonce_hex(path, 8);
    snprintf(body, sizeof body,
             "{\"url\":\"http://%s%s%s:%u/storecheck/%s\",\"events\":[\"order.created\"]}",
             strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", whr_port(c->rx),
             path);
    struct http_request req = {
        .method = "POST",
        .url = url,
        .body = body,
        .headers = {"Content-Type: application/json", "Accept: application/json"}};
    struct http_response r;
    http_get1(ctx, &req, &r);
    int ok = r.status / 100 == 2;
    char id[128];
    if (ok && store_json_id(r.body, id, sizeof id) == 0)
        snprintf(c->sub_url, sizeof c->sub_url, "%s/%s", url, id);
    http_evidence(ctx, &r, "subscribed the receiver on %s port %u", host, whr_port(c->rx));
    if (!ok && r.status)
        probe_set(ctx, PROBE_FAIL, "the webhook subscription was refused: %s answered %d",
                  r.request_line, r.status);
    else if (!ok)
        probe_set(ctx, PROBE_ERROR, "no answer to the webhook subscription: %s", r.error);
    http_response_free(&r);
    return ok ? 0 : -1;
}

int whc_start(struct probe_ctx *ctx, int fail_first, struct whc *c)
{
    const struct webhooks *wh = &ctx->cfg->target.webhooks;
    memset(c, 0, sizeof *c);
    if (!wh->subscribe && !wh->receiver_port) {
        probe_set(ctx, PROBE_SKIP,
                  "nowhere to receive deliveries: set target.webhooks.subscribe (to point the "
                  "store at storecheck's receiver) or target.webhooks.receiver_port (the port "
                  "the store sends to)");
        return -1;
    }
    if (orders_allowed(ctx) != 0)
        return -1;
    char why[300];
    const char *host = wh->receiver_host ? wh->receiver_host : "127.0.0.1";
    c->rx = whr_start(host, wh->receiver_port, fail_first, why, sizeof why);
    if (!c->rx) {
        probe_set(ctx, PROBE_ERROR, "webhook receiver: %s", why);
        return -1;
    }
    if (!wh->subscribe)
        probe_evidence(ctx, NULL, 0, "receiver on %s port %u, where the store is set up to send",
                       host, wh->receiver_port);
    else if (subscribe(ctx, c) != 0) {
        whc_end(ctx, c);
        return -1;
    }
    struct http_response r;
    int rc = orders_place(ctx, &r, c->order_id, sizeof c->order_id);
    c->ordered_ms = probe_now_ms();
    if (c->order_id[0] && strspn(c->order_id, "0123456789") == strlen(c->order_id))
        snprintf(c->match, sizeof c->match, "\"id\":%s", c->order_id);
    else if (c->order_id[0])
        snprintf(c->match, sizeof c->match, "\"%s\"", c->order_id);
    http_evidence(ctx, &r, "order to trigger order.created: %s",
                  c->order_id[0] ? c->order_id : "(no id in the answer: every delivery counts)");
    if (rc != 0 && !ctx->result->reason)
        probe_set(ctx, PROBE_ERROR, "the order that should trigger a webhook failed: %s %d %s",
                  r.request_line, r.status, r.status ? "" : r.error);
    http_response_free(&r);
    if (rc != 0) {
        whc_end(ctx, c);
        return -1;
    }
    uint64_t wait = wh->wait_ms ? wh->wait_ms : DEFAULT_WAIT_MS;
    c->wait_until = c->ordered_ms + wait;
    if (ctx->deadline_ms < c->wait_until + JUDGE_MARGIN_MS)
        c->wait_until = ctx->deadline_ms > JUDGE_MARGIN_MS ? ctx->deadline_ms - JUDGE_MARGIN_MS
                                                           : ctx->deadline_ms;
    return 0;
}

size_t whc_wait(struct probe_ctx *ctx, struct whc *c, size_t want, uint64_t until)
{
    return whr_wait(c->rx, c->match[0] ? c->match : NULL, want,
                    until < c->wait_until ? until : c->wait_until, ctx->cancelled);
}

const struct whr_delivery *whc_get(struct whc *c, size_t i)
{
    return whr_get(c->rx, c->match[0] ? c->match : NULL, i);
}

void whc_end(struct probe_ctx *ctx, struct whc *c)
{
    whr_stop(c->rx);
    c->rx = NULL;
    if (!c->sub_url[0])
        return;
    /* Even when the probe ran out of time: a subscription left behind keeps the store
     * retrying into a closed port. */
    struct probe_ctx own = *ctx;
    own.cancelled = NULL;
    own.deadline_ms = probe_now_ms() + 3000;
    struct http_request req = {.method = "DELETE", .url = c->sub_url};
    struct http_response r;
    http_get1(&own, &req, &r);
    http_evidence(ctx, &r, "subscription %s", r.status / 100 == 2 ? "removed" : "not removed");
    http_response_free(&r);
    c->sub_url[0] = '\0';
}
