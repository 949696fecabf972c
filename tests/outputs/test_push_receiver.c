/* The remote-write sender against receivers the test controls on loopback: a scripted one
 * that answers each request with the next status of its script (what is sent, what is tried
 * again and what is final), and the hostile servers of the load generator's tests (garbage,
 * a huge header, an endless or flooding body, a cut answer): each push ends in a failure
 * within the time the end of a run allows, never a hang or a crash. */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/out_spec.h"
#include "loadgen/clock.h"
#include "outputs/live_outputs.h"
#include "tests/loadgen/test_server.h"
#include "tests/support/check.h"

/* A receiver answering request i with script[i] (the last one repeated). */
struct scripted {
    int listen_fd, port;
    const int *script;
    size_t script_len;
    pthread_t thread;
    int requests;
    char first_head[2048]; /* the first request's head, as received */
    int body_valid;        /* the first body was a valid snappy block */
};

/* Read one request (head and Content-Length body) within 5 s; 0, or -1 when the peer closed. */
static int read_request(int fd, struct scripted *s)
{
    char buf[65536];
    size_t n = 0;
    char *end = NULL;
    while (!end) {
        struct pollfd p = {fd, POLLIN, 0};
        if (n + 1 >= sizeof buf || poll(&p, 1, 5000) != 1)
            return -1;
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head = (size_t)(end + 4 - buf), body = 0;
    for (char *l = buf; l && l < end; l = strstr(l, "\r\n") ? strstr(l, "\r\n") + 2 : NULL)
        if (strncasecmp(l, "Content-Length:", 15) == 0)
            body = (size_t)atol(l + 15);
    while (n < head + body && n + 1 < sizeof buf) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r = poll(&p, 1, 5000) == 1 ? read(fd, buf + n, sizeof buf - 1 - n) : -1;
        if (r <= 0)
            return -1;
        n += (size_t)r;
    }
    if (s->requests == 0) {
        snprintf(s->first_head, sizeof s->first_head, "%.*s", (int)head, buf);
        s->body_valid = snappy_validate_compressed_buffer(buf + head, body) == SNAPPY_OK;
    }
    return 0;
}

static void *scripted_main(void *arg)
{
    struct scripted *s = arg;
    for (;;) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        while (read_request(fd, s) == 0) {
            size_t i =
                (size_t)s->requests < s->script_len ? (size_t)s->requests : s->script_len - 1;
            s->requests++;
            char answer[128];
            int n = snprintf(answer, sizeof answer,
                             "HTTP/1.1 %d Scripted\r\nContent-Length: 0\r\n\r\n", s->script[i]);
            if (write(fd, answer, (size_t)n) != n)
                break;
        }
        close(fd);
    }
}

static void scripted_start(struct scripted *s, const int *script, size_t len)
{
    memset(s, 0, sizeof *s);
    s->script = script;
    s->script_len = len;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    CHECK(bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) == 0);
    CHECK(listen(s->listen_fd, 8) == 0);
    s->port = ntohs(a.sin_port);
    CHECK(pthread_create(&s->thread, NULL, scripted_main, s) == 0);
}

static void scripted_stop(struct scripted *s)
{
    shutdown(s->listen_fd, SHUT_RDWR);
    close(s->listen_fd);
    pthread_join(s->thread, NULL);
}

/* One push of a small result to port, to the end of the outputs; their stats and the time
 * the end took. */
static struct out_stats push_once(int port, uint64_t *took_ms)
{
    char spec[96], err[320];
    snprintf(spec, sizeof spec, "prometheus-rw=http://127.0.0.1:%d/api/v1/write", port);
    struct out_spec o;
    CHECK(out_spec_parse(spec, &o, err, sizeof err) == 0);
    struct live_outputs *lo = NULL;
    CHECK(live_outputs_open(&lo, &o, 1, "recv-1", 0, err, sizeof err) == 0);
    struct load_result r = {0};
    r.latency = hist_new();
    hist_record(r.latency, 1500);
    r.totals.requests = r.totals.responses = 1;
    r.totals.status[200] = 1;
    uint64_t t0 = clock_us();
    live_outputs_result(lo, &r);
    live_outputs_close(lo);
    *took_ms = (clock_us() - t0) / 1000;
    size_t n;
    struct out_stats st = *live_outputs_stats(lo, &n);
    st.target = NULL; /* it pointed into spec */
    live_outputs_free(lo);
    load_result_free(&r);
    return st;
}

