/* S-TLS-OCSP and S-TLS-MUST-STAPLE: the OCSP response the server staples (RFC 6066
 * status_request) — offered, for this certificate, signed by its CA, good, fresh — and whether a
 * certificate that demands stapling (TLS feature status_request, RFC 7633) gets it. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "common/stop.h"
#include "probes/catalog.h"
#include "probes/cert_probe.h"

enum {
    TLS_FEATURE_STATUS_REQUEST = 5, /* RFC 7633: the TLS extension number */
    CLOCK_SKEW_S = 300,
    RETRY_WAIT_MS = 1000,
};

enum staple_kind {
    STAPLE_NONE,      /* nothing stapled */
    STAPLE_GOOD,      /* good, signed by the CA, within thisUpdate..nextUpdate */
    STAPLE_BAD,       /* stapled but useless or worse: why says which */
    STAPLE_UNDECIDED, /* stapled, but it could not be checked */
};

struct staple {
    enum staple_kind kind;
    int no_next_update; /* GOOD, but without nextUpdate: clients cannot tell when it expires */
    char why[512];      /* the status and times, or what is wrong */
};

static void times_text(ASN1_GENERALIZEDTIME *thisupd, ASN1_GENERALIZEDTIME *nextupd, char *buf,
                       size_t len)
{
    char t[64], n[64] = "none";
    cert_probe_time(thisupd, t, sizeof t);
    if (nextupd)
        cert_probe_time(nextupd, n, sizeof n);
    snprintf(buf, len, "thisUpdate %s, nextUpdate %s", t, n);
}

/* Judge o->ocsp for o->cert, against the chain sent and the trust anchors. */
static void judge_staple(struct probe_ctx *ctx, const struct tls_outcome *o, struct staple *s)
{
    memset(s, 0, sizeof *s);
    if (!o->ocsp) {
        s->kind = STAPLE_NONE;
        snprintf(s->why, sizeof s->why, "no OCSP response stapled");
        return;
    }
    const unsigned char *p = o->ocsp;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)o->ocsp_len);
    OCSP_BASICRESP *basic = NULL;
    OCSP_CERTID *id = NULL;
    X509_STORE *store = NULL;
    X509 *issuer = NULL;
    int owned = 0;
    s->kind = STAPLE_BAD;
    if (!resp) {
        snprintf(s->why, sizeof s->why, "the stapled OCSP response (%zu bytes) does not parse",
                 o->ocsp_len);
        goto out;
    }
    long rs = OCSP_response_status(resp);
    if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        snprintf(s->why, sizeof s->why, "the stapled OCSP response says %s, not a status",
                 OCSP_response_status_str(rs));
        goto out;
    }
    basic = OCSP_response_get1_basic(resp);
    if (!basic) {
        snprintf(s->why, sizeof s->why, "the stapled OCSP response is not a basic response");
        goto out;
    }
    store = cert_probe_trust(ctx, s->why, sizeof s->why);
    /* The issuer as sent, else among the certificates the responder included (a chain
     * missing its intermediate is S-TLS-CHAIN's finding, not this one's). */
    issuer = store ? cert_probe_issuer(o->cert, o->chain, NULL, &owned) : NULL;
    if (!issuer && store)
        issuer = cert_probe_issuer(o->cert, OCSP_resp_get0_certs(basic), store, &owned);
    if (!issuer) {
        s->kind = STAPLE_UNDECIDED;
        if (store)
            snprintf(s->why, sizeof s->why,
                     "the leaf's issuer is not sent, not in the response and not a trust "
                     "anchor: the stapled response cannot be matched");
        goto out;
    }
    if (OCSP_basic_verify(basic, o->chain, store, 0) <= 0) {
        snprintf(s->why, sizeof s->why,
                 "the stapled OCSP response's signature does not verify "
                 "against the certificate's CA");
        goto out;
    }
    id = OCSP_cert_to_id(NULL, o->cert, issuer);
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *revoked = NULL, *thisupd = NULL, *nextupd = NULL;
    if (!id ||
        OCSP_resp_find_status(basic, id, &status, &reason, &revoked, &thisupd, &nextupd) != 1) {
        snprintf(s->why, sizeof s->why,
                 "the stapled OCSP response is about another certificate, not the leaf");
        goto out;
    }
    char times[200];
    times_text(thisupd, nextupd, times, sizeof times);
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
        char when[64];
        cert_probe_time(revoked, when, sizeof when);
        snprintf(s->why, sizeof s->why, "the stapled OCSP response says revoked on %s (%s); %s",
                 when, reason >= 0 ? OCSP_crl_reason_str(reason) : "no reason given", times);
    } else if (status != V_OCSP_CERTSTATUS_GOOD) {
        snprintf(s->why, sizeof s->why,
                 "the stapled OCSP response says unknown: the responder does not know the "
                 "certificate; %s",
                 times);
    } else if (nextupd && X509_cmp_time(nextupd, NULL) < 0) {
        snprintf(s->why, sizeof s->why, "the stapled OCSP response is stale: %s has passed", times);
    } else if (OCSP_check_validity(thisupd, nextupd, CLOCK_SKEW_S, -1) != 1) {
        snprintf(s->why, sizeof s->why, "the stapled OCSP response is not yet valid: %s", times);
    } else {
        s->kind = STAPLE_GOOD;
        s->no_next_update = nextupd == NULL;
        snprintf(s->why, sizeof s->why, "good, signed by the CA; %s", times);
    }
out:
    if (owned)
        X509_free(issuer);
    OCSP_CERTID_free(id);
    X509_STORE_free(store);
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
}

