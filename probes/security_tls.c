/* S group, transport layer: protocol versions, cipher suites, the certificate. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "probes/catalog.h"
#include "probes/tls.h"

/* "TLS handshake 127.0.0.1:8443 (TLS 1.0 only)" */
static void handshake_label(struct probe_ctx *ctx, const char *what, char *buf, size_t len)
{
    const struct url *u = &ctx->cfg->target.base;
    snprintf(buf, len, "TLS handshake %s%s%s:%u%s%s%s", u->ipv6 ? "[" : "", u->host,
             u->ipv6 ? "]" : "", u->port, what ? " (" : "", what ? what : "", what ? ")" : "");
}

static int needs_tls(struct probe_ctx *ctx)
{
    if (ctx->cfg->target.base.tls)
        return 1;
    probe_set(ctx, PROBE_SKIP,
              "target.base_url is plain http: there is no TLS to inspect "
              "(S-HTTPS-REDIRECT judges that)");
    ctx->result->cause = CAUSE_NO_TLS;
    return 0;
}

static const int versions[] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
enum { NVERSIONS = sizeof versions / sizeof *versions };

static void run_versions(struct probe_ctx *ctx)
{
    if (!needs_tls(ctx))
        return;
    char label[400];
#ifdef OPENSSL_NO_SSL3
    handshake_label(ctx, "SSL 3.0 only", label, sizeof label);
    probe_evidence(ctx, label, 0,
                   "skip: this OpenSSL build has no SSL 3.0, so SSL 3.0 cannot be tried");
#endif
    int accepted[NVERSIONS] = {0}, reached = 0;
    char why[256] = "";
    for (int i = 0; i < NVERSIONS && !probe_should_stop(ctx); i++) {
        char what[32];
        snprintf(what, sizeof what, "%s only", tls_version_name(versions[i]));
        handshake_label(ctx, what, label, sizeof label);
        struct tls_attempt a = {.version = versions[i]};
        struct tls_outcome o;
        tls_try(ctx, &a, &o);
        reached += o.connected;
        accepted[i] = o.ok;
        if (o.ok)
            probe_evidence(ctx, label, 0, "accepted, cipher %s", SSL_CIPHER_get_name(o.cipher));
        else
            probe_evidence(ctx, label, 0, "refused: %s", o.error);
        if (!o.connected)
            snprintf(why, sizeof why, "%s", o.error);
        tls_outcome_free(&o);
    }
    if (!reached) {
        probe_set(ctx, PROBE_ERROR, "cannot connect: %s", why);
        return;
    }
    if (accepted[0] || accepted[1]) {
        probe_set(ctx, PROBE_FAIL, "accepts %s%s%s: TLS below 1.2 is deprecated (RFC 8996)",
                  accepted[0] ? "TLS 1.0" : "", accepted[0] && accepted[1] ? " and " : "",
                  accepted[1] ? "TLS 1.1" : "");
    } else if (!accepted[2] && !accepted[3]) {
        probe_set(ctx, PROBE_ERROR, "no TLS version could be negotiated");
    } else {
        probe_set(ctx, PROBE_PASS, "only %s%s%s", accepted[2] ? "TLS 1.2" : "",
                  accepted[2] && accepted[3] ? " and " : "", accepted[3] ? "TLS 1.3" : "");
    }
}

/* What is wrong with a suite: the weak classes first, then forward secrecy, then AEAD. */
enum suite_class { SUITE_GOOD, SUITE_NOT_AEAD, SUITE_NO_FS, SUITE_WEAK };

static enum suite_class classify(const SSL_CIPHER *c)
{
    int enc = SSL_CIPHER_get_cipher_nid(c);
    int kx = SSL_CIPHER_get_kx_nid(c);
    const char *name = SSL_CIPHER_get_name(c);
    if (enc == NID_undef || SSL_CIPHER_get_auth_nid(c) == NID_auth_null || enc == NID_rc4 ||
        enc == NID_des_cbc || enc == NID_des_ede3_cbc || enc == NID_rc2_cbc ||
        strstr(name, "EXP") || strstr(name, "MD5"))
        return SUITE_WEAK;
    if (kx != NID_kx_ecdhe && kx != NID_kx_dhe && kx != NID_kx_any)
        return SUITE_NO_FS;
    if (!SSL_CIPHER_is_aead(c))
        return SUITE_NOT_AEAD;
    return SUITE_GOOD;
}

