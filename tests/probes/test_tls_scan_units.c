/*
 * The handshake scanner's pure parts: the ClientHello builder byte for byte on a known input,
 * its hellos answered by OpenSSL's own server over memory BIOs (no network) and read back by
 * the reply parser, the parser on hand-made answers (split records, alerts, SSL 2.0, every
 * error class), and the suite table's order and flags.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "probes/tls_hello.h"
#include "probes/tls_reply.h"
#include "probes/tls_suites.h"
#include "tests/support/check.h"

static void test_hello_bytes(void)
{
    static const uint16_t suites[] = {0x002f, 0xc02f};
    struct tls_hello h = {.version = TLS_WIRE_TLS12, .suites = suites, .nsuites = 2,
                          .reneg = TLS_RENEG_SCSV};
    for (int i = 0; i < 32; i++)
        h.random[i] = (uint8_t)i;
    uint8_t want[54] = {0x16, 0x03, 0x01, 0x00, 0x31, 0x01, 0x00, 0x00, 0x2d, 0x03, 0x03};
    for (int i = 0; i < 32; i++)
        want[11 + i] = (uint8_t)i;
    static const uint8_t tail[] = {0x00, 0x00, 0x06, 0x00, 0x2f, 0xc0,
                                   0x2f, 0x00, 0xff, 0x01, 0x00};
    memcpy(want + 43, tail, sizeof tail);
    uint8_t out[256];
    size_t n = tls_hello_build(&h, out, sizeof out);
    CHECK_INT_EQ(n, sizeof want);
    CHECK(memcmp(out, want, sizeof want) == 0);
    /* Too small a buffer, at every size: 0, never a write past cap. */
    for (size_t cap = 0; cap < sizeof want; cap++)
        CHECK_INT_EQ(tls_hello_build(&h, out, cap), 0);
    h.version = 0x0200;
    CHECK_INT_EQ(tls_hello_build(&h, out, sizeof out), 0);
}

static int find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return (int)i;
    return -1;
}

static void test_hello_extensions(void)
{
    static const uint16_t suites[] = {0xc02f};
    struct tls_hello h = {.version = TLS_WIRE_TLS12, .suites = suites, .nsuites = 1,
                          .sni = "shop.test", .reneg = TLS_RENEG_EXTENSION, .extensions = 1};
    uint8_t out[512];
    size_t n = tls_hello_build(&h, out, sizeof out);
    CHECK(n > 60);
    CHECK_INT_EQ((out[3] << 8 | out[4]) + 5, n);
    static const uint8_t sni[] = {0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09,
                                  's',  'h',  'o',  'p',  '.',  't',  'e',  's',  't'};
    static const uint8_t reneg[] = {0xff, 0x01, 0x00, 0x01, 0x00};
    static const uint8_t sigalgs[] = {0x00, 0x0d, 0x00, 0x1c, 0x00, 0x1a, 0x04, 0x03};
    CHECK(find(out, n, sni, sizeof sni) > 0);
    CHECK(find(out, n, reneg, sizeof reneg) > 0);
    CHECK(find(out, n, sigalgs, sizeof sigalgs) > 0);
    /* No signature_algorithms below TLS 1.2, no extensions at all at SSL 3.0. */
    h.version = TLS_WIRE_TLS10;
    n = tls_hello_build(&h, out, sizeof out);
    CHECK(find(out, n, sigalgs, 4) < 0);
    CHECK(find(out, n, sni, sizeof sni) > 0);
    h.version = TLS_WIRE_SSL3;
    n = tls_hello_build(&h, out, sizeof out);
    CHECK_INT_EQ(out[2], 0x00); /* record version 3.0 */
    CHECK_INT_EQ(n, 5 + 4 + 2 + 32 + 1 + 2 + 2 + 2);
}