static int names_responder(X509 *cert)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
    int n = sk_OPENSSL_STRING_num(urls);
    X509_email_free(urls);
    return n > 0;
}

/* The handshake and its staple. A server that fetches its OCSP response when first asked
 * (nginx without ssl_stapling_file) staples from a later handshake on: with a responder named
 * and nothing stapled, ask once more a second later (unless the run is stopped). 0, or -1 when
 * the probe is decided. */
static int stapled_handshake(struct probe_ctx *ctx, struct tls_outcome *o, struct staple *s)
{
    char label[400];
    if (cert_probe_handshake(ctx, o, label, sizeof label) != 0)
        return -1;
    if (!o->ocsp && names_responder(o->cert) && probe_remaining_ms(ctx) > 2 * RETRY_WAIT_MS) {
        probe_evidence(ctx, label, 0, "nothing stapled: asked again after %d ms", RETRY_WAIT_MS);
        tls_outcome_free(o);
        if (stop_wait_ms(RETRY_WAIT_MS) || cert_probe_handshake(ctx, o, label, sizeof label) != 0)
            return -1;
    }
    judge_staple(ctx, o, s);
    probe_evidence(ctx, label, 0, "%s", s->why);
    return 0;
}

static void run_ocsp(struct probe_ctx *ctx)
{
    struct tls_outcome o;
    struct staple s;
    if (stapled_handshake(ctx, &o, &s) != 0)
        return;
    switch (s.kind) {
    case STAPLE_NONE:
        if (names_responder(o.cert))
            probe_set(ctx, PROBE_WARN,
                      "no OCSP response stapled: each client must ask the CA's responder, "
                      "which is slower and tells the CA who visits the store");
        else
            probe_set(ctx, PROBE_SKIP,
                      "the certificate names no OCSP responder: there is nothing to staple");
        break;
    case STAPLE_GOOD:
        if (s.no_next_update)
            probe_set(ctx, PROBE_WARN,
                      "stapled, %s: without nextUpdate clients cannot tell "
                      "when it goes stale",
                      s.why);
        else
            probe_set(ctx, PROBE_PASS, "stapled, %s", s.why);
        break;
    case STAPLE_BAD:
        probe_set(ctx, PROBE_FAIL, "%s", s.why);
        break;
    case STAPLE_UNDECIDED:
        probe_set(ctx, PROBE_ERROR, "%s", s.why);
        break;
    }
    tls_outcome_free(&o);
}

/* The certificate carries the TLS feature extension with status_request (RFC 7633). */
static int must_staple(X509 *cert)
{
    TLS_FEATURE *features = X509_get_ext_d2i(cert, NID_tlsfeature, NULL, NULL);
    int found = 0;
    for (int i = 0; i < sk_ASN1_INTEGER_num(features); i++)
        found |= ASN1_INTEGER_get(sk_ASN1_INTEGER_value(features, i)) == TLS_FEATURE_STATUS_REQUEST;
    TLS_FEATURE_free(features);
    ERR_clear_error();
    return found;
}

static void run_must_staple(struct probe_ctx *ctx)
{
    struct tls_outcome o;
    struct staple s;
    if (stapled_handshake(ctx, &o, &s) != 0)
        return;
    if (!must_staple(o.cert))
        probe_set(ctx, PROBE_SKIP,
                  "the certificate does not demand stapling (no TLS feature "
                  "extension with status_request, RFC 7633)");
    else if (s.kind == STAPLE_NONE)
        probe_set(ctx, PROBE_FAIL,
                  "the certificate demands stapling (must-staple) but the "
                  "server staples nothing: Firefox refuses the connection");
    else if (s.kind == STAPLE_BAD)
        probe_set(ctx, PROBE_FAIL, "the certificate demands stapling (must-staple) and %s", s.why);
    else if (s.kind == STAPLE_UNDECIDED)
        probe_set(ctx, PROBE_ERROR, "%s", s.why);
    else
        probe_set(ctx, PROBE_PASS, "must-staple honoured: stapled, %s", s.why);
    tls_outcome_free(&o);
}

const struct probe probe_s_tls_ocsp = {
    .id = "S-TLS-OCSP",
    .group = GROUP_S,
    .title = "OCSP stapling: offered, good and fresh",
    .severity = SEV_MEDIUM,
    .rationale = "A stapled OCSP response spares every shopper a round trip to the CA and keeps "
                 "their visit private; a stapled response that is revoked, stale or for another "
                 "certificate makes clients refuse the store.",
    .remediation = "Turn stapling on and keep the response fresh (nginx: ssl_stapling on; "
                   "ssl_stapling_verify on; with a resolver, or ssl_stapling_file refreshed "
                   "before nextUpdate).",
    .references = "https://www.rfc-editor.org/rfc/rfc6066#section-8 "
                  "https://www.rfc-editor.org/rfc/rfc6960",
    .run = run_ocsp,
};

const struct probe probe_s_tls_must_staple = {
    .id = "S-TLS-MUST-STAPLE",
    .group = GROUP_S,
    .title = "Must-staple certificate gets a good stapled OCSP response",
    .severity = SEV_HIGH,
    .rationale = "A certificate with the TLS feature status_request (must-staple) tells clients "
                 "to refuse any handshake without a good stapled OCSP response: Firefox does, "
                 "and the store is down for its shoppers.",
    .remediation = "Staple a good, fresh OCSP response on every handshake (nginx: ssl_stapling "
                   "on; or ssl_stapling_file), or use a certificate without must-staple.",
    .references = "https://www.rfc-editor.org/rfc/rfc7633",
    .run = run_must_staple,
};
