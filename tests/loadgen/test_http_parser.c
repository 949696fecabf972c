/* The response parser: every input is placed right before an inaccessible page, so reading one
 * byte too far crashes; every input is also fed split at every byte boundary. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loadgen/http_parser.h"
#include "tests/support/check.h"

enum { LIMIT = 8192, MAX_RESPONSES = 16 };

/* A copy of s ending exactly at a PROT_NONE page. */
struct guarded {
    char *map;
    size_t maplen;
    char *data;
};

static struct guarded guard(const char *s, size_t n)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = (n + (size_t)page - 1) / (size_t)page + 1;
    struct guarded g;
    g.maplen = (pages + 0) * (size_t)page + (size_t)page;
    g.map = mmap(NULL, g.maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.map == MAP_FAILED)
        abort();
    char *end = g.map + g.maplen - (size_t)page;
    mprotect(end, (size_t)page, PROT_NONE);
    g.data = end - n;
    memcpy(g.data, s, n);
    return g;
}

static void unguard(struct guarded *g)
{
    munmap(g->map, g->maplen);
}

struct outcome {
    int responses;
    int status[MAX_RESPONSES];
    int keep_alive[MAX_RESPONSES];
    uint64_t body[MAX_RESPONSES];
    int interim[MAX_RESPONSES];
    int error;   /* HTTP_ERROR seen */
    int pending; /* a response was still open at the end */
};

/* Feed `pieces` (guarded, each separately) to a parser, restarting it after each response as a
 * connection does; no_body applies to every request. */
static struct outcome run(const char *const *pieces, const size_t *lens, int count, int no_body)
{
    struct outcome o = {0};
    struct http_parser p;
    http_parser_init(&p, LIMIT);
    http_parser_begin(&p, no_body);
    for (int k = 0; k < count && !o.error; k++) {
        struct guarded g = guard(pieces[k], lens[k]);
        size_t off = 0;
        while (off < lens[k]) {
            size_t used = 0;
            enum http_result r = http_parser_feed(&p, g.data + off, lens[k] - off, &used);
            CHECK(used <= lens[k] - off);
            off += used;
            if (r == HTTP_ERROR) {
                o.error = 1;
                break;
            }
            if (r == HTTP_AGAIN) {
                CHECK(off == lens[k]);
                break;
            }
            if (o.responses < MAX_RESPONSES) {
                o.status[o.responses] = p.status;
                o.keep_alive[o.responses] = p.keep_alive;
                o.body[o.responses] = p.body_bytes;
                o.interim[o.responses] = p.interim;
            }
            o.responses++;
            http_parser_begin(&p, no_body);
        }
        unguard(&g);
    }
    o.pending = !o.error && !http_parser_idle(&p);
    return o;
}

static struct outcome run_whole(const char *s, int no_body)
{
    size_t n = strlen(s);
    return run(&s, &n, 1, no_body);
}

/* The outcome must not depend on how the bytes are split. */
static void same_at_every_split(const char *s, int no_body)
{
    struct outcome whole = run_whole(s, no_body);
    size_t n = strlen(s);
    for (size_t cut = 0; cut <= n; cut++) {
        const char *pieces[2] = {s, s + cut};
        size_t lens[2] = {cut, n - cut};
        struct outcome o = run(pieces, lens, 2, no_body);
        if (memcmp(&o, &whole, sizeof o) != 0) {
            fprintf(stderr, "  split at %zu differs for: %.60s\n", cut, s);
            CHECK(0);
            return;
        }
    }
    /* And byte by byte. */
    const char **pieces = malloc(n * sizeof *pieces);
    size_t *lens = malloc(n * sizeof *lens);
    for (size_t i = 0; i < n; i++) {
        pieces[i] = s + i;
        lens[i] = 1;
    }
    struct outcome o = run(pieces, lens, (int)n, no_body);
    CHECK(memcmp(&o, &whole, sizeof o) == 0);
    free(pieces);
    free(lens);
}

