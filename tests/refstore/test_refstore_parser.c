/*
 * The request parser and chunked decoder on their own, with every input placed against an
 * unreadable guard page so a read past the end crashes; plus the signature and rate-limit
 * units the HTTP tests can only see from outside.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http_parser.h"
#include "ratelimit.h"
#include "tests/support/check.h"
#include "whsig.h"

static char *guard_area;
static size_t page;

/* Copies s so that its last byte is the last readable byte before a PROT_NONE page. */
static char *guarded(const char *s, size_t n)
{
    char *dst = guard_area + page * 64 - n;
    memcpy(dst, s, n);
    return dst;
}

static int parse(const char *s, struct http_request *req, int *status)
{
    size_t n = strlen(s);
    return http_parse_request(guarded(s, n), n, req, status);
}

static void test_simple_get(void)
{
    struct http_request req;
    int status;
    const char *s = "GET /api/v1/products?page=2 HTTP/1.1\r\nHost: x\r\nX-A:  b c \r\n\r\n";
    CHECK_INT_EQ(parse(s, &req, &status), (int)strlen(s));
    CHECK(http_method_is(&req, "GET"));
    CHECK_INT_EQ(req.path_len, 16);
    CHECK(memcmp(req.path, "/api/v1/products", 16) == 0);
    CHECK_INT_EQ(req.query_len, 6);
    CHECK(req.keep_alive);
    size_t n;
    const char *v = http_header_get(&req, "x-a", &n);
    CHECK(v && n == 3 && memcmp(v, "b c", 3) == 0);
    CHECK_INT_EQ(req.content_length, -1);
}

static void test_incomplete_prefixes(void)
{
    /* Every prefix of a valid request is incomplete, never an error or a crash. */
    const char *s = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n";
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        struct http_request req;
        int status;
        CHECK_INT_EQ(http_parse_request(guarded(s, i), i, &req, &status), HTTP_PARSE_INCOMPLETE);
    }
}

static void test_errors(void)
{
    static const struct {
        const char *req;
        int status;
    } cases[] = {
        {"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n: x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n folded\r\n\r\n", 400},
        {"GET / HTTP/3.0\r\n\r\n", 505},
        {"GET / FOO/1.1\r\n\r\n", 400},
        {"GET http://evil/ HTTP/1.1\r\n\r\n", 400},
        {"GET  / HTTP/1.1\r\n\r\n", 400},
        {"G\x01T / HTTP/1.1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", 413},
        {"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n", 417},
        {"GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_request req;
        int status = 0;
        int r = parse(cases[i].req, &req, &status);
        if (r != HTTP_PARSE_ERROR || status != cases[i].status)
            fprintf(stderr, "case %zu: got %d/%d\n", i, r, status);
        CHECK_INT_EQ(r, HTTP_PARSE_ERROR);
        CHECK_INT_EQ(status, cases[i].status);
    }
}

static void test_limits(void)
{
    static char big[HTTP_MAX_HEAD + 64];
    struct http_request req;
    int status;
    /* Too many headers. */
    size_t n = (size_t)sprintf(big, "GET / HTTP/1.1\r\n");
    for (int i = 0; i <= HTTP_MAX_HEADERS; i++)
        n += (size_t)sprintf(big + n, "H%d: v\r\n", i);
    n += (size_t)sprintf(big + n, "\r\n");
    CHECK_INT_EQ(http_parse_request(guarded(big, n), n, &req, &status), HTTP_PARSE_ERROR);
    CHECK_INT_EQ(status, 431);
    /* A head that never ends within the limit. */
    memset(big, 'a', sizeof big);
    memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
    CHECK_INT_EQ(http_parse_request(guarded(big, HTTP_MAX_HEAD), HTTP_MAX_HEAD, &req, &status),
                 HTTP_PARSE_ERROR);
    CHECK_INT_EQ(status, 431);
    /* A target over 8 KiB. */
    n = (size_t)sprintf(big, "GET /");
    memset(big + n, 'p', 9000);
    n += 9000;
    n += (size_t)sprintf(big + n, " HTTP/1.1\r\n\r\n");
    CHECK_INT_EQ(http_parse_request(guarded(big, n), n, &req, &status), HTTP_PARSE_ERROR);
    CHECK_INT_EQ(status, 414);
}

static void test_connection_semantics(void)
{
    struct http_request req;
    int status;
    CHECK(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &req, &status) > 0);
    CHECK(!req.keep_alive);
    CHECK(parse("GET / HTTP/1.0\r\n\r\n", &req, &status) > 0);
    CHECK(!req.keep_alive);
    CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &req, &status) > 0);
    CHECK(req.keep_alive);
    CHECK(parse("\r\nGET / HTTP/1.1\n\n", &req, &status) > 0);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &req,
                &status) > 0);
    CHECK_INT_EQ(req.content_length, 5);
}

