/* S group, transport layer: protocol versions, cipher suites, the certificate. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "probes/catalog.h"
#include "probes/conn_gate.h"
#include "probes/tls.h"
#include "probes/tls_hello.h"
#include "probes/tls_probe.h"
#include "probes/tls_scan.h"
#include "probes/tls_scan_pool.h"
#include "probes/tls_suites.h"

/* "TLS handshake 127.0.0.1:8443 (TLS 1.0 only)" */
void handshake_label(struct probe_ctx *ctx, const char *what, char *buf, size_t len)
{
    const struct url *u = &ctx->cfg->target.base;
    snprintf(buf, len, "TLS handshake %s%s%s:%u%s%s%s", u->ipv6 ? "[" : "", u->host,
             u->ipv6 ? "]" : "", u->port, what ? " (" : "", what ? what : "", what ? ")" : "");
}

int needs_tls(struct probe_ctx *ctx)
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

/* The handshake scanner aimed at the target, under the probe's deadline, holding one slot of
 * the connection gate (it opens one connection at a time). 0, or -1 with err. */
int scan_begin(struct probe_ctx *ctx, struct tls_scan *s, char *err, size_t errlen)
{
    const struct target *t = &ctx->cfg->target;
    *s = (struct tls_scan){
        .host = t->base.host,
        .port = t->base.port,
        .sni = tls_host_is_ip(t->base.host) ? NULL : t->base.host,
        .deadline_ms = ctx->deadline_ms,
        .timeout_ms = t->timeout_ms,
        .cancel = ctx->cancelled,
        .started_ms = probe_now_ms(),
    };
    return conn_gate_take_socket(ctx, t->base.host, ctx->deadline_ms, err, errlen) ? 0 : -1;
}

/* Give back the host's slots the scan held and say what it cost: its connections, its time and
 * the most it had open at once. */
void scan_end(struct probe_ctx *ctx, struct tls_scan *s, unsigned slots, unsigned at_once)
{
    conn_gate_give(ctx->cfg->target.base.host, slots);
    char label[400];
    handshake_label(ctx, "handshake scanner", label, sizeof label);
    probe_evidence(ctx, label, 0, "%u connections, %llu ms, at most %u at once", s->connections,
                   (unsigned long long)(probe_now_ms() - s->started_ms), at_once);
}

/* SSL 2.0 and SSL 3.0, which OpenSSL 3 cannot offer, by hand-written hellos. Sets accepted[0]
 * and accepted[1]. */
static void scan_old_versions(struct probe_ctx *ctx, int accepted[2])
{
    char label[400], err[256], why[128];
    struct tls_scan s;
    if (scan_begin(ctx, &s, err, sizeof err) != 0) {
        handshake_label(ctx, "SSL 2.0 and SSL 3.0", label, sizeof label);
        probe_evidence(ctx, label, 0, "not tried: %s", err);
        return;
    }
    struct tls_reply r;
    tls_scan_sslv2(&s, &r);
    accepted[0] = r.kind == TLS_REPLY_HELLO && r.version == TLS_WIRE_SSL2;
    handshake_label(ctx, "SSL 2.0 only", label, sizeof label);
    if (accepted[0]) {
        char kinds[512] = "";
        size_t w = 0, n = r.sslv2_nkinds < 8 ? r.sslv2_nkinds : 8;
        for (size_t i = 0; i < n && w < sizeof kinds; i++)
            w += (size_t)snprintf(kinds + w, sizeof kinds - w, "%s%s", i ? " " : "",
                                  tls_sslv2_kind_name(r.sslv2_kinds[i]));
        probe_evidence(ctx, label, 0, "accepted, %zu cipher kinds: %s", r.sslv2_nkinds, kinds);
    } else {
        tls_reply_describe(&r, why, sizeof why);
        probe_evidence(ctx, label, 0, "refused: %s", why);
    }
    tls_scan_offer(&s, TLS_WIRE_SSL3, &r);
    accepted[1] = r.kind == TLS_REPLY_HELLO && r.version == TLS_WIRE_SSL3;
    handshake_label(ctx, "SSL 3.0 only", label, sizeof label);
    if (accepted[1]) {
        const struct tls_suite *su = tls_suite_find(r.suite);
        probe_evidence(ctx, label, 0, "accepted, cipher %s", su ? su->name : "unknown");
    } else {
        tls_reply_describe(&r, why, sizeof why);
        probe_evidence(ctx, label, 0, "refused: %s", why);
    }
    scan_end(ctx, &s, 1, 1);
}

/* "A", "A and B", "A, B and C" of the names whose flag is set. */
static void join_names(const char *const *names, const int *set, int n, char *buf, size_t len)
{
    int total = 0, done = 0;
    for (int i = 0; i < n; i++)
        total += set[i] != 0;
    size_t w = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && w < len; i++) {
        if (!set[i])
            continue;
        const char *sep = done == 0 ? "" : done == total - 1 ? " and " : ", ";
        w += (size_t)snprintf(buf + w, len - w, "%s%s", sep, names[i]);
        done++;
    }
}