static void test_sslv2_hello(void)
{
    uint8_t challenge[16], out[64];
    memset(challenge, 0xab, sizeof challenge);
    size_t n = tls_hello_build_sslv2(challenge, out, sizeof out);
    CHECK_INT_EQ(n, 2 + 9 + 21 + 16);
    static const uint8_t head[] = {0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00,
                                   0x00, 0x10, 0x01, 0x00, 0x80};
    CHECK(memcmp(out, head, sizeof head) == 0);
    CHECK(memcmp(out + n - 16, challenge, 16) == 0);
    CHECK_INT_EQ(tls_hello_build_sslv2(challenge, out, 20), 0);
}

/* OpenSSL as the server: feed it hello, return what it writes back. */
static size_t openssl_answer(SSL_CTX *sctx, const uint8_t *hello, size_t n, uint8_t *out,
                             size_t cap)
{
    SSL *ssl = SSL_new(sctx);
    BIO *in = BIO_new(BIO_s_mem()), *wr = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, wr);
    BIO_write(in, hello, (int)n);
    SSL_accept(ssl);
    int got = BIO_read(wr, out, (int)cap);
    SSL_free(ssl);
    ERR_clear_error();
    return got > 0 ? (size_t)got : 0;
}

static void test_round_trip(void)
{
    const char *build = getenv("STORECHECK_BUILD_DIR");
    CHECK(build != NULL);
    if (!build)
        return;
    char cert[1024], key[1024];
    snprintf(cert, sizeof cert, "%s/tests/probes/certs/server.pem", build);
    snprintf(key, sizeof key, "%s/tests/probes/certs/server.key", build);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    CHECK(SSL_CTX_use_certificate_chain_file(sctx, cert) == 1);
    CHECK(SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) == 1);
    SSL_CTX_set_min_proto_version(sctx, TLS1_VERSION);
    SSL_CTX_set_security_level(sctx, 0);
    CHECK(SSL_CTX_set_cipher_list(sctx, "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:@SECLEVEL=0"));

    /* 3DES and RC4 first, which this OpenSSL server cannot pick, then two it can. */
    static const uint16_t suites[] = {0x000a, 0x0005, 0x0035, 0xc02f};
    struct tls_hello h = {.version = TLS_WIRE_TLS12, .suites = suites, .nsuites = 4,
                          .sni = "localhost", .reneg = TLS_RENEG_EXTENSION, .extensions = 1};
    uint8_t hello[1024], ans[16384];
    size_t n = tls_hello_build(&h, hello, sizeof hello);
    size_t m = openssl_answer(sctx, hello, n, ans, sizeof ans);
    struct tls_reply r;
    CHECK_INT_EQ(tls_reply_parse(ans, m, 0, &r), TLS_REPLY_HELLO);
    CHECK_INT_EQ(r.version, TLS_WIRE_TLS12);
    CHECK(r.suite == 0x0035 || r.suite == 0xc02f);
    CHECK_INT_EQ(r.compression, 0);
    CHECK(r.renegotiation_info);

    /* TLS 1.0: the GCM suite is not allowed, so AES256-SHA. */
    h.version = TLS_WIRE_TLS10;
    n = tls_hello_build(&h, hello, sizeof hello);
    m = openssl_answer(sctx, hello, n, ans, sizeof ans);
    CHECK_INT_EQ(tls_reply_parse(ans, m, 0, &r), TLS_REPLY_HELLO);
    CHECK_INT_EQ(r.version, TLS_WIRE_TLS10);
    CHECK_INT_EQ(r.suite, 0x0035);
    char why[64];
    tls_reply_describe(&r, why, sizeof why);
    CHECK_STR_EQ(why, "answered with TLS 1.0");

    /* Only suites it does not have: a handshake_failure alert. */
    h.nsuites = 2;
    h.version = TLS_WIRE_TLS12;
    n = tls_hello_build(&h, hello, sizeof hello);
    m = openssl_answer(sctx, hello, n, ans, sizeof ans);
    CHECK_INT_EQ(tls_reply_parse(ans, m, 0, &r), TLS_REPLY_ALERT);
    CHECK_INT_EQ(r.alert_level, 2);
    CHECK_INT_EQ(r.alert, 40);
    tls_reply_describe(&r, why, sizeof why);
    CHECK_STR_EQ(why, "alert handshake failure (40)");
    SSL_CTX_free(sctx);
}

