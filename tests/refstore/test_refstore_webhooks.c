/*
 * Webhooks and the payment intake, good and broken: deliveries to a receiver in this test
 * that fails the first attempts, retries on a short schedule, Standard Webhooks signatures
 * checked independently with OpenSSL, stable event ids; and the intake refusing forged, stale
 * and replayed callbacks.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests/support/check.h"

#define WEBHOOK_SECRET "whsec_cmVmc3RvcmUtd2ViaG9vay10ZXN0LXNlY3JldC0zMmI="
#define INTAKE_SECRET  "whsec_cmVmc3RvcmUtaW50YWtlLXRlc3Qtc2VjcmV0LTMyYnk="
#define MAX_SEEN       16

struct seen {
    double at;
    char id[128], ts[32], sig[256];
    char *body;
};

/* A webhook receiver on a thread: answers 500 to the first `fail_first` deliveries, or with
 * `silent` set never answers the first one (it holds the connection open). */
struct receiver {
    int fd, port, fail_first, held;
    bool silent;
    pthread_t thread;
    pthread_mutex_t mu;
    struct seen seen[MAX_SEEN];
    int count;
    volatile int stop;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void header_value(const char *head, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    size_t len = strlen(name);
    for (const char *l = head; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncasecmp(l, name, len) == 0 && l[len] == ':') {
            const char *v = l + len + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            snprintf(out, n, "%.*s", (int)vl, v);
            return;
        }
    }
}

static void receive_one(struct receiver *r, int fd)
{
    char buf[65536];
    size_t len = 0;
    double deadline = now_s() + 3;
    const char *end = NULL;
    size_t want = 0;
    while (len < sizeof buf - 1 && now_s() < deadline) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            char cl[32];
            header_value(buf, "Content-Length", cl, sizeof cl);
            want = (size_t)(end + 4 - buf) + (size_t)atol(cl);
        }
        if (end && len >= want)
            break;
    }
    if (!end || len < want)
        return;
    pthread_mutex_lock(&r->mu);
    int i = r->count;
    if (i < MAX_SEEN) {
        struct seen *s = &r->seen[i];
        s->at = now_s();
        header_value(buf, "webhook-id", s->id, sizeof s->id);
        header_value(buf, "webhook-timestamp", s->ts, sizeof s->ts);
        header_value(buf, "webhook-signature", s->sig, sizeof s->sig);
        s->body = strdup(end + 4);
        r->count++;
    }
    pthread_mutex_unlock(&r->mu);
    if (r->silent && i == 0) {
        r->held = fd;
        return;
    }
    const char *answer = i < r->fail_first
                             ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n"
                             : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send(fd, answer, strlen(answer), MSG_NOSIGNAL);
}

