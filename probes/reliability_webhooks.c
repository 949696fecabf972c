/* R and E groups, the store's outgoing webhooks as storecheck's receiver sees them: retried
 * with backoff on the declared schedule under a stable event id, signed in the configured
 * scheme with a fresh timestamp, and carrying a type, an id and a version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "probes/catalog.h"
#include "probes/figure.h"
#include "probes/webhook_capture.h"
#include "probes/webhook_sig.h"

enum {
    MAX_RETRIES_MEASURED = 3,
    UNDECLARED_RETRIES = 2,
    TOLERANCE_MIN_MS = 250, /* and 25% of the declared interval, whichever is larger */
    FRESH_S = 300,          /* Standard Webhooks' default tolerance */
};

/* The event id of a delivery: the scheme's id header, else the body's "id" (Stripe). */
static void event_id(enum webhook_scheme s, const struct whr_delivery *d, char *out, size_t len)
{
    const char *h = whsig_id_header(s) ? whr_header(d, whsig_id_header(s)) : NULL;
    out[0] = '\0';
    if (h) {
        snprintf(out, len, "%s", h);
        return;
    }
    cJSON *doc = cJSON_Parse(d->body);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "id");
    if (cJSON_IsString(id))
        snprintf(out, len, "%s", id->valuestring);
    cJSON_Delete(doc);
}

static uint64_t tolerance(uint64_t declared)
{
    return declared / 4 > TOLERANCE_MIN_MS ? declared / 4 : TOLERANCE_MIN_MS;
}

