/*
 * What the vulnerability probes add to the handshake scanner, without a network: the hello's
 * extra offers (DEFLATE, TLS_FALLBACK_SCSV, heartbeat, a chosen group) byte for byte; the
 * flight parser on OpenSSL's own server answers over memory BIOs (its DHE prime size, ECDHE
 * curve and leaf certificate read back as configured, SCSV and DEFLATE answered as OpenSSL
 * does) and on hand-made flights (split records, every prefix, each error class); the
 * after-flight record parser on a heartbeat answer cut short, alerts and garbage.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "probes/tls_flight.h"
#include "probes/tls_hello.h"
#include "probes/tls_reply.h"
#include "tests/support/check.h"

static int find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return (int)i;
    return -1;
}

static void test_hello_offers(void)
{
    static const uint16_t suites[] = {0xc02f};
    static const uint16_t group[] = {0x0018};
    struct tls_hello h = {.version = TLS_WIRE_TLS11,
                          .suites = suites,
                          .nsuites = 1,
                          .extensions = 1,
                          .fallback_scsv = 1,
                          .deflate = 1,
                          .heartbeat = 1,
                          .groups = group,
                          .ngroups = 1};
    uint8_t out[512];
    size_t n = tls_hello_build(&h, out, sizeof out);
    CHECK(n > 0);
    /* Suites: the one offered, then TLS_FALLBACK_SCSV; compression: DEFLATE, then null. */
    static const uint8_t tail[] = {0x00, 0x04, 0xc0, 0x2f, 0x56, 0x00, 0x02, 0x01, 0x00};
    CHECK_INT_EQ(find(out, n, tail, sizeof tail), 5 + 4 + 2 + 32 + 1);
    static const uint8_t hb[] = {0x00, 0x0f, 0x00, 0x01, 0x01};
    CHECK(find(out, n, hb, sizeof hb) > 0);
    static const uint8_t groups[] = {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x18};
    CHECK(find(out, n, groups, sizeof groups) > 0);
    /* Without the options: none of them. */
    struct tls_hello plain = {
        .version = TLS_WIRE_TLS11, .suites = suites, .nsuites = 1, .extensions = 1};
    n = tls_hello_build(&plain, out, sizeof out);
    static const uint8_t plain_tail[] = {0x00, 0x02, 0xc0, 0x2f, 0x01, 0x00};
    CHECK_INT_EQ(find(out, n, plain_tail, sizeof plain_tail), 5 + 4 + 2 + 32 + 1);
    CHECK(find(out, n, hb, sizeof hb) < 0);
}

/* OpenSSL as the server over memory BIOs: everything it writes back to hello. */
static size_t served(SSL_CTX *sctx, const uint8_t *hello, size_t n, uint8_t *out, size_t cap)
{
    SSL *ssl = SSL_new(sctx);
    BIO *in = BIO_new(BIO_s_mem()), *wr = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, wr);
    BIO_write(in, hello, (int)n);
    SSL_accept(ssl);
    size_t len = 0;
    int got;
    while (len < cap && (got = BIO_read(wr, out + len, (int)(cap - len))) > 0)
        len += (size_t)got;
    SSL_free(ssl);
    ERR_clear_error();
    return len;
}

static SSL_CTX *server_ctx(const char *ciphers)
{
    const char *build = getenv("STORECHECK_BUILD_DIR");
    CHECK(build != NULL);
    char cert[1024], key[1024];
    snprintf(cert, sizeof cert, "%s/tests/probes/certs/server.pem", build ? build : ".");
    snprintf(key, sizeof key, "%s/tests/probes/certs/server.key", build ? build : ".");
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    CHECK(SSL_CTX_use_certificate_chain_file(sctx, cert) == 1);
    CHECK(SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) == 1);
    SSL_CTX_set_min_proto_version(sctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
    SSL_CTX_set_security_level(sctx, 0);
    CHECK(SSL_CTX_set_cipher_list(sctx, ciphers) == 1);
    return sctx;
}

