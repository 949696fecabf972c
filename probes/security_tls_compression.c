/* S-TLS-COMPRESSION: a ClientHello offering DEFLATE per version; a ServerHello choosing it
 * makes secrets in the traffic guessable by their compressed length (CRIME). */
#include <stdio.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"

static void run_compression(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    char label[400], why[160], deflated[96] = "";
    int decided = 0;
    size_t w = 0;
    for (int i = 0; i < TLS_SURVEY_VERSIONS; i++) {
        if (!o.offered[i])
            continue;
        uint16_t v = tls_survey_wire[i], suites[TLS_SCAN_MAX_SUITES];
        struct tls_hello h;
        tls_probe_hello(&h, &s, v, NULL, suites);
        h.deflate = 1;
        struct tls_reply r;
        tls_survey_hello(&s, &h, &r);
        tls_reply_describe(&r, why, sizeof why);
        char what[48];
        snprintf(what, sizeof what, "%s compression", tls_wire_version_name(v));
        handshake_label(ctx, what, label, sizeof label);
        if (r.kind == TLS_REPLY_HELLO)
            probe_evidence(ctx, label, 0,
                           "sent a ClientHello offering DEFLATE and null compression; the "
                           "ServerHello chose %s",
                           r.compression == 1   ? "DEFLATE"
                           : r.compression == 0 ? "null (none)"
                                                : "an unknown method");
        else
            probe_evidence(ctx, label, 0,
                           "sent a ClientHello offering DEFLATE and null compression; answer: %s",
                           why);
        decided += r.kind == TLS_REPLY_HELLO;
        if (r.kind == TLS_REPLY_HELLO && r.compression != 0 && w < sizeof deflated)
            w += (size_t)snprintf(deflated + w, sizeof deflated - w, "%s%s", w ? ", " : "",
                                  tls_wire_version_name(v));
    }
    if (deflated[0])
        probe_set(ctx, PROBE_FAIL, "TLS compression chosen at %s: CRIME can recover cookies",
                  deflated);
    else if (decided)
        probe_set(ctx, PROBE_PASS, "the server never chose compression when offered DEFLATE");
    else
        tls_probe_undecided(ctx, "the ClientHellos offering DEFLATE", why);
    scan_end(ctx, &s, 1, 1);
}

const struct probe probe_s_tls_compression = {
    .id = "S-TLS-COMPRESSION",
    .group = GROUP_S,
    .title = "TLS compression (CRIME)",
    .severity = SEV_HIGH,
    .rationale = "With TLS compression the length of each record leaks how well attacker-chosen "
                 "text compresses with the secret next to it: CRIME reads session cookies.",
    .remediation = "Disable TLS-level compression (current OpenSSL and GnuTLS builds have none; "
                   "nginx: do not build against a zlib-enabled OpenSSL 1.0).",
    .references = "https://en.wikipedia.org/wiki/CRIME "
                  "https://www.rfc-editor.org/rfc/rfc7457#section-2.6",
    .run = run_compression,
};