enum { MAX_SUITES = 128 };

static const char *const tls13_suites[] = {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                           "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256",
                                           "TLS_AES_128_CCM_8_SHA256"};

/* Every suite the server accepts at one version: offer all, note the one it picks, offer the
 * rest again, until the handshake fails. Returns how many went into found; -1 when the
 * server could not be reached at all. */
static int enumerate(struct probe_ctx *ctx, int version, const SSL_CIPHER **found, int cap,
                     char *err, size_t errlen)
{
    size_t n;
    const char *const *all = version == TLS1_3_VERSION ? tls13_suites : tls_legacy_suites(&n);
    if (version == TLS1_3_VERSION)
        n = sizeof tls13_suites / sizeof *tls13_suites;
    const char *left[MAX_SUITES * 2];
    size_t nleft = n < MAX_SUITES * 2 ? n : MAX_SUITES * 2;
    memcpy(left, all, nleft * sizeof *left);
    int count = 0;
    while (nleft && count < cap && !probe_should_stop(ctx)) {
        char list[8192];
        size_t w = 0;
        for (size_t i = 0; i < nleft && w < sizeof list; i++)
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? ":" : "", left[i]);
        if (version != TLS1_3_VERSION && w < sizeof list)
            snprintf(list + w, sizeof list - w, ":@SECLEVEL=0");
        struct tls_attempt a = {.version = version};
        if (version == TLS1_3_VERSION)
            a.ciphersuites = list;
        else
            a.cipher_list = list;
        struct tls_outcome o;
        tls_try(ctx, &a, &o);
        if (!o.connected && count == 0) {
            snprintf(err, errlen, "%s", o.error);
            tls_outcome_free(&o);
            return -1;
        }
        if (!o.ok) {
            tls_outcome_free(&o);
            break;
        }
        const char *picked = SSL_CIPHER_get_name(o.cipher);
        found[count++] = o.cipher;
        tls_outcome_free(&o);
        size_t k = 0;
        for (size_t i = 0; i < nleft; i++)
            if (strcmp(left[i], picked) != 0)
                left[k++] = left[i];
        if (k == nleft)
            break; /* it picked a suite we did not offer: stop rather than loop */
        nleft = k;
    }
    return count;
}

static void run_ciphers(struct probe_ctx *ctx)
{
    if (!needs_tls(ctx))
        return;
    static const char *const class_names[] = {
        [SUITE_WEAK] = "weak (NULL, anonymous, RC4, DES/3DES, EXPORT or MD5)",
        [SUITE_NO_FS] = "without forward secrecy",
        [SUITE_NOT_AEAD] = "not AEAD (CBC)",
    };
    char bad[4][2048] = {{0}};
    int worst = SUITE_GOOD, total = 0;
    char label[400];
    for (int v = 0; v < NVERSIONS && !probe_should_stop(ctx); v++) {
        const SSL_CIPHER *found[MAX_SUITES];
        char err[256] = "";
        int n = enumerate(ctx, versions[v], found, MAX_SUITES, err, sizeof err);
        if (n < 0) {
            probe_set(ctx, PROBE_ERROR, "cannot connect: %s", err);
            return;
        }
        if (n == 0)
            continue;
        char names[4096];
        size_t w = 0;
        for (int i = 0; i < n && w < sizeof names; i++) {
            const char *nm = SSL_CIPHER_get_name(found[i]);
            w += (size_t)snprintf(names + w, sizeof names - w, "%s%s", i ? " " : "", nm);
            int c = classify(found[i]);
            if (c > worst)
                worst = c;
            size_t bl = strlen(bad[c]);
            if (c != SUITE_GOOD && !strstr(bad[c], nm) && bl + strlen(nm) + 2 < sizeof bad[c])
                snprintf(bad[c] + bl, sizeof bad[c] - bl, "%s%s", bl ? " " : "", nm);
        }
        total += n;
        char what[64];
        snprintf(what, sizeof what, "%s suites", tls_version_name(versions[v]));
        handshake_label(ctx, what, label, sizeof label);
        probe_evidence(ctx, label, 0, "accepted: %s", names);
    }
    for (int c = SUITE_WEAK; c > SUITE_GOOD; c--)
        if (bad[c][0]) {
            handshake_label(ctx, NULL, label, sizeof label);
            probe_evidence(ctx, label, 0, "%s: %s", class_names[c], bad[c]);
        }
    probe_evidence(ctx, NULL, 0,
                   "not tried: RC4, 3DES and EXPORT suites, which this OpenSSL build cannot "
                   "offer; a server accepting them is not detected by this probe");
    if (probe_should_stop(ctx))
        return;
    if (total == 0)
        probe_set(ctx, PROBE_ERROR, "no cipher suite could be negotiated");
    else if (worst >= SUITE_NO_FS)
        probe_set(ctx, PROBE_FAIL, "accepts suites %s%s%s",
                  bad[SUITE_WEAK][0] ? class_names[SUITE_WEAK] : "",
                  bad[SUITE_WEAK][0] && bad[SUITE_NO_FS][0] ? " and suites " : "",
                  bad[SUITE_NO_FS][0] ? class_names[SUITE_NO_FS] : "");
    else if (worst == SUITE_NOT_AEAD)
        probe_set(ctx, PROBE_WARN, "every suite has forward secrecy, but some are %s",
                  class_names[SUITE_NOT_AEAD]);
    else
        probe_set(ctx, PROBE_PASS, "%d suites accepted, all with forward secrecy and AEAD", total);
}

