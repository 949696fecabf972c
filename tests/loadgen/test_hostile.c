/* Hostile servers on loopback: each misbehaviour lands in its error class, nothing crashes,
 * and every run ends in time. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loadgen/clock.h"
#include "loadgen/engine.h"
#include "tests/loadgen/test_server.h"
#include "tests/support/check.h"

enum { DURATION_MS = 800, TIMEOUT_MS = 300 };

struct outcome {
    int started; /* engine_start succeeded */
    char err[512];
    struct load_result r;
    uint64_t wall_ms;
};

static struct outcome run_against(int port, int tls)
{
    struct outcome o = {0};
    char text[128];
    snprintf(text, sizeof text, "%s://127.0.0.1:%d/", tls ? "https" : "http", port);
    struct url u;
    CHECK(url_parse(text, &u, o.err, sizeof o.err) == 0);
    struct loadgen_params p = {
        .urls = &u,
        .url_count = 1,
        .model = LG_MODEL_CLOSED,
        .start = 2,
        .duration_us = DURATION_MS * 1000ULL,
        .threads = 1,
        .connections = 2,
        .pipeline = 1,
        .timeout_us = TIMEOUT_MS * 1000ULL,
        .insecure = 1,
    };
    struct engine *e = NULL;
    uint64_t t0 = clock_us();
    CHECK(engine_create(&e, &p, o.err, sizeof o.err) == 0);
    if (!e)
        return o;
    o.started = engine_start(e, o.err, sizeof o.err) == 0;
    while (o.started && !engine_done(e)) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    engine_finish(e, &o.r);
    engine_destroy(e);
    o.wall_ms = (clock_us() - t0) / 1000;
    return o;
}

static void expect_class(enum ts_mode mode, enum lg_error cls, int tls)
{
    struct test_server s;
    CHECK(test_server_start(&s, mode) == 0);
    struct outcome o = run_against(s.port, tls);
    test_server_stop(&s);
    if (o.r.totals.errors[cls] == 0) {
        fprintf(stderr, "  mode %d: no %s error (err '%s')\n", (int)mode, lg_error_names[cls],
                o.err);
        CHECK(0);
    }
    for (int i = 0; i < LG_ERR_COUNT; i++)
        if (i != (int)cls && o.r.totals.errors[i]) {
            fprintf(stderr, "  mode %d: unexpected %s errors: %llu\n", (int)mode, lg_error_names[i],
                    (unsigned long long)o.r.totals.errors[i]);
            CHECK(0);
        }
    CHECK_INT_EQ(o.r.totals.status[200], 0);
    /* The run, the drain (at most the timeout) and setup: never more. */
    if (o.wall_ms > DURATION_MS + TIMEOUT_MS + 1500) {
        fprintf(stderr, "  mode %d: took %llu ms\n", (int)mode, (unsigned long long)o.wall_ms);
        CHECK(0);
    }
    load_result_free(&o.r);
}

static void test_garbage_status_line(void)
{
    expect_class(TS_GARBAGE_STATUS, LG_ERR_PARSE, 0);
}

static void test_huge_header(void)
{
    expect_class(TS_HUGE_HEADER, LG_ERR_PARSE, 0);
}

static void test_endless_chunked_body(void)
{
    expect_class(TS_ENDLESS_CHUNKED, LG_ERR_TIMEOUT, 0);
}

/* A body that never ends, as fast as loopback carries it: the socket is never drained, and the
 * run still ends at its duration plus the drain (at most the timeout). Whether the client
 * ever catches up with the server depends on the scheduler, so three runs. */
static void test_flood_ends_in_time(void)
{
    for (int i = 0; i < 3; i++) {
        struct test_server s;
        CHECK(test_server_start(&s, TS_FLOOD) == 0);
        struct outcome o = run_against(s.port, 0);
        test_server_stop(&s);
        CHECK(o.started);
        CHECK(o.r.totals.errors[LG_ERR_TIMEOUT] > 0);
        fprintf(stderr, "  flood: %llu ms for a %d ms run, %llu MB read\n",
                (unsigned long long)o.wall_ms, DURATION_MS,
                (unsigned long long)(o.r.totals.bytes_in >> 20));
        CHECK(o.wall_ms <= DURATION_MS + TIMEOUT_MS + 700);
        load_result_free(&o.r);
    }
}

