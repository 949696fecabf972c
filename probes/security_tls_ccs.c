/* S-TLS-CCS-INJECTION: an early ChangeCipherSpec after ServerHelloDone (CVE-2014-0224), judged
 * like testssl.sh: an unexpected_message or handshake_failure alert, or no answer, is safe;
 * decryption_failed, bad_record_mac or another alert means the server took the early CCS. */
#include <stdio.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"
#include "probes/tls_session.h"

enum {
    CONTENT_CCS = 20,
    ALERT_UNEXPECTED_MESSAGE = 10,
    ALERT_HANDSHAKE_FAILURE = 40,
    ANSWER_WAIT_MS = 2000,
};

static void run_ccs(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    struct tls_hello h;
    tls_probe_hello(&h, &s, o.highest, NULL, suites);
    char label[400], sent[160], why[160];
    snprintf(sent, sizeof sent, "a %s ClientHello", tls_wire_version_name(o.highest));
    handshake_label(ctx, "early ChangeCipherSpec", label, sizeof label);
    struct tls_session t;
    struct tls_flight f;
    if (tls_probe_open(ctx, &s, &h, sent, label, &t, &f) != 0)
        return;
    uint8_t ccs[6];
    tls_record_header(ccs, CONTENT_CCS, o.highest, 1);
    ccs[5] = 1;
    /* Twice, as testssl.sh does: a vulnerable server may stay silent after the first. */
    struct tls_after a = {.kind = TLS_AFTER_CLOSED};
    int sent_ccs = 0;
    for (int i = 0; i < 2 && (i == 0 || a.kind == TLS_AFTER_TIMEOUT); i++) {
        if (tls_session_send(&t, ccs, sizeof ccs) != 0)
            break;
        sent_ccs++;
        tls_session_after(&t, ANSWER_WAIT_MS, &a);
    }
    tls_after_describe(&a, why, sizeof why);
    probe_evidence(ctx, label, 0,
                   "sent %s, then after ServerHelloDone %d ChangeCipherSpec record%s before any "
                   "key exchange; answer: %s",
                   sent, sent_ccs, sent_ccs == 1 ? "" : "s", why);
    if (!sent_ccs)
        tls_probe_undecided(ctx, sent, "a close before the ChangeCipherSpec could be sent");
    else if (a.kind == TLS_AFTER_CLOSED || a.kind == TLS_AFTER_TIMEOUT ||
             (a.kind == TLS_AFTER_ALERT &&
              (a.alert == ALERT_UNEXPECTED_MESSAGE || a.alert == ALERT_HANDSHAKE_FAILURE)))
        probe_set(ctx, PROBE_PASS, "the early ChangeCipherSpec was refused (%s)", why);
    else if (a.kind == TLS_AFTER_ALERT)
        probe_set(ctx, PROBE_FAIL,
                  "CCS injection: the server took an early ChangeCipherSpec and answered %s "
                  "where a safe server refuses it as an unexpected message",
                  why);
    else
        tls_probe_undecided(ctx, "the early ChangeCipherSpec", why);
    tls_session_close(&t);
    scan_end(ctx, &s, 1, 1);
}

const struct probe probe_s_tls_ccs_injection = {
    .id = "S-TLS-CCS-INJECTION",
    .group = GROUP_S,
    .title = "CCS injection (CVE-2014-0224)",
    .severity = SEV_HIGH,
    .rationale = "A server that accepts a ChangeCipherSpec before the key exchange lets a "
                 "man in the middle force keys it can compute, and read or change the traffic.",
    .remediation = "Upgrade OpenSSL (0.9.8za, 1.0.0m, 1.0.1h or later).",
    .references = "https://www.openssl.org/news/secadv/20140605.txt "
                  "https://nvd.nist.gov/vuln/detail/CVE-2014-0224",
    .run = run_ccs,
};