static void run_webhook_retry(struct probe_ctx *ctx)
{
    const struct webhooks *wh = &ctx->cfg->target.webhooks;
    size_t fails = wh->schedule_count ? wh->schedule_count : UNDECLARED_RETRIES;
    if (fails > MAX_RETRIES_MEASURED)
        fails = MAX_RETRIES_MEASURED;
    struct whc c;
    if (whc_start(ctx, (int)fails, &c) != 0)
        return;
    /* With a declared schedule, wait for it (plus tolerance), not for all of webhooks.wait. */
    uint64_t until = UINT64_MAX;
    if (wh->schedule_count) {
        uint64_t sum = 0;
        for (size_t i = 0; i < fails; i++)
            sum += wh->schedule_ms[i] + tolerance(wh->schedule_ms[i]);
        until = c.ordered_ms + sum + 2000; /* the first delivery may take a moment */
    }
    size_t got = whc_wait(ctx, &c, fails + 1, until);
    char first_id[256] = "", ids_note[600] = "", seen[400] = "", declared[200] = "";
    int id_changed = 0, off_schedule = 0, shrinking = 0;
    int64_t prev_iv = 0;
    for (size_t i = 0; i < got; i++) {
        const struct whr_delivery *d = whc_get(&c, i);
        char id[256];
        event_id(wh->scheme, d, id, sizeof id);
        if (i == 0)
            snprintf(first_id, sizeof first_id, "%s", id);
        else if (strcmp(id, first_id) != 0 && !id_changed++)
            snprintf(ids_note, sizeof ids_note, "attempt 1 id %s, attempt %zu id %s",
                     first_id[0] ? first_id : "(none)", i + 1, id[0] ? id : "(none)");
        /* The first delivery may come before the order's answer: a signed interval. */
        int64_t iv = figure_ms_between(d->at_ms, i ? whc_get(&c, i - 1)->at_ms : c.ordered_ms);
        char fig[FIGURE_LEN];
        figure(fig, sizeof fig, (double)(iv < 0 ? -iv : iv), 0, FIGURE_MAX_WAIT_MS, 0, "ms");
        probe_evidence(ctx, NULL, 0, "delivery %zu: %s %s %s, id %s, answered %d", i + 1,
                       i ? "retry" : "first attempt", fig,
                       i        ? "after the previous one"
                       : iv < 0 ? "before the order's answer"
                                : "after the order's answer",
                       id[0] ? id : "(none)", d->answered);
        if (i == 0)
            continue;
        snprintf(
            seen + strlen(seen), sizeof seen - strlen(seen), "%s%s", i > 1 ? ", " : "",
            figure(fig, sizeof fig, (double)iv / 1000.0, 0, FIGURE_MAX_WAIT_MS / 1000, 2, "s"));
        size_t k = i - 1;
        if (k < wh->schedule_count) {
            int64_t want = (int64_t)wh->schedule_ms[k];
            snprintf(declared + strlen(declared), sizeof declared - strlen(declared), "%s%s",
                     k ? ", " : "",
                     figure(fig, sizeof fig, (double)want / 1000.0, 0, FIGURE_MAX_WAIT_MS / 1000, 2,
                            "s"));
            off_schedule +=
                (uint64_t)(iv > want ? iv - want : want - iv) > tolerance((uint64_t)want);
        }
        /* Jitter may shorten an interval a little; backoff never shrinks it by a fifth. */
        shrinking += k > 0 && iv * 5 < prev_iv * 4;
        prev_iv = iv;
    }
    char waited[FIGURE_LEN];
    figure(waited, sizeof waited, (double)figure_ms_between(probe_now_ms(), c.ordered_ms) / 1000.0,
           0, FIGURE_MAX_WAIT_MS / 1000, 1, "s");
    /* Missing retries are the store's fault only when its declared schedule had them due;
     * otherwise the wait may simply have been too short for its schedule. */
    int due = wh->schedule_count && probe_now_ms() >= until;
    if (got == 0)
        probe_set(ctx, PROBE_FAIL, "no order.created delivery within %s", waited);
    else if (got == 1 && !due)
        probe_set(ctx, PROBE_WARN,
                  "the delivery answered 500 was not retried within %s: too short to judge; "
                  "declare webhooks.schedule and a webhooks.wait (and audit.probe_timeout) that "
                  "cover its first retries",
                  waited);
    else if (got == 1)
        probe_set(ctx, PROBE_FAIL, "the delivery answered 500 was not retried within %s", waited);
    else if (id_changed)
        probe_set(ctx, PROBE_FAIL,
                  "the event id changes between retries (%s): receivers "
                  "cannot deduplicate",
                  ids_note);
    else if (!first_id[0])
        probe_set(ctx, PROBE_FAIL, "deliveries carry no event id (%s or a body \"id\")",
                  whsig_id_header(wh->scheme) ? whsig_id_header(wh->scheme) : "id");
    else if (off_schedule)
        probe_set(ctx, PROBE_FAIL, "retries at %s do not match the declared schedule %s", seen,
                  declared);
    else if (due && got < fails + 1)
        probe_set(ctx, PROBE_FAIL,
                  "%zu of %zu declared retries came within the schedule "
                  "(intervals %s, declared %s)",
                  got - 1, fails, seen, declared);
    else if (shrinking)
        probe_set(ctx, PROBE_WARN, "retries at %s: the intervals shrink (no backoff)", seen);
    else
        probe_set(ctx, PROBE_PASS,
                  "%zu retr%s after 500/503 at intervals of %s%s%s%s, same "
                  "event id",
                  got - 1, got == 2 ? "y" : "ies", seen, declared[0] ? " (declared " : "", declared,
                  declared[0] ? ")" : "");
    whc_end(ctx, &c);
}

/* Start a round whose receiver fails the first fail_first attempts, and wait for want
 * deliveries until `until`. How many came; 0 with the verdict set and the round ended. */
static size_t await_deliveries(struct probe_ctx *ctx, struct whc *c, int fail_first, size_t want,
                               uint64_t until)
{
    if (whc_start(ctx, fail_first, c) != 0)
        return 0;
    size_t got = whc_wait(ctx, c, want, until);
    if (!got) {
        char waited[FIGURE_LEN];
        probe_set(ctx, PROBE_FAIL, "no order.created delivery within %s",
                  figure(waited, sizeof waited,
                         (double)figure_ms_between(probe_now_ms(), c->ordered_ms) / 1000.0, 0,
                         FIGURE_MAX_WAIT_MS / 1000, 1, "s"));
        whc_end(ctx, c);
    }
    return got;
}