static void name_of(X509_NAME *n, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    buf[0] = '\0';
    if (!b)
        return;
    X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    int r = BIO_read(b, buf, (int)len - 1);
    buf[r > 0 ? r : 0] = '\0';
    BIO_free(b);
}

static void time_of(const ASN1_TIME *t, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    buf[0] = '\0';
    if (!b)
        return;
    ASN1_TIME_print(b, t);
    int r = BIO_read(b, buf, (int)len - 1);
    buf[r > 0 ? r : 0] = '\0';
    BIO_free(b);
}

enum { EXPIRY_WARN_DAYS = 30 };

/* Append "; "-separated text to buf. */
__attribute__((format(printf, 3, 4))) static void add_problem(char *buf, size_t len,
                                                              const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used && used + 2 < len) {
        strcpy(buf + used, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

static void run_cert(struct probe_ctx *ctx)
{
    if (!needs_tls(ctx))
        return;
    struct tls_attempt a = {0};
    struct tls_outcome o;
    char label[400];
    handshake_label(ctx, NULL, label, sizeof label);
    if (tls_try(ctx, &a, &o) != 0 || !o.cert) {
        probe_evidence(ctx, label, 0, "%s", o.error[0] ? o.error : "no certificate sent");
        probe_set(ctx, PROBE_ERROR, "no certificate to inspect: %s",
                  o.error[0] ? o.error : "the server sent none");
        tls_outcome_free(&o);
        return;
    }
    X509 *cert = o.cert;
    char problems[1024] = "";

    char subject[256], issuer[256], not_after[64], not_before[64];
    name_of(X509_get_subject_name(cert), subject, sizeof subject);
    name_of(X509_get_issuer_name(cert), issuer, sizeof issuer);
    time_of(X509_get0_notAfter(cert), not_after, sizeof not_after);
    time_of(X509_get0_notBefore(cert), not_before, sizeof not_before);

    int expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
    if (expired)
        add_problem(problems, sizeof problems, "expired on %s", not_after);
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
        add_problem(problems, sizeof problems, "not valid before %s", not_before);
    long vr = o.verify_result;
    if (vr != X509_V_OK && vr != X509_V_ERR_CERT_HAS_EXPIRED && vr != X509_V_ERR_CERT_NOT_YET_VALID)
        add_problem(problems, sizeof problems, "untrusted chain: %s",
                    X509_verify_cert_error_string(vr));
    const char *host = ctx->cfg->target.base.host;
    int host_ok =
        X509_check_host(cert, host, 0, 0, NULL) == 1 || X509_check_ip_asc(cert, host, 0) == 1;
    if (!host_ok)
        add_problem(problems, sizeof problems, "not valid for %s", host);
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    int bits = pk ? EVP_PKEY_get_bits(pk) : 0;
    int kt = pk ? EVP_PKEY_get_base_id(pk) : 0;
    const char *kname = kt == EVP_PKEY_RSA       ? "RSA"
                        : kt == EVP_PKEY_EC      ? "EC"
                        : kt == EVP_PKEY_DSA     ? "DSA"
                        : kt == EVP_PKEY_ED25519 ? "Ed25519"
                                                 : "other";
    if (((kt == EVP_PKEY_RSA || kt == EVP_PKEY_DSA) && bits < 2048) ||
        (kt == EVP_PKEY_EC && bits < 256))
        add_problem(problems, sizeof problems,
                    "%s key of %d bits is too small (RSA needs 2048, EC 256)", kname, bits);
    int sig = X509_get_signature_nid(cert);
    if (sig == NID_md5WithRSAEncryption || sig == NID_sha1WithRSAEncryption ||
        sig == NID_ecdsa_with_SHA1)
        add_problem(problems, sizeof problems, "signed with %s", OBJ_nid2sn(sig));
    int days = 0, secs = 0;
    ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert));
    probe_evidence(ctx, label, 0,
                   "subject %s; issuer %s; valid %s to %s (%d days left); key %s %d bits; "
                   "signature %s; chain: %s",
                   subject, issuer, not_before, not_after, days, kname, bits, OBJ_nid2sn(sig),
                   X509_verify_cert_error_string(vr));
    if (problems[0])
        probe_set(ctx, PROBE_FAIL, "certificate %s", problems);
    else if (days < EXPIRY_WARN_DAYS)
        probe_set(ctx, PROBE_WARN, "certificate expires in %d days (%s)", days, not_after);
    else
        probe_set(ctx, PROBE_PASS, "trusted, valid for %s, %d days left, %s %d bits", host, days,
                  kname, bits);
    tls_outcome_free(&o);
}

