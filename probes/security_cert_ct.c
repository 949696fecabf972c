/* S-TLS-CT: Certificate Transparency — signed certificate timestamps from the server, from any
 * of the three places RFC 6962 allows: embedded in the certificate, in the stapled OCSP
 * response, or in the TLS signed_certificate_timestamp extension. OpenSSL parses all three.
 * The SCTs' signatures are not checked: that needs the browsers' log list, which changes and is
 * not on the machine; the probe counts SCTs and distinct logs, as the CT policies do. */
#include <stdio.h>
#include <string.h>

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "probes/catalog.h"
#include "probes/cert_probe.h"

enum { MAX_LOGS = 16, LOG_ID_LEN = 32, POLICY_LOGS = 2 };

static const char *source_name(sct_source_t source)
{
    switch (source) {
    case SCT_SOURCE_X509V3_EXTENSION:
        return "embedded in the certificate";
    case SCT_SOURCE_OCSP_STAPLED_RESPONSE:
        return "in the stapled OCSP response";
    case SCT_SOURCE_TLS_EXTENSION:
        return "in the TLS extension";
    default:
        return "from an unknown place";
    }
}

/* The leaf chains, through what was sent, to an anchor of the system's trust store (not
 * target.tls.ca_file): the certificates CT policies apply to. */
static int publicly_trusted(const struct tls_outcome *o)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    int ok = store && vctx && X509_STORE_set_default_paths(store) == 1 &&
             X509_STORE_CTX_init(vctx, store, o->cert, o->chain) == 1 &&
             X509_verify_cert(vctx) == 1;
    X509_STORE_CTX_free(vctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return ok;
}

static void run_ct(struct probe_ctx *ctx)
{
    struct tls_outcome o;
    char label[400];
    if (cert_probe_handshake(ctx, &o, label, sizeof label) != 0)
        return;
    unsigned char logs[MAX_LOGS][LOG_ID_LEN];
    int nlogs = 0, nscts = o.scts ? sk_SCT_num(o.scts) : 0;
    for (int i = 0; i < nscts; i++) {
        const SCT *sct = sk_SCT_value(o.scts, i);
        unsigned char *id = NULL;
        size_t idlen = SCT_get0_log_id(sct, &id);
        char hex[2 * 8 + 1] = "";
        for (size_t k = 0; k < idlen && k < 8; k++)
            snprintf(hex + 2 * k, 3, "%02x", id[k]);
        int known = 0;
        for (int l = 0; l < nlogs; l++)
            known |= idlen == LOG_ID_LEN && memcmp(logs[l], id, LOG_ID_LEN) == 0;
        if (!known && idlen == LOG_ID_LEN && nlogs < MAX_LOGS)
            memcpy(logs[nlogs++], id, LOG_ID_LEN);
        probe_evidence(ctx, label, 0, "SCT %s: log %s..., timestamp %llu ms, version %d",
                       source_name(SCT_get_source(sct)), hex,
                       (unsigned long long)SCT_get_timestamp(sct), (int)SCT_get_version(sct) + 1);
    }
    /* An SCT list extension OpenSSL could not parse is not "no SCTs": say what it is. */
    int embedded_ext = X509_get_ext_by_NID(o.cert, NID_ct_precert_scts, -1) >= 0;
    int embedded = 0;
    for (int i = 0; i < nscts; i++)
        embedded += SCT_get_source(sk_SCT_value(o.scts, i)) == SCT_SOURCE_X509V3_EXTENSION;
    ERR_clear_error();
    if (embedded_ext && !embedded)
        probe_set(ctx, PROBE_FAIL,
                  "the certificate's SCT list extension (1.3.6.1.4.1.11129.2.4.2) "
                  "does not parse: clients see no SCTs");
    else if (nscts == 0 && publicly_trusted(&o))
        probe_set(ctx, PROBE_FAIL,
                  "no SCTs in the certificate, the stapled OCSP response or the "
                  "TLS extension: Chrome and Safari refuse a publicly trusted certificate "
                  "without them");
    else if (nscts == 0)
        probe_set(ctx, PROBE_WARN,
                  "no SCTs in the certificate, the stapled OCSP response or the "
                  "TLS extension; the certificate does not chain to the system's trust store, "
                  "and browsers ask SCTs only of publicly trusted ones, but a public "
                  "certificate for the store would need them");
    else if (nlogs < POLICY_LOGS)
        probe_set(ctx, PROBE_WARN,
                  "%d SCT%s from %d log: Chrome's and Apple's CT policies want "
                  "SCTs from at least %d distinct logs",
                  nscts, nscts == 1 ? "" : "s", nlogs, POLICY_LOGS);
    else
        probe_set(ctx, PROBE_PASS,
                  "%d SCTs from %d distinct logs (signatures not checked: no "
                  "log list)",
                  nscts, nlogs);
    tls_outcome_free(&o);
}

const struct probe probe_s_tls_ct = {
    .id = "S-TLS-CT",
    .group = GROUP_S,
    .title = "Certificate Transparency: SCTs from at least two logs",
    .severity = SEV_MEDIUM,
    .rationale = "Chrome and Safari refuse a publicly trusted certificate that does not come "
                 "with signed certificate timestamps from CT logs; CT is also how a store learns "
                 "of certificates mis-issued for its name.",
    .remediation = "Use a CA that embeds SCTs in its certificates (every public CA does), or "
                   "serve them in the TLS extension or the stapled OCSP response.",
    .references = "https://www.rfc-editor.org/rfc/rfc6962 "
                  "https://googlechrome.github.io/CertificateTransparency/ct_policy.html",
    .run = run_ct,
};
