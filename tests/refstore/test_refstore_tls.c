/*
 * The store over TLS: the HTTPS-only behaviours (HSTS, Secure cookies, the plain listener's
 * redirect), the protocol and cipher policy of the good and the legacy store, the test
 * certificates from make-certs.sh, and hostile TLS clients.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tests/support/check.h"

static char hv[4096];

static const char *hdr(const struct rs_response *r, const char *name)
{
    return rs_header(r, name, hv, sizeof hv) ? hv : NULL;
}
#define HDR(r, name) hdr(&(r), name)

static bool start_tls(struct rs_server *s, const char *cert, const char *broken)
{
    static char certpath[4096], keypath[4096], name[64];
    snprintf(name, sizeof name, "%s.pem", cert);
    snprintf(certpath, sizeof certpath, "%s", rs_cert(name));
    snprintf(name, sizeof name, "%s.key", cert);
    snprintf(keypath, sizeof keypath, "%s", rs_cert(name));
    const char *args[] = {"--listen",
                          "127.0.0.1:0",
                          "--tls-listen",
                          "127.0.0.1:0",
                          "--cert",
                          certpath,
                          "--key",
                          keypath,
                          "--request-timeout",
                          "1s",
                          broken ? "--broken" : NULL,
                          broken,
                          NULL};
    bool ok = rs_start(s, args);
    CHECK(ok);
    return ok;
}

static void test_https_surface(void)
{
    struct rs_server s;
    if (!start_tls(&s, "server", NULL))
        return;
    struct rs_response r;
    struct rs_request req = {.url = rs_url(&s, "https", "/"), .tls_verify = true};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(HDR(r, "Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "session=");
    CHECK_CONTAINS(hv, "; Secure");
    CHECK_CONTAINS(hv, "HttpOnly");
    CHECK_CONTAINS(hv, "SameSite=Lax");
    rs_free(&r);
    req = (struct rs_request){.method = "POST",
                              .url = rs_url(&s, "https", "/api/v1/carts"),
                              .body = "",
                              .tls_verify = true};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 201);
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "cart=c_");
    CHECK_CONTAINS(hv, "; Secure");
    rs_free(&r);

    /* The plain listener redirects everything to the same path on HTTPS. */
    char want[128];
    snprintf(want, sizeof want, "https://127.0.0.1:%d/products/3?x=1", s.https);
    req = (struct rs_request){.url = rs_url(&s, "http", "/products/3?x=1")};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 301);
    CHECK_STR_EQ(HDR(r, "Location"), want);
    rs_free(&r);
    req = (struct rs_request){
        .method = "POST", .url = rs_url(&s, "http", "/api/v1/carts"), .body = ""};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 301);
    rs_free(&r);
    CHECK_INT_EQ(rs_stop(&s), 0);
}

/* Does a handshake with this client policy succeed? */
static bool handshake(const struct rs_server *s, long min, long max, const char *ciphers)
{
    struct rs_response r;
    struct rs_request req = {
        .url = rs_url(s, "https", "/healthz"), .tls_min = min, .tls_max = max, .ciphers = ciphers};
    rs_do(&req, &r);
    bool ok = r.status == 200;
    rs_free(&r);
    return ok;
}

