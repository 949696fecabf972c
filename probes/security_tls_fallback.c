/* S-TLS-FALLBACK-SCSV: a ClientHello at a lower version than the server's highest, carrying
 * TLS_FALLBACK_SCSV (RFC 7507), must be refused with inappropriate_fallback. */
#include <stdio.h>

#include "probes/catalog.h"
#include "probes/tls.h"
#include "probes/tls_probe.h"

enum { ALERT_INAPPROPRIATE_FALLBACK = 86 };

static void run_fallback(struct probe_ctx *ctx)
{
    /* The highest version: TLS 1.3 by OpenSSL (before the scanner takes its connection
     * slot), else the scanner's highest. The fallback: the highest the scanner found below. */
    int tls13 = 0;
    if (ctx->cfg->target.base.tls) {
        struct tls_attempt a13 = {.version = TLS1_3_VERSION};
        struct tls_outcome o13;
        tls_try(ctx, &a13, &o13);
        tls13 = o13.ok;
        tls_outcome_free(&o13);
    }
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    char label[400], sent[160], why[160];
    const char *highest = tls13 ? "TLS 1.3" : tls_wire_version_name(o.highest);
    uint16_t fallback = 0;
    for (int i = TLS_SURVEY_VERSIONS - 1; i >= 0 && !fallback; i--)
        if (o.offered[i] && (tls13 || tls_survey_wire[i] < o.highest))
            fallback = tls_survey_wire[i];
    handshake_label(ctx, "TLS_FALLBACK_SCSV", label, sizeof label);
    if (!fallback) {
        probe_evidence(ctx, label, 0, "not sent: %s is the only version offered", highest);
        probe_set(ctx, PROBE_PASS,
                  "only %s is offered: there is no lower version to fall "
                  "back to",
                  highest);
        scan_end(ctx, &s, 1, 1);
        return;
    }
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    struct tls_hello h = {
        .version = fallback,
        .sni = s.sni,
        .suites = suites,
        .nsuites = tls_suites_at(fallback, NULL, suites, TLS_SCAN_MAX_SUITES),
        .reneg = fallback == TLS_WIRE_SSL3 ? TLS_RENEG_SCSV : TLS_RENEG_EXTENSION,
        .extensions = 1,
        .fallback_scsv = 1,
    };
    struct tls_reply r;
    tls_survey_hello(&s, &h, &r);
    tls_reply_describe(&r, why, sizeof why);
    snprintf(sent, sizeof sent, "a %s ClientHello with TLS_FALLBACK_SCSV (the server offers %s)",
             tls_wire_version_name(fallback), highest);
    probe_evidence(ctx, label, 0, "sent %s; answer: %s", sent, why);
    if (r.kind == TLS_REPLY_ALERT && r.alert == ALERT_INAPPROPRIATE_FALLBACK)
        probe_set(ctx, PROBE_PASS, "a fallback to %s is refused with inappropriate_fallback",
                  tls_wire_version_name(fallback));
    else if (r.kind == TLS_REPLY_HELLO)
        probe_set(ctx, PROBE_FAIL,
                  "TLS_FALLBACK_SCSV ignored: a fallback to %s was accepted although the "
                  "server offers %s, so an attacker can force the older version",
                  tls_wire_version_name(r.version), highest);
    else if (r.kind == TLS_REPLY_ALERT || r.kind == TLS_REPLY_CLOSED)
        probe_set(ctx, PROBE_WARN,
                  "the fallback hello was refused, but with %s instead of inappropriate_fallback",
                  why);
    else
        tls_probe_undecided(ctx, sent, why);
    scan_end(ctx, &s, 1, 1);
}

const struct probe probe_s_tls_fallback_scsv = {
    .id = "S-TLS-FALLBACK-SCSV",
    .group = GROUP_S,
    .title = "TLS_FALLBACK_SCSV: downgrade protection (RFC 7507)",
    .severity = SEV_MEDIUM,
    .rationale = "Without it an attacker who breaks the first handshake makes a retrying "
                 "client settle for an older, weaker protocol version (POODLE's downgrade).",
    .remediation = "Use a TLS library that honours TLS_FALLBACK_SCSV (OpenSSL >= 1.0.1j, any "
                   "current one), or offer only one protocol version.",
    .references = "https://www.rfc-editor.org/rfc/rfc7507",
    .run = run_fallback,
};