/* Verify delivery n; 0 when its signature is valid and its timestamp fresh, else -1 with the
 * verdict set. */
static int verify_delivery(struct probe_ctx *ctx, const struct whr_delivery *d, size_t n)
{
    const struct webhooks *wh = &ctx->cfg->target.webhooks;
    const char *sig_name = whsig_signature_header(wh->scheme);
    const char *sig = whr_header(d, sig_name);
    long long ts;
    char why[200];
    enum whsig_result v = whsig_verify(wh->scheme, wh->secret, whr_header(d, "webhook-id"),
                                       whr_header(d, "webhook-timestamp"), sig, d->body,
                                       d->body_len, &ts, why, sizeof why);
    long long age = ts >= 0 ? d->wall - ts : 0;
    /* The signature's value stays out of the evidence, like every credential header. */
    probe_evidence(ctx, NULL, 0, "delivery %zu as %s: %s %s; %s", n, whsig_scheme_name(wh->scheme),
                   sig_name, sig ? "present" : "missing", why);
    char off[FIGURE_LEN];
    if (ts >= 0)
        probe_evidence(ctx, NULL, 0,
                       "delivery %zu: signed timestamp %lld, %s %s the receiver's clock", n, ts,
                       figure(off, sizeof off, (double)llabs(age), 0, FIGURE_MAX_SKEW_S, 0, "s"),
                       age >= 0 ? "behind" : "ahead of");
    if (v == WHSIG_BAD_SECRET)
        probe_set(ctx, PROBE_ERROR, "%s", why);
    else if (v == WHSIG_MISSING)
        probe_set(ctx, PROBE_FAIL,
                  "deliveries are not signed (%s): anyone can forge an "
                  "order event",
                  why);
    else if (v != WHSIG_VALID)
        probe_set(ctx, PROBE_FAIL,
                  "the %s signature of delivery %zu does not verify with "
                  "webhooks.secret: %s",
                  whsig_scheme_name(wh->scheme), n, why);
    else if (ts >= 0 && llabs(age) > FRESH_S)
        probe_set(ctx, PROBE_FAIL,
                  "delivery %zu has a valid signature but a signed timestamp "
                  "%s off: receivers that check freshness reject it",
                  n, figure(off, sizeof off, (double)llabs(age), 0, FIGURE_MAX_SKEW_S, 0, "s"));
    else
        return 0;
    return -1;
}

static void run_webhook_signature(struct probe_ctx *ctx)
{
    const struct webhooks *wh = &ctx->cfg->target.webhooks;
    if (!wh->secret) {
        probe_set(ctx, PROBE_SKIP,
                  "nothing to verify the signatures with: set target.webhooks.secret");
        return;
    }
    /* A retry must be signed afresh too: fail the first attempt when the declared schedule
     * brings the retry within the wait. */
    uint64_t wait = wh->wait_ms ? wh->wait_ms : 30000;
    uint64_t retry_in =
        wh->schedule_count ? wh->schedule_ms[0] + tolerance(wh->schedule_ms[0]) : UINT64_MAX;
    int retry = retry_in < wait;
    struct whc c;
    size_t got = await_deliveries(ctx, &c, retry, retry ? 2 : 1,
                                  retry ? probe_now_ms() + retry_in + 5000 : UINT64_MAX);
    if (!got)
        return;
    for (size_t i = 0; i < got; i++)
        if (verify_delivery(ctx, whc_get(&c, i), i + 1) != 0) {
            whc_end(ctx, &c);
            return;
        }
    probe_set(ctx, PROBE_PASS, "%s signature valid%s on %s", whsig_scheme_name(wh->scheme),
              wh->scheme == WEBHOOK_SHOPIFY ? " (the scheme signs no timestamp)"
                                            : " with a fresh timestamp",
              got == 2 ? "the first delivery and its retry" : "the first delivery");
    whc_end(ctx, &c);
}

/* The first of keys that is a non-empty string member of the body, else header when the
 * delivery has it (Shopify carries topic, id and version in headers); NULL when neither. */