static void run_versions(struct probe_ctx *ctx)
{
    if (!needs_tls(ctx))
        return;
    char label[400];
    int old[2] = {0};
    scan_old_versions(ctx, old);
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
    static const char *const deprecated_names[] = {"SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1"};
    const int deprecated[] = {old[0], old[1], accepted[0], accepted[1]};
    char list[128];
    join_names(deprecated_names, deprecated, 4, list, sizeof list);
    if (list[0]) {
        probe_set(ctx, PROBE_FAIL, "accepts %s: %s", list,
                  old[0] || old[1] ? "SSL is broken (RFC 6176, RFC 7568) and TLS below 1.2 is "
                                     "deprecated (RFC 8996)"
                                   : "TLS below 1.2 is deprecated (RFC 8996)");
    } else if (!accepted[2] && !accepted[3]) {
        probe_set(ctx, PROBE_ERROR, "no TLS version could be negotiated");
    } else {
        probe_set(ctx, PROBE_PASS, "only %s%s%s", accepted[2] ? "TLS 1.2" : "",
                  accepted[2] && accepted[3] ? " and " : "", accepted[3] ? "TLS 1.3" : "");
    }
}

/* What is wrong with a suite: the weak classes first, then forward secrecy, then AEAD. */
enum suite_class { SUITE_GOOD, SUITE_NOT_AEAD, SUITE_NO_FS, SUITE_WEAK };

static enum suite_class classify(const struct tls_suite *s)
{
    if (s->flags & SUITE_WEAK_FLAGS)
        return SUITE_WEAK;
    if (!(s->flags & SUITE_FS))
        return SUITE_NO_FS;
    if (!(s->flags & SUITE_AEAD))
        return SUITE_NOT_AEAD;
    return SUITE_GOOD;
}

static const char *const tls13_suites[] = {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                           "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256",
                                           "TLS_AES_128_CCM_8_SHA256"};
enum { NTLS13 = sizeof tls13_suites / sizeof *tls13_suites };

/* Every TLS 1.3 suite the server accepts, with OpenSSL: offer all, note the one it picks,
 * offer the rest again, until the handshake fails. Returns how many went into found (names
 * of tls13_suites); -1 when the server could not be reached at all. */
static int enumerate_tls13(struct probe_ctx *ctx, const char **found, char *err, size_t errlen)
{
    const char *left[NTLS13];
    size_t nleft = NTLS13;
    memcpy(left, tls13_suites, sizeof left);
    int count = 0;
    while (nleft && !probe_should_stop(ctx)) {
        char list[512];
        size_t w = 0;
        for (size_t i = 0; i < nleft && w < sizeof list; i++)
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? ":" : "", left[i]);
        struct tls_attempt a = {.version = TLS1_3_VERSION, .ciphersuites = list};
        struct tls_outcome o;
        tls_try(ctx, &a, &o);
        if (!o.connected && count == 0) {
            snprintf(err, errlen, "%s", o.error);
            tls_outcome_free(&o);
            return -1;
        }
        const char *picked = o.ok ? SSL_CIPHER_get_name(o.cipher) : NULL;
        tls_outcome_free(&o);
        size_t k = 0;
        for (size_t i = 0; i < nleft; i++)
            if (!picked || strcmp(left[i], picked) != 0)
                left[k++] = left[i];
            else
                found[count++] = left[i];
        if (k == nleft)
            break; /* refused, or it picked a suite we did not offer */
        nleft = k;
    }
    return count;
}

/* The suites found so far by class, for the verdict. */
struct suite_tally {
    char bad[4][2048];
    int worst, total;
};

static void tally(struct suite_tally *t, const char *name, const char *why, enum suite_class c)
{
    if ((int)c > t->worst)
        t->worst = c;
    char entry[128];
    snprintf(entry, sizeof entry, "%s%s%s%s", name, why[0] ? " (" : "", why, why[0] ? ")" : "");
    size_t bl = strlen(t->bad[c]);
    if (c != SUITE_GOOD && !strstr(t->bad[c], entry) && bl + strlen(entry) + 2 < sizeof t->bad[c])
        snprintf(t->bad[c] + bl, sizeof t->bad[c] - bl, "%s%s", bl ? " " : "", entry);
}

/* Hellos S-TLS-CIPHERS sends side by side when the host's slots allow (audit.
 * max_connections_per_host, 6 by default, is shared with the other probes). */
enum { SUITE_SCAN_IN_FLIGHT = 4 };

/* Up to want more of the target host's slots, without waiting (the pool's take). */
unsigned take_slots(void *arg, unsigned want)
{
    struct probe_ctx *ctx = arg;
    return conn_gate_take(ctx->cfg->target.base.host, ctx->cfg->audit.max_connections_per_host,
                          want, 0, ctx->deadline_ms, ctx->cancelled);
}

/* SSL 3.0 and TLS 1.0-1.2 with the handshake scanner, every suite of the table. 0, or -1 when
 * the server could not be reached (err). */

