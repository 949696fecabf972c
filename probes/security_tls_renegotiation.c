/* S-TLS-RENEGOTIATION: secure renegotiation (RFC 5746: renegotiation_info in the ServerHello)
 * and whether the server accepts a renegotiation the client starts. TLS <= 1.2 only. */
#include <stdio.h>

#include "probes/catalog.h"
#include "probes/tls.h"
#include "probes/tls_probe.h"

static void run_renegotiation(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    char label[400], why[160];
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    struct tls_hello h;
    tls_probe_hello(&h, &s, o.highest, NULL, suites);
    struct tls_reply r;
    tls_survey_hello(&s, &h, &r);
    tls_reply_describe(&r, why, sizeof why);
    scan_end(ctx, &s, 1, 1);
    handshake_label(ctx, "secure renegotiation", label, sizeof label);
    if (r.kind != TLS_REPLY_HELLO) {
        probe_evidence(ctx, label, 0,
                       "sent a %s ClientHello with the renegotiation SCSV; "
                       "answer: %s",
                       tls_wire_version_name(o.highest), why);
        tls_probe_undecided(ctx, "a ClientHello with the renegotiation SCSV", why);
        return;
    }
    probe_evidence(ctx, label, 0,
                   "sent a %s ClientHello with TLS_EMPTY_RENEGOTIATION_INFO_SCSV; the ServerHello "
                   "%s renegotiation_info",
                   tls_wire_version_name(o.highest), r.renegotiation_info ? "carries" : "lacks");
    if (!r.renegotiation_info) {
        probe_set(ctx, PROBE_FAIL,
                  "no secure renegotiation (RFC 5746): a man in the middle can splice his "
                  "request in front of the shopper's (CVE-2009-3555)");
        return;
    }
    /* Client-initiated: a full handshake with OpenSSL at that version, then a new one. */
    static const int openssl_version[] = {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION,
                                          TLS1_2_VERSION};
    int v = TLS1_2_VERSION;
    for (int i = 0; i < TLS_SURVEY_VERSIONS; i++)
        if (tls_survey_wire[i] == o.highest)
            v = openssl_version[i];
    struct tls_attempt a = {.version = v, .renegotiate = 1};
    struct tls_outcome out;
    tls_try(ctx, &a, &out);
    handshake_label(ctx, "client-initiated renegotiation", label, sizeof label);
    if (!out.ok) {
        probe_evidence(ctx, label, 0, "not tried: the %s handshake failed: %s", tls_version_name(v),
                       out.error);
        probe_set(ctx, PROBE_WARN,
                  "secure renegotiation offered; client-initiated renegotiation not tested: "
                  "the local OpenSSL could not complete a %s handshake (%s)",
                  tls_version_name(v), out.error);
    } else if (out.renegotiation == TLS_RENEG_ACCEPTED) {
        probe_evidence(ctx, label, 0, "after a %s handshake, asked for a new one: completed",
                       tls_version_name(v));
        probe_set(ctx, PROBE_WARN,
                  "the server accepts renegotiation started by the client: each costs it a "
                  "full handshake, a cheap denial of service");
    } else {
        probe_evidence(ctx, label, 0, "after a %s handshake, asked for a new one: %s",
                       tls_version_name(v), out.reneg_error[0] ? out.reneg_error : "not sent");
        if (out.renegotiation == TLS_RENEG_NOT_TRIED)
            probe_set(ctx, PROBE_WARN,
                      "secure renegotiation offered; client-initiated renegotiation not "
                      "tested: %s",
                      out.reneg_error);
        else
            probe_set(ctx, PROBE_PASS,
                      "secure renegotiation offered and client-initiated renegotiation "
                      "refused (%s)",
                      out.reneg_error);
    }
    tls_outcome_free(&out);
}

const struct probe probe_s_tls_renegotiation = {
    .id = "S-TLS-RENEGOTIATION",
    .group = GROUP_S,
    .title = "Renegotiation: secure (RFC 5746), none started by the client",
    .severity = SEV_MEDIUM,
    .rationale = "Insecure renegotiation lets a man in the middle prefix a shopper's request "
                 "with his own; renegotiation on the client's demand costs the server a "
                 "handshake each time, for nothing.",
    .remediation = "Use a current TLS library (secure renegotiation) and refuse "
                   "client-initiated renegotiation (nginx and OpenSSL 3 servers do by default).",
    .references = "https://www.rfc-editor.org/rfc/rfc5746 "
                  "https://nvd.nist.gov/vuln/detail/CVE-2009-3555",
    .run = run_renegotiation,
};