static void *receiver_main(void *arg)
{
    struct receiver *r = arg;
    while (!r->stop) {
        struct pollfd p = {r->fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            continue;
        receive_one(r, c);
        if (c != r->held)
            close(c);
    }
    return NULL;
}

static void receiver_start(struct receiver *r, int fail_first, bool silent)
{
    memset(r, 0, sizeof *r);
    r->fail_first = fail_first;
    r->silent = silent;
    r->held = -1;
    pthread_mutex_init(&r->mu, NULL);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    CHECK(bind(r->fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    CHECK(listen(r->fd, 16) == 0);
    getsockname(r->fd, (struct sockaddr *)&sa, &sl);
    r->port = ntohs(sa.sin_port);
    pthread_create(&r->thread, NULL, receiver_main, r);
}

static void receiver_stop(struct receiver *r)
{
    r->stop = 1;
    pthread_join(r->thread, NULL);
    close(r->fd);
    if (r->held >= 0)
        close(r->held);
    for (int i = 0; i < r->count; i++)
        free(r->seen[i].body);
    pthread_mutex_destroy(&r->mu);
}

/* Waits until the receiver has n deliveries or timeout_s passes; returns the count. */
static int receiver_wait(struct receiver *r, int n, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    int count;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        count = r->count;
        pthread_mutex_unlock(&r->mu);
        if (count >= n || now_s() > deadline)
            return count;
        usleep(20 * 1000);
    }
}

/* base64(HMAC-SHA256(key, id.ts.body)), the key being the base64 text after whsec_. */
static void sign(const char *secret, const char *id, const char *ts, const char *body, char *out)
{
    unsigned char key[64], mac[32];
    int klen = EVP_DecodeBlock(key, (const unsigned char *)secret + 6, (int)strlen(secret + 6));
    for (const char *p = secret + strlen(secret); p > secret && p[-1] == '='; p--)
        klen--;
    size_t n = strlen(id) + strlen(ts) + strlen(body) + 3;
    char *msg = malloc(n);
    snprintf(msg, n, "%s.%s.%s", id, ts, body);
    size_t maclen = 0;
    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, (size_t)klen, (unsigned char *)msg,
              strlen(msg), mac, sizeof mac, &maclen);
    free(msg);
    EVP_EncodeBlock((unsigned char *)out, mac, 32);
}

static bool signature_valid(const struct seen *s, const char *secret)
{
    char expected[64], header[80];
    sign(secret, s->id, s->ts, s->body, expected);
    snprintf(header, sizeof header, "v1,%s", expected);
    return strcmp(s->sig, header) == 0;
}

/* Subscribes the receiver and places one order; returns false if either failed. */
static bool order_with_webhook(const struct rs_server *srv, const struct receiver *r)
{
    char body[256];
    struct rs_response resp;
    snprintf(body, sizeof body,
             "{\"url\":\"http://127.0.0.1:%d/hooks/orders\",\"events\":[\"order.created\"]}",
             r->port);
    rs_post(srv, "/api/v1/webhooks", body, NULL, &resp);
    CHECK_INT_EQ(resp.status, 201);
    bool ok = resp.status == 201;
    rs_free(&resp);
    rs_post(srv, "/api/v1/carts", "", NULL, &resp);
    cJSON *j = cJSON_Parse(resp.body);
    snprintf(body, sizeof body, "{\"cart_id\":\"%s\"}",
             j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")) : "");
    cJSON_Delete(j);
    rs_free(&resp);
    const char *const key[] = {"Idempotency-Key: webhook-order", NULL};
    rs_post(srv, "/api/v1/checkout", body, key, &resp);
    CHECK_INT_EQ(resp.status, 201);
    ok &= resp.status == 201;
    rs_free(&resp);
    return ok;
}

static bool start(struct rs_server *srv, const char *broken, const char *schedule)
{
    const char *args[] = {
        "--listen", "127.0.0.1:0", "--webhook-schedule", schedule, broken ? "--broken" : NULL,
        broken,     NULL};
    return rs_start(srv, args);
}

static void test_delivery_retries_and_signatures(void)
{
    struct rs_server srv;
    struct receiver r;
    receiver_start(&r, 2, false);
    if (!start(&srv, NULL, "200ms,400ms")) {
        CHECK(0);
        receiver_stop(&r);
        return;
    }
    CHECK(order_with_webhook(&srv, &r));
    CHECK_INT_EQ(receiver_wait(&r, 3, 5), 3);
    usleep(300 * 1000);
    CHECK_INT_EQ(r.count, 3); /* the third attempt succeeded: no more */
    if (r.count >= 3) {
        double gap1 = r.seen[1].at - r.seen[0].at, gap2 = r.seen[2].at - r.seen[1].at;
        CHECK(gap1 > 0.15 && gap1 < 0.8);
        CHECK(gap2 > 0.35 && gap2 < 1.0);
        CHECK_STR_EQ(r.seen[1].id, r.seen[0].id);
        CHECK_STR_EQ(r.seen[2].id, r.seen[0].id);
        for (int i = 0; i < 3; i++) {
            CHECK(signature_valid(&r.seen[i], WEBHOOK_SECRET));
            CHECK(llabs(atoll(r.seen[i].ts) - (long long)time(NULL)) < 10);
        }
        cJSON *j = cJSON_Parse(r.seen[0].body);
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "type")), "order.created");
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), r.seen[0].id);
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "version")), "2024-01-01");
        CHECK(cJSON_IsNumber(cJSON_GetObjectItem(j, "timestamp")));
        CHECK_CONTAINS(
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "data"), "id")), "o_");
        cJSON_Delete(j);
        CHECK_STR_EQ(r.seen[2].body, r.seen[0].body);
    }
    struct rs_response m;
    rs_get(&srv, "/metrics", &m);
    CHECK_CONTAINS(m.body, "refstore_webhook_deliveries_total{result=\"delivered\"} 1");
    CHECK_CONTAINS(m.body, "refstore_webhook_deliveries_total{result=\"failed_attempt\"} 2");
    rs_free(&m);
    CHECK_INT_EQ(rs_stop(&srv), 0);
    receiver_stop(&r);
}