static void test_protocol_policy(void)
{
    const char *legacy_ciphers = "AES128-SHA:@SECLEVEL=0";
    for (int legacy = 0; legacy < 2; legacy++) {
        struct rs_server s;
        if (!start_tls(&s, "server", legacy ? "tls-legacy" : NULL))
            return;
        CHECK(handshake(&s, CURL_SSLVERSION_TLSv1_3, 0, NULL));
        CHECK(handshake(&s, CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2, NULL));
        bool tls10 =
            handshake(&s, CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_0, legacy_ciphers);
        bool tls11 =
            handshake(&s, CURL_SSLVERSION_TLSv1_1, CURL_SSLVERSION_MAX_TLSv1_1, legacy_ciphers);
        /* A static-RSA CBC-SHA1 suite: no forward secrecy. */
        bool weak =
            handshake(&s, CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2, legacy_ciphers);
        CHECK(tls10 == (legacy == 1));
        CHECK(tls11 == (legacy == 1));
        CHECK(weak == (legacy == 1));
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
}

static void test_certificates(void)
{
    static const struct {
        const char *name;
        bool verifies;
    } certs[] = {{"server", true},       {"expired", false}, {"wrong-host", false},
                 {"self-signed", false}, {"expiring", true}, {"weak-key", true}};
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++) {
        struct rs_server s;
        if (!start_tls(&s, certs[i].name, NULL))
            continue;
        struct rs_response r;
        /* The 1024-bit key is below a default client's security level. */
        struct rs_request req = {.url = rs_url(&s, "https", "/healthz"),
                                 .tls_verify = true,
                                 .ciphers = "DEFAULT:@SECLEVEL=0"};
        rs_do(&req, &r);
        if (certs[i].verifies != (r.status == 200))
            fprintf(stderr, "certificate %s: status %ld, curl error %d\n", certs[i].name, r.status,
                    r.curl_error);
        CHECK(certs[i].verifies == (r.status == 200));
        rs_free(&r);
        req.tls_verify = false;
        rs_do(&req, &r);
        CHECK_INT_EQ(r.status, 200);
        rs_free(&r);
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
}

static void test_tls_variants(void)
{
    struct rs_server s;
    struct rs_response r;
    if (start_tls(&s, "server", "no-hsts")) {
        struct rs_request req = {.url = rs_url(&s, "https", "/")};
        rs_do(&req, &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK(HDR(r, "Strict-Transport-Security") == NULL);
        rs_free(&r);
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
    if (start_tls(&s, "server", "hsts-bad-preload")) {
        struct rs_request req = {.url = rs_url(&s, "https", "/")};
        rs_do(&req, &r);
        CHECK_STR_EQ(HDR(r, "Strict-Transport-Security"), "max-age=31536000; preload");
        rs_free(&r);
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
    if (start_tls(&s, "server", "no-https-redirect")) {
        struct rs_request req = {.url = rs_url(&s, "http", "/")};
        rs_do(&req, &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK_CONTAINS(r.body, "<!doctype html>");
        rs_free(&r);
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
    if (start_tls(&s, "server", "insecure-cookies")) {
        struct rs_request req = {.url = rs_url(&s, "https", "/")};
        rs_do(&req, &r);
        CHECK_CONTAINS(HDR(r, "Set-Cookie"), "session=");
        CHECK(!strstr(hv, "Secure") && !strstr(hv, "HttpOnly"));
        rs_free(&r);
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
    /* --tls-legacy is the same as --broken tls-legacy. */
    const char *args[] = {"--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",  "--cert",
                          NULL,       "--key",       NULL,           "--tls-legacy", NULL};
    char cert[4096], key[4096];
    snprintf(cert, sizeof cert, "%s", rs_cert("server.pem"));
    snprintf(key, sizeof key, "%s", rs_cert("server.key"));
    args[5] = cert;
    args[7] = key;
    if (rs_start(&s, args)) {
        CHECK(handshake(&s, CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_0,
                        "AES128-SHA:@SECLEVEL=0"));
        CHECK_INT_EQ(rs_stop(&s), 0);
    }
}

static void test_hostile_tls_clients(void)
{
    struct rs_server s;
    if (!start_tls(&s, "server", NULL))
        return;
    bool closed;
    char out[512];
    /* Plain HTTP on the TLS port, and a client that never finishes its handshake. */
    rs_raw(s.https, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, out, sizeof out, 3000, &closed);
    CHECK(closed);
    rs_raw(s.https, "\x16\x03\x01\x00", 4, out, sizeof out, 3000, &closed);
    CHECK(closed);
    struct rs_response r;
    struct rs_request req = {.url = rs_url(&s, "https", "/healthz"), .tls_verify = true};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
    CHECK_INT_EQ(rs_stop(&s), 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN(test_https_surface);
    RUN(test_protocol_policy);
    RUN(test_certificates);
    RUN(test_tls_variants);
    RUN(test_hostile_tls_clients);
    curl_global_cleanup();
    return check_summary();
}