static void test_flight_openssl(void)
{
    static const uint16_t dhe[] = {0x009e}; /* DHE-RSA-AES128-GCM-SHA256 */
    static const uint16_t ecdhe[] = {0xc02f};
    static const uint16_t p384[] = {0x0018};
    static uint8_t hello[1024], ans[TLS_FLIGHT_MAX_BYTES];
    struct tls_flight f;

    /* DHE with the automatic group: 2048 bits for a 2048-bit RSA key. */
    SSL_CTX *sctx = server_ctx("DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");
    SSL_CTX_set_dh_auto(sctx, 1);
    struct tls_hello h = {.version = TLS_WIRE_TLS12,
                          .suites = dhe,
                          .nsuites = 1,
                          .reneg = TLS_RENEG_EXTENSION,
                          .extensions = 1,
                          .groups = p384,
                          .ngroups = 1};
    size_t n = tls_hello_build(&h, hello, sizeof hello);
    size_t m = served(sctx, hello, n, ans, sizeof ans);
    CHECK_INT_EQ(tls_flight_parse(ans, m, &f), TLS_REPLY_HELLO);
    CHECK_INT_EQ(f.hello.suite, 0x009e);
    CHECK(f.key_exchange);
    CHECK_INT_EQ(f.dh_bits, 2048);
    CHECK_INT_EQ(f.used, m);
    CHECK(!f.hello.heartbeat); /* OpenSSL 3 has no heartbeat */
    /* The leaf as sent: the certificate the server was given. */
    const unsigned char *der = f.leaf;
    X509 *leaf = d2i_X509(NULL, &der, (long)f.leaf_len);
    CHECK(leaf != NULL && X509_cmp(leaf, SSL_CTX_get0_certificate(sctx)) == 0);
    X509_free(leaf);
    /* Every prefix needs more. */
    for (size_t k = 0; k < m; k += 7)
        CHECK_INT_EQ(tls_flight_parse(ans, k, &f), TLS_REPLY_MORE);

    /* ECDHE with only secp384r1 offered: that curve in the ServerKeyExchange. */
    h.suites = ecdhe;
    h.heartbeat = 1;
    h.deflate = 1;
    n = tls_hello_build(&h, hello, sizeof hello);
    m = served(sctx, hello, n, ans, sizeof ans);
    CHECK_INT_EQ(tls_flight_parse(ans, m, &f), TLS_REPLY_HELLO);
    CHECK_INT_EQ(f.curve, 0x0018);
    CHECK_INT_EQ(f.dh_bits, 0);
    CHECK_INT_EQ(f.hello.compression, 0); /* DEFLATE offered, null chosen */

    /* TLS 1.1 with TLS_FALLBACK_SCSV to a server of TLS 1.2: inappropriate_fallback. */
    h.version = TLS_WIRE_TLS11;
    h.suites = (const uint16_t[]){0xc013};
    h.fallback_scsv = 1;
    n = tls_hello_build(&h, hello, sizeof hello);
    SSL_CTX_free(sctx);
    sctx = server_ctx("ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256");
    m = served(sctx, hello, n, ans, sizeof ans);
    CHECK_INT_EQ(tls_flight_parse(ans, m, &f), TLS_REPLY_ALERT);
    CHECK_INT_EQ(f.hello.alert, 86);
    char why[80];
    tls_flight_describe(&f, why, sizeof why);
    CHECK_STR_EQ(why, "alert inappropriate fallback (86)");
    SSL_CTX_free(sctx);
}

/* Append a record of type with body into buf at *w. */
static void put_record(uint8_t *buf, size_t *w, uint8_t type, const uint8_t *body, size_t n)
{
    uint8_t head[5] = {type, 3, 3, (uint8_t)(n >> 8), (uint8_t)n};
    memcpy(buf + *w, head, 5);
    memcpy(buf + *w + 5, body, n);
    *w += 5 + n;
}