static const char *field(const cJSON *doc, const struct whr_delivery *d, const char *const *keys,
                         const char *header)
{
    for (; *keys; keys++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, *keys);
        if (cJSON_IsString(v) && v->valuestring[0])
            return *keys;
    }
    return header && whr_header(d, header) ? header : NULL;
}

static void run_webhook_payload(struct probe_ctx *ctx)
{
    struct whc c;
    if (!await_deliveries(ctx, &c, 0, 1, UINT64_MAX))
        return;
    const struct whr_delivery *d = whc_get(&c, 0);
    static const char *const type_keys[] = {"type", "event", "topic", NULL};
    static const char *const id_keys[] = {"id", "event_id", NULL};
    static const char *const version_keys[] = {"version", "api_version", "schema_version", NULL};
    int shopify = ctx->cfg->target.webhooks.scheme == WEBHOOK_SHOPIFY;
    cJSON *doc = cJSON_Parse(d->body);
    const char *type = field(doc, d, type_keys, shopify ? "X-Shopify-Topic" : NULL);
    const char *id = field(doc, d, id_keys, shopify ? "X-Shopify-Webhook-Id" : NULL);
    const char *version = field(doc, d, version_keys, shopify ? "X-Shopify-API-Version" : NULL);
    probe_evidence(ctx, NULL, 0, "payload: %.200s", d->body);
    char missing[80] = "";
    if (!type)
        strcat(missing, " type");
    if (!id)
        strcat(missing, " id");
    if (!version)
        strcat(missing, " version");
    if (!cJSON_IsObject(doc))
        probe_set(ctx, PROBE_FAIL, "the payload is not a JSON object");
    else if (missing[0])
        probe_set(ctx, PROBE_FAIL,
                  "the payload lacks:%s; receivers cannot route, deduplicate "
                  "or parse it safely across versions",
                  missing);
    else
        probe_set(ctx, PROBE_PASS, "payload carries %s, %s and %s", type, id, version);
    cJSON_Delete(doc);
    whc_end(ctx, &c);
}

const struct probe probe_r_webhook_retry = {
    .id = "R-WEBHOOK-RETRY",
    .group = GROUP_R,
    .title = "Failed webhook deliveries are retried with backoff under a stable id",
    .severity = SEV_HIGH,
    .rationale = "Receivers (ERP, fulfilment, e-mail) are down now and then; without retries "
                 "orders are silently lost to them, and without a stable id a retry ships the "
                 "order twice.",
    .remediation = "Retry non-2xx deliveries on an exponential schedule with jitter (and say "
                   "which in webhooks.schedule); keep the event id across retries.",
    .references = "https://www.standardwebhooks.com/ "
                  "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/"
                  "standard-webhooks.md",
    .run = run_webhook_retry,
};

const struct probe probe_r_webhook_signature = {
    .id = "R-WEBHOOK-SIGNATURE",
    .group = GROUP_R,
    .title = "Webhook deliveries are signed with a fresh timestamp",
    .severity = SEV_HIGH,
    .rationale = "An unsigned order webhook lets anyone who finds the receiver's URL fake "
                 "orders and payments; a signed timestamp stops replays.",
    .remediation = "Sign every delivery (Standard Webhooks, or the Stripe/Shopify scheme the "
                   "receivers expect) with a per-endpoint secret.",
    .references = "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/"
                  "standard-webhooks.md https://docs.stripe.com/webhooks#verify-events "
                  "https://shopify.dev/docs/apps/build/webhooks/subscribe/https",
    .run = run_webhook_signature,
};

const struct probe probe_e_webhook_payload = {
    .id = "E-WEBHOOK-PAYLOAD",
    .group = GROUP_E,
    .title = "Webhook payloads carry a type, an id and a version",
    .severity = SEV_LOW,
    .rationale = "Receivers route by type, deduplicate by id and parse by version; a bare "
                 "payload breaks them at the first schema change.",
    .remediation = "Wrap every event: {\"type\":..., \"id\":..., \"version\":..., "
                   "\"data\":{...}}.",
    .references = "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/"
                  "standard-webhooks.md#payload-structure",
    .run = run_webhook_payload,
};
