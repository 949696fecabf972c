/* Against nginx on loopback: the open model keeps its arrival rate, and a 1 s server stall
 * shows in the corrected latency (from the intended send time) but not in the uncorrected one
 * (coordinated omission); TLS with verification and session resumption; IPv6. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "loadgen/clock.h"
#include "loadgen/engine.h"
#include "tests/loadgen/nginx_fixture.h"
#include "tests/support/check.h"

static struct nginx_fixture ngx;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static struct engine *start_open(double rate, uint64_t duration_ms, uint32_t conns, struct url *u)
{
    char text[64], err[256];
    snprintf(text, sizeof text, "http://127.0.0.1:%d/index.html", ngx.port);
    CHECK(url_parse(text, u, err, sizeof err) == 0);
    struct loadgen_params p = {
        .urls = u,
        .url_count = 1,
        .model = LG_MODEL_OPEN,
        .start = rate,
        .duration_us = duration_ms * 1000,
        .threads = 1,
        .connections = conns,
        .max_connections = conns,
        .pipeline = 1,
        .timeout_us = 5000000,
    };
    struct engine *e = NULL;
    if (engine_create(&e, &p, err, sizeof err) || engine_start(e, err, sizeof err)) {
        fprintf(stderr, "  %s\n", err);
        CHECK(0);
        engine_destroy(e);
        return NULL;
    }
    return e;
}

static void wait_done(struct engine *e)
{
    while (!engine_done(e))
        sleep_ms(10);
}

static void test_rate_is_kept(void)
{
    struct url u;
    struct engine *e = start_open(2000, 3000, 8, &u);
    if (!e)
        return;
    wait_done(e);
    struct load_result r;
    engine_finish(e, &r);
    engine_destroy(e);
    /* Exactly rate x duration arrivals were due; all were answered within 1%. */
    CHECK_INT_EQ(r.scheduled, 6000);
    double achieved = r.achieved_rate;
    printf("  requested 2000/s, achieved %.1f/s, dropped %llu, late %llu\n", achieved,
           (unsigned long long)r.totals.dropped, (unsigned long long)r.totals.late);
    CHECK(achieved > 1980 && achieved < 2020);
    CHECK_INT_EQ(r.totals.dropped, 0);
    CHECK_INT_EQ(load_result_errors(&r), 0);
    /* The series accounts for every response, and each second saw roughly its share (a busy
     * machine may move some across a second's edge). */
    CHECK(r.seconds_count >= 3);
    uint64_t in_series = 0;
    for (size_t i = 0; i < r.seconds_count; i++)
        in_series += r.seconds[i].responses;
    CHECK_INT_EQ(in_series, r.totals.responses);
    for (size_t i = 0; i < 3 && i < r.seconds_count; i++)
        CHECK(r.seconds[i].responses > 1500 && r.seconds[i].responses < 2500);
    load_result_free(&r);
}

static void test_stall_shows_in_corrected_latency(void)
{
    struct url u;
    struct engine *e = start_open(1000, 5000, 10, &u);
    if (!e)
        return;
    sleep_ms(2000);
    kill(ngx.pid, SIGSTOP);
    sleep_ms(1000);
    kill(ngx.pid, SIGCONT);
    wait_done(e);
    struct load_result r;
    engine_finish(e, &r);
    engine_destroy(e);
    uint64_t corrected = hist_percentile(r.latency, 99);
    uint64_t uncorrected = hist_percentile(r.latency_uncorrected, 99);
    printf("  p99 corrected %llu us, uncorrected %llu us; late %llu\n",
           (unsigned long long)corrected, (unsigned long long)uncorrected,
           (unsigned long long)r.totals.late);
    /* About 1000 of 5000 requests were due during the stall: p99 waited most of a second. */
    CHECK(corrected > 600000);
    /* Only the ten requests in flight when it began waited from their actual send: the
     * uncorrected p99 stays far below the stall (the margin is for a busy machine). */
    CHECK(uncorrected < 250000);
    CHECK(hist_percentile(r.latency_uncorrected, 100) > 600000);
    /* The generator says it fell behind. */
    CHECK(r.totals.late > 500);
    CHECK_INT_EQ(r.totals.dropped, 0);
    CHECK_INT_EQ(r.scheduled, 5000);
    load_result_free(&r);
}