static void test_lying_content_length(void)
{
    expect_class(TS_LYING_LENGTH, LG_ERR_CLOSED, 0);
}

static void test_close_mid_response(void)
{
    expect_class(TS_CLOSE_MID, LG_ERR_CLOSED, 0);
}

static void test_never_answers(void)
{
    expect_class(TS_SILENT, LG_ERR_TIMEOUT, 0);
}

static void test_tls_garbage(void)
{
    /* Every initial handshake fails: the run cannot start, and says why. */
    struct test_server s;
    CHECK(test_server_start(&s, TS_TLS_GARBAGE) == 0);
    struct outcome o = run_against(s.port, 1);
    test_server_stop(&s);
    CHECK(!o.started);
    CHECK_CONTAINS(o.err, "TLS");
    CHECK(o.r.totals.errors[LG_ERR_TLS] >= 2);
    CHECK(o.wall_ms < TIMEOUT_MS + 1000);
    load_result_free(&o.r);
}

static void test_connection_refused(void)
{
    int port = test_server_closed_port();
    CHECK(port > 0);
    struct outcome o = run_against(port, 0);
    CHECK(!o.started);
    CHECK_CONTAINS(o.err, "refused");
    CHECK(o.r.totals.errors[LG_ERR_CONNECT_REFUSED] >= 2);
    load_result_free(&o.r);
}

static void test_good_server_counts(void)
{
    /* The control: the same run against a well-behaved server has no errors, and every
     * request written is answered or still in flight at the end. */
    struct test_server s;
    CHECK(test_server_start(&s, TS_GOOD) == 0);
    struct outcome o = run_against(s.port, 0);
    test_server_stop(&s);
    CHECK(o.started);
    CHECK(o.r.totals.responses > 100);
    CHECK_INT_EQ(load_result_errors(&o.r), 0);
    CHECK_INT_EQ(o.r.totals.status[200], o.r.totals.responses);
    CHECK_INT_EQ(o.r.totals.requests, o.r.totals.responses + o.r.totals.unfinished);
    CHECK_INT_EQ(o.r.latency->total, o.r.totals.responses);
    CHECK(o.r.totals.bytes_in == o.r.totals.responses * 62);
    load_result_free(&o.r);
}

static void test_answer_before_request_is_written(void)
{
    /* The server answers as soon as it has the head of an 8 MB POST: the rest of that body
     * must not be taken for the next request. */
    struct test_server s;
    CHECK(test_server_start(&s, TS_GOOD) == 0);
    char text[64], err[256];
    snprintf(text, sizeof text, "http://127.0.0.1:%d/upload", s.port);
    struct url u;
    CHECK(url_parse(text, &u, err, sizeof err) == 0);
    size_t len = 8u << 20;
    char *body = malloc(len);
    memset(body, 'x', len);
    struct loadgen_params p = {
        .urls = &u,
        .url_count = 1,
        .method = "POST",
        .body = body,
        .body_len = len,
        .model = LG_MODEL_CLOSED,
        .start = 1,
        .duration_us = 500000,
        .threads = 1,
        .connections = 1,
        .pipeline = 1,
        .timeout_us = 300000,
    };
    struct engine *e = NULL;
    CHECK(engine_create(&e, &p, err, sizeof err) == 0);
    CHECK(engine_start(e, err, sizeof err) == 0);
    while (!engine_done(e)) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    struct load_result r;
    engine_finish(e, &r);
    engine_destroy(e);
    test_server_stop(&s);
    free(body);
    CHECK(r.totals.status[200] >= 2);
    CHECK_INT_EQ(load_result_errors(&r), 0);
    /* Each early answer closed its connection: a new one per request. */
    CHECK(r.totals.connects >= r.totals.status[200]);
    load_result_free(&r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    RUN(test_good_server_counts);
    RUN(test_garbage_status_line);
    RUN(test_huge_header);
    RUN(test_endless_chunked_body);
    RUN(test_flood_ends_in_time);
    RUN(test_lying_content_length);
    RUN(test_close_mid_response);
    RUN(test_never_answers);
    RUN(test_tls_garbage);
    RUN(test_connection_refused);
    RUN(test_answer_before_request_is_written);
    return check_summary();
}