/* ServerHello (DHE-RSA-AES128-GCM-SHA256), a ServerKeyExchange with a p of pbytes bytes, and
 * ServerHelloDone, as handshake messages (no record headers). */
static size_t dhe_messages(uint8_t *out, size_t pbytes)
{
    size_t w = 0;
    static const uint8_t sh[] = {2, 0, 0, 38, 3, 3};
    memcpy(out, sh, sizeof sh);
    w = sizeof sh;
    memset(out + w, 0, 32);
    w += 32;
    out[w++] = 0;    /* session id */
    out[w++] = 0x00; /* suite 0x009e */
    out[w++] = 0x9e;
    out[w++] = 0; /* compression */
    size_t ske = 2 + pbytes + 3;
    out[w++] = 12;
    out[w++] = 0;
    out[w++] = (uint8_t)(ske >> 8);
    out[w++] = (uint8_t)ske;
    out[w++] = (uint8_t)(pbytes >> 8);
    out[w++] = (uint8_t)pbytes;
    if (pbytes) {
        out[w++] = 0x00; /* a leading zero byte does not count */
        memset(out + w, 0xff, pbytes - 1);
        w += pbytes - 1;
    }
    out[w++] = 0;
    out[w++] = 1;
    out[w++] = 2; /* g */
    static const uint8_t done[] = {14, 0, 0, 0};
    memcpy(out + w, done, sizeof done);
    return w + sizeof done;
}

static void test_flight_constructed(void)
{
    static uint8_t msgs[4096], buf[8192];
    struct tls_flight f;
    size_t n = dhe_messages(msgs, 129), w = 0;
    put_record(buf, &w, 22, msgs, n);
    CHECK_INT_EQ(tls_flight_parse(buf, w, &f), TLS_REPLY_HELLO);
    CHECK_INT_EQ(f.dh_bits, 1024);
    CHECK_INT_EQ(f.used, w);

    /* The same messages cut into 100-byte records: a message spans records. */
    w = 0;
    for (size_t at = 0; at < n; at += 100)
        put_record(buf, &w, 22, msgs + at, n - at < 100 ? n - at : 100);
    size_t whole = w;
    static const uint8_t alert_rec[] = {2, 80};
    put_record(buf, &w, 21, alert_rec, sizeof alert_rec); /* what follows the flight */
    CHECK_INT_EQ(tls_flight_parse(buf, w, &f), TLS_REPLY_HELLO);
    CHECK_INT_EQ(f.dh_bits, 1024);
    CHECK_INT_EQ(f.used, whole);
    for (size_t k = 0; k < whole; k++)
        CHECK_INT_EQ(tls_flight_parse(buf, k, &f), TLS_REPLY_MORE);
    struct tls_after a;
    CHECK_INT_EQ(tls_after_parse(buf + f.used, w - f.used, &a), TLS_AFTER_ALERT);
    CHECK_INT_EQ(a.alert, 80);

    /* An alert in the middle of the flight. */
    w = 0;
    put_record(buf, &w, 22, msgs, 42); /* the ServerHello only */
    put_record(buf, &w, 21, alert_rec, sizeof alert_rec);
    CHECK_INT_EQ(tls_flight_parse(buf, w, &f), TLS_REPLY_ALERT);
    char why[80];
    tls_flight_describe(&f, why, sizeof why);
    CHECK_STR_EQ(why, "alert internal error (80)");
    /* Application data, garbage, an oversized record, an oversized message, a second
     * ServerHello, a message out of place. */
    w = 42 + 5;
    buf[w] = 23;
    CHECK_INT_EQ(tls_flight_parse(buf, w + 7, &f), TLS_REPLY_UNEXPECTED);
    memcpy(buf + w, "HTTP/1.1 400", 12);
    CHECK_INT_EQ(tls_flight_parse(buf, w + 12, &f), TLS_REPLY_GARBAGE);
    static const uint8_t huge[] = {22, 3, 3, 0xff, 0xff};
    memcpy(buf + w, huge, sizeof huge);
    CHECK_INT_EQ(tls_flight_parse(buf, w + 5, &f), TLS_REPLY_OVERSIZE);
    static const uint8_t huge_msg[] = {22, 3, 3, 0, 4, 11, 0x7f, 0xff, 0xff};
    memcpy(buf + w, huge_msg, sizeof huge_msg);
    CHECK_INT_EQ(tls_flight_parse(buf, w + sizeof huge_msg, &f), TLS_REPLY_OVERSIZE);
    w = 0;
    put_record(buf, &w, 22, msgs, 42);
    put_record(buf, &w, 22, msgs, 42);
    CHECK_INT_EQ(tls_flight_parse(buf, w, &f), TLS_REPLY_UNEXPECTED);
    static const uint8_t finished[] = {20, 0, 0, 0};
    w = 0;
    put_record(buf, &w, 22, msgs, 42);
    put_record(buf, &w, 22, finished, sizeof finished);
    CHECK_INT_EQ(tls_flight_parse(buf, w, &f), TLS_REPLY_UNEXPECTED);
    /* A ServerKeyExchange with an empty prime. */
    n = dhe_messages(msgs, 0);
    w = 0;
    put_record(buf, &w, 22, msgs, n);
    CHECK_INT_EQ(tls_flight_parse(buf, w, &f), TLS_REPLY_MALFORMED);
}