const struct probe probe_s_tls_versions = {
    .id = "S-TLS-VERSIONS",
    .group = GROUP_S,
    .title = "TLS protocol versions",
    .severity = SEV_HIGH,
    .rationale = "TLS 1.0 and 1.1 (and SSL 3.0) have known attacks and are deprecated; PCI DSS "
                 "forbids them for card data.",
    .remediation = "Accept only TLS 1.2 and 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;).",
    .references = "https://www.rfc-editor.org/rfc/rfc8996 "
                  "https://ssl-config.mozilla.org/",
    .run = run_versions,
};

const struct probe probe_s_tls_ciphers = {
    .id = "S-TLS-CIPHERS",
    .group = GROUP_S,
    .title = "TLS cipher suites: no weak suites, forward secrecy, AEAD",
    .severity = SEV_HIGH,
    .rationale = "Weak suites can be broken; without forward secrecy a stolen key decrypts "
                 "recorded traffic; CBC suites have a history of padding-oracle attacks.",
    .remediation = "Offer only ECDHE/DHE suites with AES-GCM or ChaCha20-Poly1305 (Mozilla "
                   "intermediate), and the TLS 1.3 defaults.",
    .references = "https://ssl-config.mozilla.org/ "
                  "https://wiki.mozilla.org/Security/Server_Side_TLS",
    .run = run_ciphers,
};

const struct probe probe_s_tls_cert = {
    .id = "S-TLS-CERT",
    .group = GROUP_S,
    .title = "Certificate: validity, hostname, chain, expiry, key size",
    .severity = SEV_CRITICAL,
    .rationale = "Browsers refuse an expired, untrusted or mismatched certificate outright: the "
                 "store is down for shoppers. Small keys and SHA-1 signatures are forgeable.",
    .remediation = "Serve a certificate from a trusted CA for the store's host with its full "
                   "chain, RSA >= 2048 or EC >= 256 bits, and renew automatically well before "
                   "expiry (ACME).",
    .references = "https://cabforum.org/baseline-requirements/ "
                  "https://www.rfc-editor.org/rfc/rfc6125",
    .run = run_cert,
};