static void test_a_push_as_the_specification_says(void)
{
    static const int script[] = {204};
    struct scripted s;
    scripted_start(&s, script, 1);
    uint64_t took;
    struct out_stats st = push_once(s.port, &took);
    scripted_stop(&s);
    CHECK_INT_EQ(st.sent, 1);
    CHECK_INT_EQ(st.failed, 0);
    CHECK_INT_EQ(s.requests, 1);
    CHECK(strncmp(s.first_head, "POST /api/v1/write HTTP/1.1\r\n", 29) == 0);
    CHECK_CONTAINS(s.first_head, "\r\nContent-Encoding: snappy\r\n");
    CHECK_CONTAINS(s.first_head, "\r\nContent-Type: application/x-protobuf\r\n");
    CHECK_CONTAINS(s.first_head, "\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n");
    CHECK_CONTAINS(s.first_head, "\r\nUser-Agent: storecheck");
    CHECK(s.body_valid);
}

static void test_retried_when_the_receiver_may_take_it_later(void)
{
    static const int busy[] = {503, 429, 204};
    struct scripted s;
    scripted_start(&s, busy, 3);
    uint64_t took;
    struct out_stats st = push_once(s.port, &took);
    scripted_stop(&s);
    CHECK_INT_EQ(s.requests, 3);
    CHECK_INT_EQ(st.sent, 1);
    CHECK_INT_EQ(st.failed, 0);

    static const int down[] = {503};
    scripted_start(&s, down, 1);
    st = push_once(s.port, &took);
    scripted_stop(&s);
    CHECK_INT_EQ(s.requests, 3); /* the first try and two more */
    CHECK_INT_EQ(st.sent, 0);
    CHECK_INT_EQ(st.failed, 1);
    CHECK(st.error[0] != '\0');
}

static void test_final_when_refused(void)
{
    static const int bad[] = {400, 204};
    struct scripted s;
    scripted_start(&s, bad, 2);
    uint64_t took;
    struct out_stats st = push_once(s.port, &took);
    scripted_stop(&s);
    CHECK_INT_EQ(s.requests, 1);
    CHECK_INT_EQ(st.sent, 0);
    CHECK_INT_EQ(st.failed, 1);
}

static void test_hostile_receivers(void)
{
    static const enum ts_mode modes[] = {TS_GARBAGE_STATUS, TS_HUGE_HEADER, TS_ENDLESS_CHUNKED,
                                         TS_FLOOD,          TS_CLOSE_MID,   TS_LYING_LENGTH};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        struct test_server srv;
        CHECK(test_server_start(&srv, modes[i]) == 0);
        uint64_t took;
        struct out_stats st = push_once(srv.port, &took);
        test_server_stop(&srv);
        if (st.sent || !(st.failed + st.dropped) || took > 7000)
            fprintf(stderr, "mode %d: sent %llu, failed %llu, dropped %llu in %llu ms\n",
                    (int)modes[i], (unsigned long long)st.sent, (unsigned long long)st.failed,
                    (unsigned long long)st.dropped, (unsigned long long)took);
        CHECK_INT_EQ(st.sent, 0);
        CHECK(st.failed + st.dropped >= 1);
        CHECK(took <= 7000); /* the end of a run waits at most 5 s for the last push */
    }
}

int main(void)
{
    RUN(test_a_push_as_the_specification_says);
    RUN(test_retried_when_the_receiver_may_take_it_later);
    RUN(test_final_when_refused);
    RUN(test_hostile_receivers);
    return check_summary();
}