static void test_give_up_after_schedule(void)
{
    struct rs_server srv;
    struct receiver r;
    receiver_start(&r, 100, false);
    if (!start(&srv, NULL, "100ms")) {
        CHECK(0);
        receiver_stop(&r);
        return;
    }
    CHECK(order_with_webhook(&srv, &r));
    CHECK_INT_EQ(receiver_wait(&r, 2, 3), 2);
    usleep(400 * 1000);
    CHECK_INT_EQ(r.count, 2);
    struct rs_response m;
    rs_get(&srv, "/metrics", &m);
    CHECK_CONTAINS(m.body, "refstore_webhook_deliveries_total{result=\"given_up\"} 1");
    rs_free(&m);
    CHECK_INT_EQ(rs_stop(&srv), 0);
    receiver_stop(&r);
}

static int delete_status(const struct rs_server *srv, const char *path)
{
    struct rs_request req = {.method = "DELETE", .url = rs_url(srv, "http", path)};
    struct rs_response resp;
    rs_do(&req, &resp);
    int status = resp.status;
    rs_free(&resp);
    return status;
}

/* DELETE ends a subscription: its pending retries are dropped and new events skip it. */
static void test_unsubscribe(void)
{
    struct rs_server srv;
    struct receiver r;
    receiver_start(&r, 100, false);
    if (!start(&srv, NULL, "300ms,300ms")) {
        CHECK(0);
        receiver_stop(&r);
        return;
    }
    CHECK(order_with_webhook(&srv, &r));
    CHECK_INT_EQ(receiver_wait(&r, 1, 3), 1);
    CHECK_INT_EQ(delete_status(&srv, "/api/v1/webhooks/wh_1"), 204);
    CHECK_INT_EQ(delete_status(&srv, "/api/v1/webhooks/wh_1"), 404);
    CHECK_INT_EQ(delete_status(&srv, "/api/v1/webhooks/wh_9"), 404);
    usleep(800 * 1000);
    CHECK_INT_EQ(r.count, 1); /* the retries due at 300 and 600 ms never came */
    CHECK_INT_EQ(rs_stop(&srv), 0);
    receiver_stop(&r);
}

static void check_metric(const struct rs_server *srv, const char *line)
{
    struct rs_response m;
    rs_get(srv, "/metrics", &m);
    CHECK_CONTAINS(m.body, line);
    rs_free(&m);
}

/* A receiver that never answers is given 5 s, then the delivery is retried. */
static void test_silent_receiver(void)
{
    struct rs_server srv;
    struct receiver r;
    receiver_start(&r, 0, true);
    if (!start(&srv, NULL, "100ms")) {
        CHECK(0);
        receiver_stop(&r);
        return;
    }
    CHECK(order_with_webhook(&srv, &r));
    CHECK_INT_EQ(receiver_wait(&r, 2, 8), 2);
    if (r.count == 2) {
        double gap = r.seen[1].at - r.seen[0].at;
        CHECK(gap > 4.9 && gap < 6.5);
        CHECK_STR_EQ(r.seen[1].id, r.seen[0].id);
    }
    usleep(100 * 1000);
    check_metric(&srv, "refstore_webhook_deliveries_total{result=\"delivered\"} 1");
    CHECK_INT_EQ(rs_stop(&srv), 0);
    receiver_stop(&r);
}

/* A refused connection counts as a failed attempt like an error status. */
static void test_refused_connection(void)
{
    struct receiver r;
    receiver_start(&r, 0, false);
    receiver_stop(&r); /* its port is now closed */
    struct rs_server srv;
    if (!start(&srv, NULL, "100ms,100ms"))
        return;
    CHECK(order_with_webhook(&srv, &r));
    usleep(600 * 1000);
    check_metric(&srv, "refstore_webhook_deliveries_total{result=\"failed_attempt\"} 3");
    check_metric(&srv, "refstore_webhook_deliveries_total{result=\"given_up\"} 1");
    CHECK_INT_EQ(rs_stop(&srv), 0);
}

