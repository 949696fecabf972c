/* S-TLS-CHAIN: the certificate chain as the server sent it — in order, complete, nothing
 * extra. OpenSSL repairs the order and drops extras when it verifies, so S-TLS-CERT cannot see
 * these; older clients, Java's among them, and some payment gateways calling a store's
 * webhooks do not repair anything. */
#include <stdio.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/cert_probe.h"

enum { MAX_SENT = 16 };

/* The chain as sent, one entry per certificate: "#1 CN=int (issued #0)". */
static void describe_sent(STACK_OF(X509) * sent, const int *path_pos, char *buf, size_t len)
{
    size_t w = 0;
    buf[0] = '\0';
    for (int i = 0; i < sk_X509_num(sent) && i < MAX_SENT && w < len; i++) {
        char subject[256];
        X509 *c = sk_X509_value(sent, i);
        cert_probe_subject(c, subject, sizeof subject);
        const char *role = cert_probe_self_issued(c) ? "self-signed"
                           : path_pos[i] < 0         ? "not in the leaf's chain"
                           : path_pos[i] == 0        ? "leaf"
                                                     : "intermediate";
        w += (size_t)snprintf(buf + w, len - w, "%s#%d %s (%s)", i ? "; " : "", i, subject, role);
    }
}

static void run_chain(struct probe_ctx *ctx)
{
    struct tls_outcome o;
    char label[400], err[256];
    if (cert_probe_handshake(ctx, &o, label, sizeof label) != 0)
        return;
    STACK_OF(X509) *sent = o.chain;
    int n = sk_X509_num(sent);
    if (n <= 0 || n > MAX_SENT) {
        probe_set(ctx, PROBE_ERROR, "cannot judge a chain of %d certificates", n);
        tls_outcome_free(&o);
        return;
    }
    X509_STORE *store = cert_probe_trust(ctx, err, sizeof err);
    if (!store) {
        probe_set(ctx, PROBE_ERROR, "%s", err);
        tls_outcome_free(&o);
        return;
    }
    /* The leaf's chain through what was sent: path_pos[i] is where sent cert i stands in it
     * (0 the leaf), -1 when it is not in it. */
    int path_pos[MAX_SENT], len = 1;
    for (int i = 0; i < n; i++)
        path_pos[i] = -1;
    path_pos[0] = 0;
    X509 *top = sk_X509_value(sent, 0);
    while (!cert_probe_self_issued(top)) {
        int owned;
        X509 *up = cert_probe_issuer(top, sent, NULL, &owned);
        int at = -1;
        for (int i = 0; up && i < n; i++)
            if (sk_X509_value(sent, i) == up)
                at = i;
        if (at < 0 || path_pos[at] >= 0)
            break; /* not sent, or a loop */
        path_pos[at] = len++;
        top = up;
    }
    char fail[1024] = "", warn[1024] = "", text[512], subject[256];
    int out_of_order = 0, extra = 0;
    for (int i = 0; i < n; i++) {
        out_of_order |= path_pos[i] >= 0 && path_pos[i] != i;
        extra += path_pos[i] < 0;
    }
    if (out_of_order)
        cert_probe_add(fail, sizeof fail,
                       "the chain is sent out of order: each certificate must be followed by its "
                       "issuer (RFC 5246 "
                       "7.4.2)");
    cert_probe_subject(top, subject, sizeof subject);
    if (cert_probe_self_issued(top)) {
        if (len > 1) {
            snprintf(text, sizeof text,
                     "the server sends the root %s, which clients must already hold", subject);
            cert_probe_add(warn, sizeof warn, text);
        }
    } else {
        int owned;
        X509 *anchor = cert_probe_issuer(top, NULL, store, &owned);
        if (!anchor) {
            snprintf(
                text, sizeof text,
                "the chain is incomplete: the issuer of %s was not sent and is not a trust anchor "
                "(missing intermediate)",
                subject);
            cert_probe_add(fail, sizeof fail, text);
        } else if (!cert_probe_self_issued(anchor)) {
            char name[256];
            cert_probe_subject(anchor, name, sizeof name);
            snprintf(text, sizeof text,
                     "the chain is incomplete: the intermediate %s was not sent; only clients that "
                     "already hold it can build the chain",
                     name);
            cert_probe_add(fail, sizeof fail, text);
        }
        if (owned)
            X509_free(anchor);
    }
    if (extra) {
        snprintf(text, sizeof text, "the server sends %d certificate%s not in the leaf's chain",
                 extra, extra == 1 ? "" : "s");
        cert_probe_add(warn, sizeof warn, text);
    }
    char sent_text[2048];
    describe_sent(sent, path_pos, sent_text, sizeof sent_text);
    probe_evidence(ctx, label, 0, "%d sent: %s", n, sent_text);
    if (len == 1 && cert_probe_self_issued(top))
        snprintf(text, sizeof text,
                 "a self-signed certificate%s: there is no chain to order "
                 "(S-TLS-CERT judges whether clients trust it)",
                 extra ? " and others" : "");
    else
        snprintf(text, sizeof text,
                 "%d certificate%s sent in order, leaf first, up to a trust anchor; nothing "
                 "extra",
                 n, n == 1 ? "" : "s");
    cert_probe_verdict(ctx, fail, warn, text);
    X509_STORE_free(store);
    tls_outcome_free(&o);
}

const struct probe probe_s_tls_chain = {
    .id = "S-TLS-CHAIN",
    .group = GROUP_S,
    .title = "Certificate chain as sent: order, completeness, nothing extra",
    .severity = SEV_HIGH,
    .rationale = "A chain missing an intermediate, or sent out of order, works in browsers that "
                 "cache or repair chains and fails in other clients: apps, payment and "
                 "shipping partners calling the store's API, monitoring.",
    .remediation = "Serve the leaf followed by each intermediate up to (not including) the root, "
                   "in issuing order (nginx: ssl_certificate with the CA's fullchain file).",
    .references = "https://www.rfc-editor.org/rfc/rfc5246#section-7.4.2 "
                  "https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2",
    .run = run_chain,
};