static int scan_suites(struct probe_ctx *ctx, struct suite_tally *t, char *err, size_t errlen)
{
    static const uint16_t wire[] = {TLS_WIRE_SSL3, TLS_WIRE_TLS10, TLS_WIRE_TLS11,
                                    TLS_WIRE_TLS12};
    struct tls_scan s;
    if (scan_begin(ctx, &s, err, errlen) != 0)
        return -1;
    /* More of the host's slots as they come free, for hellos sent side by side. */
    struct tls_scan_pool pool = {
        .held = 1, .most = SUITE_SCAN_IN_FLIGHT, .take = take_slots, .arg = ctx};
    struct tls_version_result found[sizeof wire / sizeof *wire];
    tls_scan_pool_versions(&s, &pool, wire, sizeof wire / sizeof *wire, found);
    int rc = 0;
    for (size_t i = 0; i < sizeof wire / sizeof *wire; i++) {
        const struct tls_version_result *v = &found[i];
        if (v->first.kind == TLS_REPLY_CONNECT && i == 0) {
            snprintf(err, errlen, "cannot connect to %s:%u", s.host, s.port);
            rc = -1;
            break;
        }
        char names[4096], label[400], what[64];
        snprintf(what, sizeof what, "%s suites", tls_wire_version_name(wire[i]));
        handshake_label(ctx, what, label, sizeof label);
        if (!v->offered) {
            char why[128];
            tls_reply_describe(&v->first, why, sizeof why);
            probe_evidence(ctx, label, 0, "not offered: %s", why);
            continue;
        }
        size_t w = 0;
        for (size_t k = 0; k < v->nsuites && w < sizeof names; k++) {
            const struct tls_suite *su = tls_suite_find(v->suites[k]);
            char why[64];
            tls_suite_weakness(su, why, sizeof why);
            w += (size_t)snprintf(names + w, sizeof names - w, "%s%s", k ? " " : "", su->name);
            tally(t, su->name, why, classify(su));
        }
        t->total += (int)v->nsuites;
        char stop[128];
        tls_reply_describe(&(struct tls_reply){.kind = v->stop}, stop, sizeof stop);
        probe_evidence(ctx, label, 0, "accepted (%s): %s; secure renegotiation: %s%s%s",
                       v->server_order == 1   ? "server's order"
                       : v->server_order == 0 ? "client's order"
                                              : "order not known",
                       names, v->secure_renegotiation ? "yes" : "no",
                       v->stop == TLS_REPLY_ALERT || v->stop == TLS_REPLY_CLOSED ? ""
                                                                                 : "; stopped: ",
                       v->stop == TLS_REPLY_ALERT || v->stop == TLS_REPLY_CLOSED ? "" : stop);
    }
    scan_end(ctx, &s, pool.held, pool.peak);
    return rc;
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
    struct suite_tally t = {.worst = SUITE_GOOD};
    char label[400], err[256] = "";
    if (scan_suites(ctx, &t, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_ERROR, "cannot connect: %s", err);
        return;
    }
    const char *found[NTLS13];
    int n = probe_should_stop(ctx) ? 0 : enumerate_tls13(ctx, found, err, sizeof err);
    if (n > 0) {
        char names[512];
        size_t w = 0;
        for (int i = 0; i < n && w < sizeof names; i++)
            w += (size_t)snprintf(names + w, sizeof names - w, "%s%s", i ? " " : "", found[i]);
        t.total += n; /* every TLS 1.3 suite is forward secret and AEAD */
        handshake_label(ctx, "TLS 1.3 suites", label, sizeof label);
        probe_evidence(ctx, label, 0, "accepted: %s", names);
    }
    for (int c = SUITE_WEAK; c > SUITE_GOOD; c--)
        if (t.bad[c][0]) {
            handshake_label(ctx, NULL, label, sizeof label);
            probe_evidence(ctx, label, 0, "%s: %s", class_names[c], t.bad[c]);
        }
    if (probe_should_stop(ctx))
        return;
    if (t.total == 0)
        probe_set(ctx, PROBE_ERROR, "no cipher suite could be negotiated");
    else if (t.worst >= SUITE_NO_FS)
        probe_set(ctx, PROBE_FAIL, "accepts suites %s%s%s%s%s",
                  t.bad[SUITE_WEAK][0] ? class_names[SUITE_WEAK] : "",
                  t.bad[SUITE_WEAK][0] ? ": " : "", t.bad[SUITE_WEAK],
                  t.bad[SUITE_WEAK][0] && t.bad[SUITE_NO_FS][0] ? "; and suites " : "",
                  t.bad[SUITE_NO_FS][0] ? class_names[SUITE_NO_FS] : "");
    else if (t.worst == SUITE_NOT_AEAD)
        probe_set(ctx, PROBE_WARN, "every suite has forward secrecy, but some are %s",
                  class_names[SUITE_NOT_AEAD]);
    else
        probe_set(ctx, PROBE_PASS, "%d suites accepted, all with forward secrecy and AEAD",
                  t.total);
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