/* Each broken variant, with a receiver that fails once. */
static void test_broken_webhooks(void)
{
    const char *variants[] = {"unsigned-webhooks", "bad-webhook-signature", "no-webhook-retries",
                              "unstable-webhook-id", "webhook-payload-bare"};
    for (int v = 0; v < 5; v++) {
        struct rs_server srv;
        struct receiver r;
        receiver_start(&r, 1, false);
        if (!start(&srv, variants[v], "100ms,100ms")) {
            CHECK(0);
            receiver_stop(&r);
            continue;
        }
        CHECK(order_with_webhook(&srv, &r));
        int want = v == 2 ? 1 : 2;
        CHECK_INT_EQ(receiver_wait(&r, want, 3), want);
        usleep(400 * 1000);
        CHECK_INT_EQ(r.count, want);
        if (r.count >= want) {
            switch (v) {
            case 0:
                CHECK_STR_EQ(r.seen[0].sig, "");
                break;
            case 1:
                CHECK_CONTAINS(r.seen[0].sig, "v1,");
                CHECK(!signature_valid(&r.seen[0], WEBHOOK_SECRET));
                break;
            case 2:
                CHECK(signature_valid(&r.seen[0], WEBHOOK_SECRET));
                break;
            case 3:
                CHECK(strcmp(r.seen[0].id, r.seen[1].id) != 0);
                CHECK(signature_valid(&r.seen[1], WEBHOOK_SECRET));
                break;
            case 4:
                CHECK(!strstr(r.seen[0].body, "\"type\""));
                CHECK(!strstr(r.seen[0].body, "\"version\""));
                CHECK(strncmp(r.seen[0].body, "{\"id\":\"o_", 9) == 0);
                break;
            }
        }
        CHECK_INT_EQ(rs_stop(&srv), 0);
        receiver_stop(&r);
    }
}

static long callback(const struct rs_server *srv, const char *secret, const char *id, long long ts,
                     const char *body)
{
    char sig[64], h_id[160], h_ts[64], h_sig[96], tss[32];
    snprintf(tss, sizeof tss, "%lld", ts);
    sign(secret, id, tss, body, sig);
    snprintf(h_id, sizeof h_id, "webhook-id: %s", id);
    snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %s", tss);
    snprintf(h_sig, sizeof h_sig, "webhook-signature: v1,%s", sig);
    const char *const headers[] = {h_id, h_ts, h_sig, "Content-Type: application/json", NULL};
    struct rs_response r;
    rs_post(srv, "/api/v1/payments/callback", body, headers, &r);
    long status = r.status;
    if (status != 204)
        CHECK_CONTAINS(r.body, "\"status\":");
    rs_free(&r);
    return status;
}

static void test_intake(void)
{
    const char *body = "{\"type\":\"payment.succeeded\",\"data\":{\"amount\":1299}}";
    long long now = (long long)time(NULL);
    for (int broken = 0; broken < 2; broken++) {
        struct rs_server srv;
        const char *args[] = {"--listen", "127.0.0.1:0", broken ? "--broken" : NULL,
                              "intake-no-verify", NULL};
        if (!rs_start(&srv, args)) {
            CHECK(0);
            continue;
        }
        long valid = callback(&srv, INTAKE_SECRET, "msg_good_1", now, body);
        long forged = callback(&srv, WEBHOOK_SECRET, "msg_forged", now, body);
        long stale = callback(&srv, INTAKE_SECRET, "msg_stale", now - 600, body);
        long replay = callback(&srv, INTAKE_SECRET, "msg_good_1", now, body);
        struct rs_response r;
        rs_post(&srv, "/api/v1/payments/callback", body, NULL, &r);
        long unsigned_status = r.status;
        rs_free(&r);
        if (!broken) {
            CHECK_INT_EQ(valid, 204);
            CHECK_INT_EQ(forged, 401);
            CHECK_INT_EQ(stale, 400);
            CHECK_INT_EQ(replay, 409);
            CHECK(unsigned_status == 400 || unsigned_status == 401);
        } else {
            CHECK_INT_EQ(valid, 204);
            CHECK_INT_EQ(forged, 204);
            CHECK_INT_EQ(stale, 204);
            CHECK_INT_EQ(replay, 204);
            CHECK_INT_EQ(unsigned_status, 204);
        }
        CHECK_INT_EQ(rs_stop(&srv), 0);
    }
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN(test_delivery_retries_and_signatures);
    RUN(test_give_up_after_schedule);
    RUN(test_unsubscribe);
    RUN(test_silent_receiver);
    RUN(test_refused_connection);
    RUN(test_broken_webhooks);
    RUN(test_intake);
    curl_global_cleanup();
    return check_summary();
}
