/* R group, the store's own webhook intake (e.g. payment-provider callbacks): it accepts a
 * correctly signed callback and rejects a forged signature, a stale timestamp and a replay. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/store.h"
#include "probes/webhook_sig.h"

enum { STALE_S = 3600, NCASES = 4 };

/* One signed callback: the request with its signature lines kept in lines. */
static void signed_request(const struct webhooks *wh, const char *url, const char *secret,
                           const char *id, long long ts, const char *body, char lines[3][256],
                           struct http_request *req)
{
    whsig_sign(wh->intake_scheme, secret, id, ts, body, strlen(body), lines);
    *req = (struct http_request){
        .method = "POST",
        .url = url,
        .body = body,
        .headers = {"Content-Type: application/json", lines[0][0] ? lines[0] : NULL,
                    lines[1][0] ? lines[1] : NULL, lines[2][0] ? lines[2] : NULL}};
}

static void run_webhook_intake(struct probe_ctx *ctx)
{
    const struct webhooks *wh = &ctx->cfg->target.webhooks;
    char url[1024], err[300];
    if (store_endpoint_url(ctx, EP_WEBHOOK_INTAKE, url, sizeof url, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_SKIP, "no intake to call: set target.endpoints.webhook_intake");
        return;
    }
    if (!wh->intake_secret) {
        probe_set(ctx, PROBE_SKIP,
                  "nothing to sign callbacks with: set target.webhooks.intake_secret");
        return;
    }
    char id[48], forged_id[48], stale_id[48], body[3][300], lines[NCASES][3][256];
    char hex[3][25];
    for (int i = 0; i < 3; i++)
        nonce_hex(hex[i], 12);
    snprintf(id, sizeof id, "msg_storecheck_%s", hex[0]);
    snprintf(forged_id, sizeof forged_id, "msg_storecheck_%s", hex[1]);
    snprintf(stale_id, sizeof stale_id, "msg_storecheck_%s", hex[2]);
    const char *ids[3] = {id, forged_id, stale_id};
    for (int i = 0; i < 3; i++)
        snprintf(body[i], sizeof body[i],
                 "{\"type\":\"payment.succeeded\",\"id\":\"%s\",\"version\":\"storecheck\","
                 "\"data\":{\"note\":\"storecheck intake probe: not a real payment\"}}",
                 ids[i]);
    long long now = (long long)time(NULL);
    /* A forged signature: the right shape, made with a key nobody has. */
    char wrong[64];
    nonce_hex(wrong, 24);
    int orders = ctx->cfg->audit.allow_orders;
    struct http_request reqs[NCASES];
    const char *what[NCASES] = {"forged signature", "stale timestamp", "valid", "replayed id"};
    signed_request(wh, url, wrong, forged_id, now, body[1], lines[0], &reqs[0]);
    signed_request(wh, url, wh->intake_secret, stale_id, now - STALE_S, body[2], lines[1],
                   &reqs[1]);
    signed_request(wh, url, wh->intake_secret, id, now, body[0], lines[2], &reqs[2]);
    signed_request(wh, url, wh->intake_secret, id, now, body[0], lines[3], &reqs[3]);
    /* A valid callback (and so its replay) may act on the store: only with allow_orders. The
     * Shopify scheme signs no timestamp: nothing stale to send. */
    size_t n = orders ? NCASES : 2;
    int stale_applies = wh->intake_scheme != WEBHOOK_SHOPIFY;
    int accepted_bad = 0, valid_refused = 0, answered = 0;
    char problem[300] = "";
    for (size_t i = 0; i < n; i++) {
        if (i == 1 && !stale_applies)
            continue;
        struct http_response r;
        http_get1(ctx, &reqs[i], &r);
        int ok = r.status / 100 == 2;
        http_evidence(ctx, &r, "%s callback (%s)", what[i], whsig_scheme_name(wh->intake_scheme));
        answered += r.status != 0;
        if (r.status && i == 2 && !ok) {
            valid_refused = 1;
            snprintf(problem, sizeof problem, "a correctly signed callback was refused (%d)",
                     r.status);
        } else if (r.status && i != 2 && (ok || r.status >= 500)) {
            if (!accepted_bad++)
                snprintf(problem, sizeof problem, "a callback with a %s was %s (%d)", what[i],
                         ok ? "accepted" : "answered with a server error", r.status);
        }
        http_response_free(&r);
    }
    if (!orders)
        probe_evidence(ctx, NULL, 0,
                       "valid and replayed callbacks not sent: audit.allow_orders "
                       "is false and a valid callback may act on the store");
    if (accepted_bad || valid_refused)
        probe_set(ctx, PROBE_FAIL, "%s", problem);
    else if (!answered)
        probe_set(ctx, PROBE_ERROR, "the intake did not answer");
    else
        probe_set(ctx, PROBE_PASS, "rejects a forged signature%s%s",
                  stale_applies ? ", a stale timestamp" : "",
                  orders ? " and a replayed id; accepts a valid callback"
                         : " (valid and replay not tried without allow_orders)");
}

const struct probe probe_r_webhook_intake = {
    .id = "R-WEBHOOK-INTAKE",
    .group = GROUP_R,
    .title = "The webhook intake rejects forged, stale and replayed callbacks",
    .severity = SEV_HIGH,
    .rationale = "An intake that trusts any callback lets anyone mark an order as paid; one "
                 "that takes an old or replayed callback lets an eavesdropper do it again.",
    .remediation = "Verify the provider's signature over the raw body, reject timestamps more "
                   "than a few minutes off, and remember recent event ids.",
    .references = "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/"
                  "standard-webhooks.md#verifying-webhook-authenticity "
                  "https://docs.stripe.com/webhooks#replay-attacks",
    .run = run_webhook_intake,
};