static int decode(const char *s, char *buf, struct http_chunked *st)
{
    size_t n = strlen(s);
    memcpy(buf, s, n);
    memset(st, 0, sizeof *st);
    return http_chunked_decode(buf, n, st, HTTP_MAX_BODY);
}

static void test_chunked(void)
{
    char buf[256];
    struct http_chunked st;
    CHECK_INT_EQ(decode("5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\nT: 1\r\n\r\nNEXT", buf, &st), 1);
    CHECK_INT_EQ(st.out, 12);
    CHECK(memcmp(buf, "hello, world", 12) == 0);
    CHECK(memcmp(buf + st.in, "NEXT", 4) == 0);
    CHECK_INT_EQ(decode("5\r\nhel", buf, &st), 0);
    CHECK_INT_EQ(decode("5\r\nhelloXX", buf, &st), -400);
    CHECK_INT_EQ(decode("zz\r\n", buf, &st), -400);
    CHECK_INT_EQ(decode("fffffffffffffffffff\r\n", buf, &st), -400);
    CHECK_INT_EQ(decode("200000\r\n", buf, &st), -413);
    /* Resuming: the state carries over between calls with more data. */
    const char *s = "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
    memset(&st, 0, sizeof st);
    memcpy(buf, s, strlen(s));
    CHECK_INT_EQ(http_chunked_decode(buf, 10, &st, HTTP_MAX_BODY), 0);
    CHECK_INT_EQ(http_chunked_decode(buf, strlen(s), &st, HTTP_MAX_BODY), 1);
    CHECK(st.out == 6 && memcmp(buf, "abcdef", 6) == 0);
}

static void test_signatures(void)
{
    /* The Standard Webhooks specification's example. */
    const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const char *id = "msg_p5jXN8AQM9LWM0D4loKWxJek", *ts = "1614265330";
    const char *body = "{\"test\": 2432232314}";
    char sig[WHSIG_B64_LEN];
    CHECK(whsig_sign(secret, id, strlen(id), ts, strlen(ts), body, strlen(body), sig));
    CHECK_STR_EQ(sig, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const char *header = "v1,bm90LXRoZS1zaWc= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    CHECK(whsig_verify(secret, id, strlen(id), ts, strlen(ts), body, strlen(body), header,
                       strlen(header)));
    CHECK(!whsig_verify(secret, id, strlen(id), "1614265331", 10, body, strlen(body), header,
                        strlen(header)));
    CHECK(!whsig_verify(secret, id, strlen(id), ts, strlen(ts), body, strlen(body), "v1,", 3));
}

static void test_rate_limit(void)
{
    struct ratelimit_verdict v;
    ratelimit_init(10, 10);
    for (int i = 0; i < 10; i++) {
        ratelimit_take("10.0.0.1", 100.0, &v);
        CHECK(v.allowed);
    }
    CHECK_INT_EQ(v.remaining, 0);
    ratelimit_take("10.0.0.1", 100.0, &v);
    CHECK(!v.allowed);
    CHECK_INT_EQ(v.retry_after_s, 1);
    ratelimit_take("10.0.0.2", 100.0, &v); /* another client has its own bucket */
    CHECK(v.allowed);
    ratelimit_take("10.0.0.1", 100.25, &v); /* 2.5 tokens came back */
    CHECK(v.allowed);
    CHECK_INT_EQ(v.remaining, 1);
}

int main(void)
{
    page = (size_t)sysconf(_SC_PAGESIZE);
    guard_area = mmap(NULL, page * 65, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (guard_area == MAP_FAILED || mprotect(guard_area + page * 64, page, PROT_NONE) != 0)
        return 1;
    RUN(test_simple_get);
    RUN(test_incomplete_prefixes);
    RUN(test_errors);
    RUN(test_limits);
    RUN(test_connection_semantics);
    RUN(test_chunked);
    RUN(test_signatures);
    RUN(test_rate_limit);
    munmap(guard_area, page * 65);
    return check_summary();
}
