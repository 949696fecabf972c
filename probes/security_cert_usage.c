/* S-TLS-CERT-USAGE: what the certificates sent may be used for and how strong they are — the
 * leaf's key usage and extended key usage (serverAuth), and the key and signature algorithm of
 * every certificate sent except a self-signed root (whose signature no client checks). */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "probes/catalog.h"
#include "probes/cert_probe.h"

static const char *key_name(int type)
{
    switch (type) {
    case EVP_PKEY_RSA:
        return "RSA";
    case EVP_PKEY_RSA_PSS:
        return "RSA-PSS";
    case EVP_PKEY_EC:
        return "EC";
    case EVP_PKEY_DSA:
        return "DSA";
    case EVP_PKEY_ED25519:
        return "Ed25519";
    case EVP_PKEY_ED448:
        return "Ed448";
    default:
        return "unknown";
    }
}

/* Key and signature of one certificate: "RSA 2048 bits, sha256WithRSAEncryption" into facts,
 * what is weak about them into weak. */
static void judge_strength(X509 *c, const char *who, char *facts, size_t flen, char *weak,
                           size_t wlen)
{
    EVP_PKEY *key = X509_get0_pubkey(c);
    int type = key ? EVP_PKEY_get_base_id(key) : 0, bits = key ? EVP_PKEY_get_bits(key) : 0;
    int md = NID_undef, pk = NID_undef, secbits = 0;
    uint32_t flags = 0;
    X509_get_signature_info(c, &md, &pk, &secbits, &flags);
    const char *sig = OBJ_nid2ln(X509_get_signature_nid(c));
    snprintf(facts, flen, "%s %d bits, %s", key_name(type), bits, sig ? sig : "unknown signature");
    char text[256];
    if (((type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) && bits < 2048) ||
        (type == EVP_PKEY_EC && bits < 256) || type == EVP_PKEY_DSA || !key) {
        snprintf(text, sizeof text,
                 "%s has a %s key of %d bits (RSA needs 2048, EC 256; DSA "
                 "is not allowed)",
                 who, key_name(type), bits);
        cert_probe_add(weak, wlen, text);
    }
    if (md == NID_md5 || md == NID_sha1 || md == NID_md4 || md == NID_md2) {
        snprintf(text, sizeof text, "%s is signed with %s, which can be forged", who,
                 OBJ_nid2sn(md));
        cert_probe_add(weak, wlen, text);
    }
}

/* The leaf's key usage and extended key usage; failures into fail, doubts into warn. */
static void judge_usage(X509 *leaf, char *facts, size_t flen, char *fail, size_t fl, char *warn,
                        size_t wl)
{
    uint32_t ext = X509_get_extension_flags(leaf);
    uint32_t ku = X509_get_key_usage(leaf), xku = X509_get_extended_key_usage(leaf);
    int has_ku = (ext & EXFLAG_KUSAGE) != 0, has_xku = (ext & EXFLAG_XKUSAGE) != 0;
    snprintf(facts, flen, "key usage %s%s%s; extended key usage %s%s",
             !has_ku                       ? "absent"
             : (ku & KU_DIGITAL_SIGNATURE) ? "digitalSignature"
                                           : "",
             has_ku && (ku & KU_DIGITAL_SIGNATURE) && (ku & KU_KEY_ENCIPHERMENT) ? "," : "",
             has_ku && (ku & KU_KEY_ENCIPHERMENT) ? "keyEncipherment" : "",
             !has_xku                 ? "absent"
             : (xku & XKU_SSL_SERVER) ? "serverAuth"
                                      : "without serverAuth",
             has_xku && (xku & XKU_ANYEKU) ? " (anyExtendedKeyUsage)" : "");
    if (has_xku && !(xku & (XKU_SSL_SERVER | XKU_ANYEKU)))
        cert_probe_add(fail, fl,
                       "the leaf's extended key usage lacks serverAuth: clients refuse it for a "
                       "TLS server");
    else if (!has_xku)
        cert_probe_add(warn, wl,
                       "the leaf has no extended key usage; the CA/Browser Forum requires "
                       "serverAuth in it");
    /* ECDHE suites and TLS 1.3 sign the handshake with the leaf's key. */
    if (has_ku && !(ku & KU_DIGITAL_SIGNATURE))
        cert_probe_add(fail, fl,
                       "the leaf's key usage lacks digitalSignature: no ECDHE or TLS 1.3 "
                       "handshake may use it");
}

static void run_usage(struct probe_ctx *ctx)
{
    struct tls_outcome o;
    char label[400];
    if (cert_probe_handshake(ctx, &o, label, sizeof label) != 0)
        return;
    char fail[2048] = "", warn[512] = "", facts[512], subject[256], who[300];
    judge_usage(o.cert, facts, sizeof facts, fail, sizeof fail, warn, sizeof warn);
    cert_probe_subject(o.cert, subject, sizeof subject);
    probe_evidence(ctx, label, 0, "leaf %s: %s", subject, facts);
    int n = sk_X509_num(o.chain), judged = 0;
    for (int i = 0; i < n; i++) {
        X509 *c = sk_X509_value(o.chain, i);
        if (i > 0 && cert_probe_self_issued(c))
            continue;
        cert_probe_subject(c, subject, sizeof subject);
        snprintf(who, sizeof who, "%s %s", i == 0 ? "the leaf" : "the intermediate", subject);
        judge_strength(c, who, facts, sizeof facts, fail, sizeof fail);
        probe_evidence(ctx, label, 0, "#%d %s: %s", i, subject, facts);
        judged++;
    }
    char pass_text[256];
    snprintf(pass_text, sizeof pass_text,
             "the leaf is for serverAuth with digitalSignature; %d certificate%s with strong keys "
             "and SHA-2 or better signatures",
             judged, judged == 1 ? "" : "s");
    cert_probe_verdict(ctx, fail, warn, pass_text);
    tls_outcome_free(&o);
}

const struct probe probe_s_tls_cert_usage = {
    .id = "S-TLS-CERT-USAGE",
    .group = GROUP_S,
    .title = "Certificates sent: serverAuth usage, key sizes, signature algorithms",
    .severity = SEV_HIGH,
    .rationale = "A leaf without serverAuth or digitalSignature is refused by clients that "
                 "check purposes; a SHA-1 or MD5 signature, or a small key anywhere in the chain, "
                 "can be forged.",
    .remediation = "Use a certificate issued for TLS servers (extended key usage serverAuth, key "
                   "usage digitalSignature) with RSA >= 2048 or EC >= 256 bits, chaining through "
                   "intermediates signed with SHA-256 or better.",
    .references = "https://cabforum.org/baseline-requirements/ "
                  "https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12",
    .run = run_usage,
};