static int run_closed(const char *text, const char *ca_file, struct load_result *r, char *err,
                      size_t errlen)
{
    struct url u;
    CHECK(url_parse(text, &u, err, errlen) == 0);
    struct loadgen_params p = {
        .urls = &u,
        .url_count = 1,
        .model = LG_MODEL_CLOSED,
        .start = 4,
        .duration_us = 1000000,
        .threads = 2,
        .connections = 4,
        .pipeline = 2,
        .timeout_us = 2000000,
        .ca_file = ca_file,
    };
    struct engine *e = NULL;
    if (engine_create(&e, &p, err, errlen))
        return -1;
    int started = engine_start(e, err, errlen) == 0;
    if (started)
        wait_done(e);
    engine_finish(e, r);
    engine_destroy(e);
    return started ? 0 : -1;
}

static void test_tls_verified_and_resumed(void)
{
    char text[64], err[256];
    snprintf(text, sizeof text, "https://127.0.0.1:%d/index.html", ngx.tls_port);
    struct load_result r;
    if (run_closed(text, ngx.cert, &r, err, sizeof err)) {
        fprintf(stderr, "  %s\n", err);
        CHECK(0);
        load_result_free(&r);
        return;
    }
    printf("  TLS: %llu responses, %llu handshakes, %llu resumed\n",
           (unsigned long long)r.totals.responses, (unsigned long long)r.totals.handshakes,
           (unsigned long long)r.totals.resumed);
    CHECK(r.totals.responses > 100);
    CHECK_INT_EQ(load_result_errors(&r), 0);
    /* nginx closes every 20th response's connection: reconnects resume their session. */
    CHECK(r.totals.handshakes > 4);
    CHECK(r.totals.resumed > 0);
    CHECK(r.totals.resumed < r.totals.handshakes);
    CHECK_INT_EQ(r.tls_handshake->total, r.totals.handshakes);
    load_result_free(&r);
}

static void test_tls_by_name(void)
{
    /* A host name: sent as SNI and checked against the certificate's names. */
    char text[64], err[256];
    snprintf(text, sizeof text, "https://localhost:%d/index.html", ngx.tls_port);
    struct load_result r;
    CHECK(run_closed(text, ngx.cert, &r, err, sizeof err) == 0);
    CHECK(r.totals.status[200] > 10);
    CHECK_INT_EQ(load_result_errors(&r), 0);
    load_result_free(&r);
}

static void test_tls_unknown_ca_is_refused(void)
{
    /* Verification is on by default: a self-signed certificate fails without its CA. */
    char text[64], err[256];
    snprintf(text, sizeof text, "https://127.0.0.1:%d/", ngx.tls_port);
    struct load_result r;
    CHECK(run_closed(text, NULL, &r, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "certificate");
    CHECK(r.totals.errors[LG_ERR_TLS] >= 4);
    CHECK_INT_EQ(r.totals.responses, 0);
    load_result_free(&r);
}

static void test_ipv6(void)
{
    char text[64], err[256];
    snprintf(text, sizeof text, "http://[::1]:%d/index.html", ngx.port);
    struct load_result r;
    CHECK(run_closed(text, NULL, &r, err, sizeof err) == 0);
    CHECK(r.totals.status[200] > 100);
    CHECK_INT_EQ(load_result_errors(&r), 0);
    load_result_free(&r);
}

int main(void)
{
    if (nginx_start(&ngx) != 0) {
        printf("SKIP: nginx is not available\n");
        return 77;
    }
    RUN(test_rate_is_kept);
    RUN(test_stall_shows_in_corrected_latency);
    RUN(test_tls_verified_and_resumed);
    RUN(test_tls_by_name);
    RUN(test_tls_unknown_ca_is_refused);
    RUN(test_ipv6);
    nginx_stop(&ngx);
    return check_summary();
}