/* A ServerHello record: version 3.3, zero random, 0-byte session id, suite, no compression,
 * then ext (ext_len bytes, already with its 2-byte length) */
static size_t server_hello(uint8_t *out, uint16_t suite, const uint8_t *ext, size_t ext_len)
{
    size_t body = 2 + 32 + 1 + 3 + ext_len;
    size_t w = 0;
    out[w++] = 22;
    out[w++] = 3;
    out[w++] = 3;
    out[w++] = (uint8_t)((body + 4) >> 8);
    out[w++] = (uint8_t)(body + 4);
    out[w++] = 2;
    out[w++] = 0;
    out[w++] = (uint8_t)(body >> 8);
    out[w++] = (uint8_t)body;
    out[w++] = 3;
    out[w++] = 3;
    memset(out + w, 0, 32);
    w += 32;
    out[w++] = 0;
    out[w++] = (uint8_t)(suite >> 8);
    out[w++] = (uint8_t)suite;
    out[w++] = 0;
    memcpy(out + w, ext, ext_len);
    return w + ext_len;
}

static void test_parser(void)
{
    struct tls_reply r;
    uint8_t buf[512];
    static const uint8_t ext[] = {0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00};
    size_t n = server_hello(buf, 0xc011, ext, sizeof ext);
    CHECK_INT_EQ(tls_reply_parse(buf, n, 0, &r), TLS_REPLY_HELLO);
    CHECK_INT_EQ(r.suite, 0xc011);
    CHECK(r.renegotiation_info);
    CHECK_INT_EQ(r.extensions, 1);
    /* Every prefix is incomplete, never an error. */
    for (size_t k = 0; k < n; k++)
        CHECK_INT_EQ(tls_reply_parse(buf, k, 0, &r), TLS_REPLY_MORE);

    /* The same ServerHello split over two records. */
    uint8_t split[600];
    size_t hs = n - 5, first = 10;
    memcpy(split, buf, 5);
    split[3] = 0;
    split[4] = (uint8_t)first;
    memcpy(split + 5, buf + 5, first);
    memcpy(split + 5 + first, buf, 5);
    split[5 + first + 3] = 0;
    split[5 + first + 4] = (uint8_t)(hs - first);
    memcpy(split + 10 + first, buf + 5 + first, hs - first);
    CHECK_INT_EQ(tls_reply_parse(split, n + 5, 0, &r), TLS_REPLY_HELLO);
    CHECK_INT_EQ(r.suite, 0xc011);

    /* An extensions block whose length disagrees. */
    static const uint8_t bad_ext[] = {0x00, 0x09, 0xff, 0x01, 0x00, 0x01, 0x00};
    n = server_hello(buf, 0x002f, bad_ext, sizeof bad_ext);
    CHECK_INT_EQ(tls_reply_parse(buf, n, 0, &r), TLS_REPLY_MALFORMED);

    static const uint8_t alert[] = {21, 3, 1, 0, 2, 2, 70};
    CHECK_INT_EQ(tls_reply_parse(alert, sizeof alert, 0, &r), TLS_REPLY_ALERT);
    CHECK_INT_EQ(r.alert, 70);
    static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    CHECK_INT_EQ(tls_reply_parse(http, sizeof http - 1, 0, &r), TLS_REPLY_GARBAGE);
    static const uint8_t huge[] = {22, 3, 3, 0xff, 0xff};
    CHECK_INT_EQ(tls_reply_parse(huge, sizeof huge, 0, &r), TLS_REPLY_OVERSIZE);
    static const uint8_t huge_hs[] = {22, 3, 3, 0, 4, 2, 0xff, 0xff, 0xff};
    CHECK_INT_EQ(tls_reply_parse(huge_hs, sizeof huge_hs, 0, &r), TLS_REPLY_OVERSIZE);
    static const uint8_t cert_first[] = {22, 3, 3, 0, 4, 11, 0, 0, 0};
    CHECK_INT_EQ(tls_reply_parse(cert_first, sizeof cert_first, 0, &r), TLS_REPLY_UNEXPECTED);
    static const uint8_t appdata[] = {23, 3, 3, 0, 1, 0};
    CHECK_INT_EQ(tls_reply_parse(appdata, sizeof appdata, 0, &r), TLS_REPLY_UNEXPECTED);
    static const uint8_t empty_records[] = {22, 3, 3, 0, 0, 22, 3, 3, 0, 0};
    CHECK_INT_EQ(tls_reply_parse(empty_records, sizeof empty_records, 0, &r), TLS_REPLY_MORE);

    /* SSL 2.0 SERVER-HELLO: no certificate, two cipher kinds, 16-byte connection id. */
    uint8_t v2[2 + 11 + 6 + 16] = {0x80, 11 + 6 + 16, 4, 0, 1, 0x00, 0x02, 0, 0, 0, 6, 0, 16,
                                    0x01, 0x00, 0x80, 0x07, 0x00, 0xc0};
    CHECK_INT_EQ(tls_reply_parse(v2, sizeof v2, 1, &r), TLS_REPLY_HELLO);
    CHECK_INT_EQ(r.version, TLS_WIRE_SSL2);
    CHECK_INT_EQ(r.sslv2_nkinds, 2);
    CHECK_INT_EQ(r.sslv2_kinds[1], 0x0700c0);
    CHECK_STR_EQ(tls_sslv2_kind_name(r.sslv2_kinds[1]), "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
    v2[10] = 9; /* cipher specs length not a multiple of 3 */
    CHECK_INT_EQ(tls_reply_parse(v2, sizeof v2, 1, &r), TLS_REPLY_MALFORMED);
    /* Without an SSL 2.0 hello sent, the same bytes are not TLS. */
    CHECK_INT_EQ(tls_reply_parse(v2, sizeof v2, 0, &r), TLS_REPLY_GARBAGE);
}

static void test_suites(void)
{
    size_t n;
    const struct tls_suite *t = tls_suites(&n);
    CHECK(n >= 100);
    for (size_t i = 1; i < n; i++)
        CHECK(t[i - 1].id < t[i].id);
    for (size_t i = 0; i < n; i++)
        CHECK(tls_suite_find(t[i].id) == &t[i]);
    CHECK(tls_suite_find(0x00ff) == NULL);
    const struct tls_suite *rc4 = tls_suite_find(0x0005);
    CHECK(rc4 && strcmp(rc4->name, "RC4-SHA") == 0 && (rc4->flags & SUITE_RC4) &&
          !(rc4->flags & SUITE_FS));
    const struct tls_suite *gcm = tls_suite_find(0xc02f);
    CHECK(gcm && (gcm->flags & SUITE_FS) && (gcm->flags & SUITE_AEAD) &&
          !(gcm->flags & SUITE_WEAK_FLAGS) && (gcm->flags & SUITE_TLS12));
    char why[64];
    tls_suite_weakness(tls_suite_find(0x0017), why, sizeof why);
    CHECK_STR_EQ(why, "anonymous EXPORT RC4 MD5");
    const struct tls_suite *cbc = tls_suite_find(0xc013);
    CHECK(cbc && (cbc->flags & SUITE_CBC) && (cbc->flags & SUITE_FS));
}

int main(void)
{
    RUN(test_hello_bytes);
    RUN(test_hello_extensions);
    RUN(test_sslv2_hello);
    RUN(test_round_trip);
    RUN(test_parser);
    RUN(test_suites);
    return check_summary();
}
