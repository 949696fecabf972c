/* S-TLS-ROBOT: whether the server offers RSA key exchange at all, the precondition of ROBOT
 * (Bleichenbacher's oracle). The oracle itself is not tested: that needs ClientKeyExchange
 * messages encrypted to the server's key with chosen malformed PKCS#1 paddings and a comparison
 * of the server's reactions over many connections, which this probe does not send. */
#include <stdio.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"

static int rsa_kx_suite(const struct tls_suite *su)
{
    return strncmp(su->kx, "RSA", 3) == 0;
}

static void run_robot(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    char label[400], why[160], found[256] = "";
    size_t w = 0;
    int undecided = 0;
    for (int i = 0; i < TLS_SURVEY_VERSIONS; i++) {
        if (!o.offered[i])
            continue;
        uint16_t v = tls_survey_wire[i], suites[TLS_SCAN_MAX_SUITES];
        struct tls_hello h = {
            .version = v,
            .sni = s.sni,
            .suites = suites,
            .nsuites = tls_suites_at(v, rsa_kx_suite, suites, TLS_SCAN_MAX_SUITES),
            .reneg = TLS_RENEG_SCSV,
            .extensions = 1,
        };
        struct tls_reply r;
        tls_survey_hello(&s, &h, &r);
        tls_reply_describe(&r, why, sizeof why);
        const struct tls_suite *su = r.kind == TLS_REPLY_HELLO ? tls_suite_find(r.suite) : NULL;
        char what[48];
        snprintf(what, sizeof what, "%s RSA key exchange", tls_wire_version_name(v));
        handshake_label(ctx, what, label, sizeof label);
        probe_evidence(ctx, label, 0,
                       "sent a ClientHello offering only the %zu RSA key-exchange suites: %s%s",
                       h.nsuites, su ? "accepted " : why, su ? su->name : "");
        if (su && rsa_kx_suite(su) && w < sizeof found)
            w += (size_t)snprintf(found + w, sizeof found - w, "%s%s at %s", w ? ", " : "",
                                  su->name, tls_wire_version_name(v));
        undecided += tls_reply_undecided(&r);
    }
    scan_end(ctx, &s);
    if (found[0])
        probe_set(ctx, PROBE_WARN,
                  "RSA key exchange offered (%s): the precondition of ROBOT; the oracle itself "
                  "was not tested (it needs many connections with malformed PKCS#1 "
                  "ClientKeyExchange messages, which this probe does not send)",
                  found);
    else if (undecided)
        tls_probe_undecided(ctx, "the RSA key-exchange hellos", why);
    else
        probe_set(ctx, PROBE_PASS, "no RSA key exchange offered: ROBOT cannot apply");
}

const struct probe probe_s_tls_robot = {
    .id = "S-TLS-ROBOT",
    .group = GROUP_S,
    .title = "RSA key exchange (ROBOT precondition)",
    .severity = SEV_MEDIUM,
    .rationale = "With RSA key exchange, a server whose answers differ on bad PKCS#1 padding "
                 "(ROBOT) lets an attacker decrypt recorded sessions or sign with its key; "
                 "RSA key exchange also has no forward secrecy.",
    .remediation = "Offer only ECDHE (or DHE) suites: drop TLS_RSA_WITH_* (nginx: "
                   "ssl_ciphers with ECDHE suites only).",
    .references = "https://robotattack.org/",
    .run = run_robot,
};