static void test_content_length(void)
{
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello";
    struct outcome o = run_whole(s, 0);
    CHECK_INT_EQ(o.responses, 1);
    CHECK_INT_EQ(o.status[0], 200);
    CHECK_INT_EQ(o.body[0], 5);
    CHECK_INT_EQ(o.keep_alive[0], 1);
    CHECK(!o.error && !o.pending);
    same_at_every_split(s, 0);
}

static void test_pipelined(void)
{
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
                    "HTTP/1.1 404 Not Found\r\ncontent-length:0\r\n\r\n"
                    "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                    "HTTP/1.1 503 Busy\r\nContent-Length: 2\r\n\r\nno";
    struct outcome o = run_whole(s, 0);
    CHECK_INT_EQ(o.responses, 4);
    CHECK_INT_EQ(o.status[0], 200);
    CHECK_INT_EQ(o.status[1], 404);
    CHECK_INT_EQ(o.status[2], 201);
    CHECK_INT_EQ(o.body[2], 2);
    CHECK_INT_EQ(o.status[3], 503);
    same_at_every_split(s, 0);
}

static void test_chunked_extensions_trailers(void)
{
    const char *s = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    "5;name=value;x=\"q\"\r\nhello\r\n"
                    "A \r\n0123456789\r\n"
                    "0;last\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n";
    struct outcome o = run_whole(s, 0);
    CHECK_INT_EQ(o.responses, 1);
    CHECK_INT_EQ(o.body[0], 15);
    CHECK(!o.error && !o.pending);
    same_at_every_split(s, 0);
}

static void test_interim_1xx(void)
{
    const char *s = "HTTP/1.1 100 Continue\r\n\r\n"
                    "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    struct outcome o = run_whole(s, 0);
    CHECK_INT_EQ(o.responses, 1);
    CHECK_INT_EQ(o.status[0], 200);
    CHECK_INT_EQ(o.interim[0], 2);
    same_at_every_split(s, 0);
}

static void test_no_body(void)
{
    /* HEAD: the Content-Length describes a body that is not sent. */
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                       "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    struct outcome o = run_whole(head, 1);
    CHECK_INT_EQ(o.responses, 2);
    CHECK_INT_EQ(o.body[0], 0);
    same_at_every_split(head, 1);
    const char *s = "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
                    "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
    o = run_whole(s, 0);
    CHECK_INT_EQ(o.responses, 3);
    CHECK_INT_EQ(o.status[0], 204);
    CHECK_INT_EQ(o.status[1], 304);
    CHECK_INT_EQ(o.status[2], 200);
    same_at_every_split(s, 0);
}

