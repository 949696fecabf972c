/*
 * Webhook signatures in the three schemes storecheck knows, both ways: verifying the store's
 * deliveries and signing the callbacks sent to the store's intake.
 *
 *  - Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature ("v1,<base64>"
 *    entries, space-separated) over "id.timestamp.body"; a "whsec_" secret is base64 key bytes.
 *  - Stripe: Stripe-Signature "t=<unix>,v1=<hex>[,v1=...]" over "t.body".
 *  - Shopify: X-Shopify-Hmac-Sha256, base64 over the body alone (no signed timestamp); the
 *    event id travels in X-Shopify-Webhook-Id.
 * All three are HMAC-SHA256, compared in constant time.
 */
#ifndef STORECHECK_PROBES_WEBHOOK_SIG_H
#define STORECHECK_PROBES_WEBHOOK_SIG_H

#include <stddef.h>

#include "config/config.h"

enum whsig_result {
    WHSIG_VALID,
    WHSIG_MISSING,   /* no signature header (or no id/timestamp the scheme needs) */
    WHSIG_MALFORMED, /* the header is not in the scheme's syntax */
    WHSIG_MISMATCH,  /* well-formed, but no signature matches the secret */
    WHSIG_BAD_SECRET /* the configured secret cannot be used (bad whsec_ base64) */
};

/* The header that carries the signature, and the one that carries the event id. */
const char *whsig_signature_header(enum webhook_scheme s);
const char *whsig_id_header(enum webhook_scheme s);
const char *whsig_scheme_name(enum webhook_scheme s);

/* Verify one delivery. id and timestamp are the webhook-id / webhook-timestamp values
 * (Standard Webhooks only; NULL when absent); sig the signature header's value (NULL when
 * absent). The signed timestamp goes to *ts (-1 when the scheme signs none). why gets a short
 * explanation free of secrets. */
enum whsig_result whsig_verify(enum webhook_scheme s, const char *secret, const char *id,
                               const char *timestamp, const char *sig, const char *body,
                               size_t body_len, long long *ts, char *why, size_t whylen);

/* Header lines ("Name: value") signing body as the scheme wants, for event id and unix time
 * ts, into lines[0..2] (unused ones ""). 0, or -1 when the secret is unusable. */
int whsig_sign(enum webhook_scheme s, const char *secret, const char *id, long long ts,
               const char *body, size_t body_len, char lines[3][256]);

#endif