static void test_after(void)
{
    struct tls_after a;
    char why[128];
    /* A heartbeat answer cut short: judged on its header, the 16 KiB need not arrive. */
    static const uint8_t hb[] = {24, 3, 3, 0x40, 0x13, 2, 0x40, 0x00, 0x42, 0x42};
    CHECK_INT_EQ(tls_after_parse(hb, sizeof hb, &a), TLS_AFTER_HEARTBEAT);
    CHECK_INT_EQ(a.heartbeat_type, 2);
    CHECK_INT_EQ(a.heartbeat_payload, 16384);
    tls_after_describe(&a, why, sizeof why);
    CHECK_STR_EQ(why, "heartbeat response claiming 16384 payload bytes in a 16403-byte record");
    CHECK_INT_EQ(tls_after_parse(hb, 7, &a), TLS_AFTER_MORE);
    /* Handshake records first are skipped; then the alert. */
    static const uint8_t hs_then_alert[] = {22, 3, 3, 0, 1, 0, 21, 3, 3, 0, 2, 2, 21};
    CHECK_INT_EQ(tls_after_parse(hs_then_alert, sizeof hs_then_alert, &a), TLS_AFTER_ALERT);
    CHECK_INT_EQ(a.alert, 21);
    tls_after_describe(&a, why, sizeof why);
    CHECK_STR_EQ(why, "alert decryption failed (21)");
    static const uint8_t ccs[] = {20, 3, 3, 0, 1, 1};
    CHECK_INT_EQ(tls_after_parse(ccs, sizeof ccs, &a), TLS_AFTER_OTHER);
    static const uint8_t garbage[] = "garbage!";
    CHECK_INT_EQ(tls_after_parse(garbage, sizeof garbage - 1, &a), TLS_AFTER_GARBAGE);
    static const uint8_t huge[] = {21, 3, 3, 0xff, 0xff};
    CHECK_INT_EQ(tls_after_parse(huge, sizeof huge, &a), TLS_AFTER_OVERSIZE);
    CHECK_INT_EQ(tls_after_parse(huge, 0, &a), TLS_AFTER_MORE);
}

int main(void)
{
    RUN(test_hello_offers);
    RUN(test_flight_openssl);
    RUN(test_flight_constructed);
    RUN(test_after);
    return check_summary();
}