static void test_connection_handling(void)
{
    struct outcome o =
        run_whole("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0);
    CHECK_INT_EQ(o.keep_alive[0], 0);
    o = run_whole("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n",
                  0);
    CHECK_INT_EQ(o.keep_alive[0], 0);
    o = run_whole("HTTP/1.1 200 OK\r\nConnection: closed-not\r\nContent-Length: 0\r\n\r\n", 0);
    CHECK_INT_EQ(o.keep_alive[0], 1);
    o = run_whole("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0);
    CHECK_INT_EQ(o.keep_alive[0], 0);
    o = run_whole("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 0);
    CHECK_INT_EQ(o.keep_alive[0], 1);
    /* Bare LF line ends are accepted. */
    o = run_whole("HTTP/1.1 200 OK\nContent-Length: 1\n\nx", 0);
    CHECK_INT_EQ(o.responses, 1);
    CHECK_INT_EQ(o.body[0], 1);
}

static void test_close_delimited(void)
{
    struct http_parser p;
    http_parser_init(&p, LIMIT);
    http_parser_begin(&p, 0);
    const char *s = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody until close";
    struct guarded g = guard(s, strlen(s));
    size_t used;
    CHECK_INT_EQ(http_parser_feed(&p, g.data, strlen(s), &used), HTTP_AGAIN);
    CHECK_INT_EQ(http_parser_eof(&p), HTTP_DONE);
    CHECK_INT_EQ(p.keep_alive, 0);
    CHECK_INT_EQ(p.body_bytes, 16);
    unguard(&g);
    /* Cut short: the peer closed inside a Content-Length body. */
    http_parser_begin(&p, 0);
    s = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
    g = guard(s, strlen(s));
    CHECK_INT_EQ(http_parser_feed(&p, g.data, strlen(s), &used), HTTP_AGAIN);
    CHECK_INT_EQ(http_parser_eof(&p), HTTP_ERROR);
    unguard(&g);
}

static void expect_error(const char *s)
{
    struct outcome o = run_whole(s, 0);
    if (!o.error) {
        fprintf(stderr, "  accepted: %.70s\n", s);
        CHECK(0);
    }
    /* Split anywhere, it is still an error (and never a crash). */
    size_t n = strlen(s);
    for (size_t cut = 0; cut <= n; cut++) {
        const char *pieces[2] = {s, s + cut};
        size_t lens[2] = {cut, n - cut};
        CHECK(run(pieces, lens, 2, 0).error);
    }
}

static void test_bad_input(void)
{
    expect_error("garbage\r\n\r\n");
    expect_error("HTTP/2.0 200 OK\r\n\r\n");
    expect_error("HTTP/1.1 20x OK\r\n\r\n");
    expect_error("HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n");
    expect_error("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nBad Name: a\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: \x01\r\n\r\n");
    /* Control characters other than HTAB in any header line: untracked headers, the
     * reason phrase and trailers too. */
    expect_error("HTTP/1.1 200 OK\r\nX-Other: a\x01b\r\nContent-Length: 0\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nX-Other: a\x7f\r\nContent-Length: 0\r\n\r\n");
    expect_error("HTTP/1.1 200 O\x1bK\r\nContent-Length: 0\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "0\r\nX-Trailer: \x0b\r\n\r\n");
    CHECK(!run_whole("HTTP/1.1 200 OK\r\nX-Other: a\tb\r\nContent-Length: 0\r\n\r\n", 0).error);
    expect_error("HTTP/1.1 200 OK\r\n\rX\r\n");
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n");
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "fffffffffffffffff\r\n");
    /* Bytes after a complete response when no request is waiting. */
    struct http_parser p;
    http_parser_init(&p, LIMIT);
    http_parser_begin(&p, 0);
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nX";
    size_t used;
    CHECK_INT_EQ(http_parser_feed(&p, s, strlen(s), &used), HTTP_DONE);
    CHECK_INT_EQ(http_parser_feed(&p, s + used, strlen(s) - used, &used), HTTP_ERROR);
}

static void test_head_limit(void)
{
    /* A head over the limit is an error however it is delivered; the limit also applies to
     * trailers. */
    size_t n = LIMIT + 100;
    char *s = malloc(n + 64);
    int k = snprintf(s, n, "HTTP/1.1 200 OK\r\nX-Big: ");
    memset(s + k, 'a', n - (size_t)k);
    s[n] = '\0';
    struct outcome o = run_whole(s, 0);
    CHECK(o.error);
    char *t = malloc(n + 128);
    k = snprintf(t, n, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ");
    memset(t + k, 'b', n - (size_t)k);
    t[n] = '\0';
    o = run_whole(t, 0);
    CHECK(o.error);
    free(s);
    free(t);
}

int main(void)
{
    RUN(test_content_length);
    RUN(test_pipelined);
    RUN(test_chunked_extensions_trailers);
    RUN(test_interim_1xx);
    RUN(test_no_body);
    RUN(test_connection_handling);
    RUN(test_close_delimited);
    RUN(test_bad_input);
    RUN(test_head_limit);
    return check_summary();
}
