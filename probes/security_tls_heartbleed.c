/* S-TLS-HEARTBLEED: a heartbeat request that claims more payload than it carries (CVE-2014-0160).
 */
#include <stdio.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"
#include "probes/tls_session.h"

enum {
    CONTENT_HEARTBEAT = 24,
    HEARTBEAT_REQUEST = 1,
    CLAIMED_PAYLOAD = 16384, /* what the request claims; it carries none */
    ANSWER_WAIT_MS = 3000,
};

static void run_heartbleed(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    struct tls_hello h;
    tls_probe_hello(&h, &s, o.highest, NULL, suites);
    h.heartbeat = 1;
    char label[400], sent[160], why[160];
    snprintf(sent, sizeof sent, "a %s ClientHello with the heartbeat extension",
             tls_wire_version_name(o.highest));
    handshake_label(ctx, "heartbeat", label, sizeof label);
    struct tls_session t;
    struct tls_flight f;
    if (tls_probe_open(ctx, &s, &h, sent, label, &t, &f) != 0)
        return;
    if (!f.hello.heartbeat) {
        probe_evidence(ctx, label, 0, "sent %s; the ServerHello carries no heartbeat extension",
                       sent);
        probe_set(ctx, PROBE_PASS, "the server does not offer the heartbeat extension");
    } else {
        /* After ServerHelloDone, before any key exchange: a vulnerable server answers at once. */
        uint8_t req[8];
        tls_record_header(req, CONTENT_HEARTBEAT, o.highest, 3);
        req[5] = HEARTBEAT_REQUEST;
        req[6] = CLAIMED_PAYLOAD >> 8;
        req[7] = CLAIMED_PAYLOAD & 0xff;
        struct tls_after a = {.kind = TLS_AFTER_CLOSED};
        int sent_request = tls_session_send(&t, req, sizeof req) == 0;
        if (sent_request)
            tls_session_after(&t, ANSWER_WAIT_MS, &a);
        tls_after_describe(&a, why, sizeof why);
        probe_evidence(ctx, label, 0,
                       "sent %s, then after ServerHelloDone a heartbeat request carrying 0 "
                       "payload bytes but claiming %d; answer: %s",
                       sent, CLAIMED_PAYLOAD, why);
        if (a.kind == TLS_AFTER_HEARTBEAT && a.heartbeat_payload > 0)
            probe_set(ctx, PROBE_FAIL,
                      "Heartbleed: the server answered a heartbeat with %u bytes of its memory "
                      "(it was sent none)",
                      a.heartbeat_payload);
        else if (!sent_request)
            tls_probe_undecided(ctx, sent, "a close before the heartbeat request could be sent");
        else if (a.kind == TLS_AFTER_GARBAGE || a.kind == TLS_AFTER_OVERSIZE)
            tls_probe_undecided(ctx, "the heartbeat request", why);
        else
            probe_set(ctx, PROBE_PASS,
                      "heartbeat offered, but a request claiming more than it carries got "
                      "no memory back (%s)",
                      why);
    }
    tls_session_close(&t);
    scan_end(ctx, &s, 1, 1);
}

const struct probe probe_s_tls_heartbleed = {
    .id = "S-TLS-HEARTBLEED",
    .group = GROUP_S,
    .title = "Heartbleed (CVE-2014-0160)",
    .severity = SEV_CRITICAL,
    .rationale = "A Heartbleed server returns up to 64 KiB of its memory per heartbeat to "
                 "anyone: private keys, session cookies, card data in flight.",
    .remediation = "Upgrade OpenSSL (1.0.1g or later) and, having been exposed, replace the "
                   "certificate's key and revoke sessions.",
    .references = "https://heartbleed.com/ https://www.rfc-editor.org/rfc/rfc6520",
    .run = run_heartbleed,
};
