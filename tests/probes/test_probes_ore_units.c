/*
 * The O/R/E probes' parts that need no store: the Prometheus text reader, the three webhook
 * signature schemes on known vectors (computed independently with Python's hmac), the leak
 * detector, API path helpers, problem+json checks, the webhook receiver over a real loopback
 * socket, and the fault hook's command timeout.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probes/api_path.h"
#include "probes/fault.h"
#include "probes/leaks.h"
#include "probes/problem.h"
#include "probes/prometheus.h"
#include "probes/store.h"
#include "probes/webhook_receiver.h"
#include "probes/webhook_sig.h"
#include "tests/support/check.h"

static int prom_ok(const char *text, size_t *samples)
{
    struct prom_stats st;
    char err[200];
    int rc = prom_parse(text, strlen(text), &st, err, sizeof err);
    if (samples)
        *samples = st.samples;
    return rc;
}

static void test_prometheus_valid(void)
{
    size_t n;
    CHECK(prom_ok("# HELP a_total Requests.\n# TYPE a_total counter\n"
                  "a_total{route=\"/x\",status=\"200\"} 12\na_total{route=\"/y\"} 3 1700000000000\n"
                  "\n# a free comment\nb 1.5e3\nc NaN\nd +Inf\n",
                  &n) == 0);
    CHECK_INT_EQ(n, 5);
    /* Histogram series belong to their typed family. */
    CHECK(prom_ok("# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
                  "h_sum 0.3\nh_count 2\n",
                  &n) == 0);
    CHECK_INT_EQ(n, 4);
    CHECK(prom_ok("esc{l=\"a\\\"b\\\\c\\nd\"} 1\n", NULL) == 0);
}

static void test_prometheus_invalid(void)
{
    static const char *const bad[] = {
        "",                                   /* empty */
        "a 1",                                /* no final newline */
        "1a 1\n",                             /* bad name */
        "a{l=\"x\" 1\n",                      /* unterminated labels */
        "a{l=x} 1\n",                         /* unquoted value */
        "a{l=\"\\t\"} 1\n",                   /* bad escape */
        "a one\n",                            /* value not a number */
        "a 1 1.5\n",                          /* timestamp not an integer */
        "# TYPE a countr\n",                  /* unknown type */
        "# TYPE a counter\n# TYPE a gauge\n", /* second TYPE */
        "a 1\n# TYPE a counter\n",            /* TYPE after samples */
        "a 1\nb 1\na 2\n",                    /* family split */
        "a 1\r\n",                            /* carriage return */
        "a{,} 1\n",                           /* empty label */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = prom_ok(bad[i], NULL);
        if (rc == 0)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(rc != 0);
    }
    struct prom_stats st;
    char err[200];
    prom_parse("a 1\nb x\n", 8, &st, err, sizeof err);
    CHECK(strstr(err, "line 2") != NULL);
}

static void test_sig_stripe(void)
{
    const char *body = "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}";
    const char *sig = "t=1700000000,v1=b2585e3ff743dea5d54af77485ea2cc857e0030709be2ffa4522a77a"
                      "876231e5";
    long long ts;
    char why[200];
    CHECK(whsig_verify(WEBHOOK_STRIPE, "whsec_test_stripe_secret", NULL, NULL, sig, body,
                       strlen(body), &ts, why, sizeof why) == WHSIG_VALID);
    CHECK(ts == 1700000000LL);
    /* Several signatures (secret rotation): any one may match. */
    const char *two = "t=1700000000,v1=00000000000000000000000000000000000000000000000000000000"
                      "00000000,v1=b2585e3ff743dea5d54af77485ea2cc857e0030709be2ffa4522a77a87623"
                      "1e5,v0=xyz";
    CHECK(whsig_verify(WEBHOOK_STRIPE, "whsec_test_stripe_secret", NULL, NULL, two, body,
                       strlen(body), &ts, why, sizeof why) == WHSIG_VALID);
    CHECK(whsig_verify(WEBHOOK_STRIPE, "another secret", NULL, NULL, sig, body, strlen(body), &ts,
                       why, sizeof why) == WHSIG_MISMATCH);
    CHECK(whsig_verify(WEBHOOK_STRIPE, "whsec_test_stripe_secret", NULL, NULL, sig, "{}", 2, &ts,
                       why, sizeof why) == WHSIG_MISMATCH);
    CHECK(whsig_verify(WEBHOOK_STRIPE, "s", NULL, NULL, "v1=abc", body, strlen(body), &ts, why,
                       sizeof why) == WHSIG_MALFORMED);
    CHECK(whsig_verify(WEBHOOK_STRIPE, "s", NULL, NULL, "t=1,v1=zz", body, strlen(body), &ts, why,
                       sizeof why) == WHSIG_MALFORMED);
    CHECK(whsig_verify(WEBHOOK_STRIPE, "s", NULL, NULL, NULL, body, strlen(body), &ts, why,
                       sizeof why) == WHSIG_MISSING);
    /* Signing gives back the same vector. */
    char lines[3][256];
    CHECK(whsig_sign(WEBHOOK_STRIPE, "whsec_test_stripe_secret", "evt_1", 1700000000LL, body,
                     strlen(body), lines) == 0);
    CHECK_STR_EQ(lines[0], "Stripe-Signature: t=1700000000,v1=b2585e3ff743dea5d54af77485ea2cc857e"
                           "0030709be2ffa4522a77a876231e5");
}

static void test_sig_shopify(void)
{
    const char *body = "{\"id\":1,\"topic\":\"orders/create\"}";
    const char *sig = "k72tceQzwLrcNoh8q2ZaNlbbj/oVrcHNV4qHTP1iWNs=";
    long long ts;
    char why[200];
    CHECK(whsig_verify(WEBHOOK_SHOPIFY, "shpss_test_secret", NULL, NULL, sig, body, strlen(body),
                       &ts, why, sizeof why) == WHSIG_VALID);
    CHECK(ts == -1);
    CHECK(whsig_verify(WEBHOOK_SHOPIFY, "other", NULL, NULL, sig, body, strlen(body), &ts, why,
                       sizeof why) == WHSIG_MISMATCH);
    CHECK(whsig_verify(WEBHOOK_SHOPIFY, "shpss_test_secret", NULL, NULL, "not base64!", body,
                       strlen(body), &ts, why, sizeof why) == WHSIG_MALFORMED);
    char lines[3][256];
    CHECK(whsig_sign(WEBHOOK_SHOPIFY, "shpss_test_secret", "wh-1", 0, body, strlen(body), lines) ==
          0);
    CHECK_STR_EQ(lines[0], "X-Shopify-Hmac-Sha256: k72tceQzwLrcNoh8q2ZaNlbbj/oVrcHNV4qHTP1iWNs=");
    CHECK_STR_EQ(lines[1], "X-Shopify-Webhook-Id: wh-1");
}

static void test_sig_standard(void)
{
    /* The example of the Standard Webhooks specification. */
    const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const char *body = "{\"test\": 2432232314}";
    long long ts;
    char why[200];
    CHECK(whsig_verify(WEBHOOK_STANDARD, secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                       "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body, strlen(body), &ts,
                       why, sizeof why) == WHSIG_VALID);
    CHECK(ts == 1614265330LL);
    CHECK(whsig_verify(WEBHOOK_STANDARD, secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                       "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body,
                       strlen(body), &ts, why, sizeof why) == WHSIG_VALID);
    CHECK(whsig_verify(WEBHOOK_STANDARD, secret, "msg_other", "1614265330",
                       "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body, strlen(body), &ts,
                       why, sizeof why) == WHSIG_MISMATCH);
    CHECK(whsig_verify(WEBHOOK_STANDARD, secret, NULL, "1614265330", "v1,x", body, strlen(body),
                       &ts, why, sizeof why) == WHSIG_MISSING);
    CHECK(whsig_verify(WEBHOOK_STANDARD, secret, "m", "soon", "v1,x", body, strlen(body), &ts, why,
                       sizeof why) == WHSIG_MALFORMED);
    CHECK(whsig_verify(WEBHOOK_STANDARD, "whsec_!!!", "m", "1", "v1,x", body, strlen(body), &ts,
                       why, sizeof why) == WHSIG_BAD_SECRET);
    char lines[3][256];
    CHECK(whsig_sign(WEBHOOK_STANDARD, secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330LL, body,
                     strlen(body), lines) == 0);
    CHECK_STR_EQ(lines[2], "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    /* The secret never shows in what verify explains. */
    CHECK(strstr(why, "MfKQ9r8") == NULL);
}

static void test_leaks(void)
{
    char ex[160];
    CHECK(leak_find("{\"status\":\"ok\"}", LEAK_ALL, ex, sizeof ex) == NULL);
    CHECK(leak_find("<h1>404 Not Found</h1><p>nothing here</p>", LEAK_ALL, ex, sizeof ex) == NULL);
    CHECK_STR_EQ(leak_find("x Traceback (most recent call last):\n  File", LEAK_ALL, ex, sizeof ex),
                 "stack trace");
    CHECK_STR_EQ(leak_find("{\"db\":\"postgres://u:p@h/db\"}", LEAK_ALL, ex, sizeof ex),
                 "connection string");
    CHECK_STR_EQ(leak_find("upstream 10.0.12.7:8081 failed", LEAK_ALL, ex, sizeof ex),
                 "private address");
    CHECK(strstr(ex, "10.0.12.7") != NULL);
    CHECK(leak_find("version 1.10.0.1", LEAK_ALL, ex, sizeof ex) ==
          NULL); /* not a private address */
    CHECK_STR_EQ(leak_find("{\"app\":{\"version\":\"3.4.1\"}}", LEAK_ALL, ex, sizeof ex),
                 "software version");
    /* An error page may mention passwords and internal-looking words; only debug output
     * counts there. */
    const char *page = "<a href=/reset>Forgot your password?</a> API version 2, 10.0.0.1";
    CHECK(leak_find(page, LEAK_DEBUG, ex, sizeof ex) == NULL);
    CHECK_STR_EQ(leak_find(page, LEAK_ALL, ex, sizeof ex), "credential");
    CHECK_STR_EQ(leak_find("<pre>Traceback (most recent call last):", LEAK_DEBUG, ex, sizeof ex),
                 "stack trace");
}

static void test_api_path(void)
{
    char p[64];
    api_path_prefix("/api/v1/products?page=1", p, sizeof p);
    CHECK_STR_EQ(p, "/api/v1/");
    api_path_prefix("/api/v1/products/", p, sizeof p);
    CHECK_STR_EQ(p, "/api/v1/");
    size_t at, len;
    long v;
    /* A child path never lands in the query string, whatever the configured path ends with. */
    api_path_child("/api/v1/products?sort=new&page=2", "x", p, sizeof p);
    CHECK_STR_EQ(p, "/api/v1/products/x");
    api_path_child("/api/v1/products/", "x", p, sizeof p);
    CHECK_STR_EQ(p, "/api/v1/products/x");
    api_path_child("", "x", p, sizeof p);
    CHECK_STR_EQ(p, "/x");
    CHECK(api_path_version("/api/v12/products", &at, &len, &v) == 0);
    CHECK_INT_EQ(at, 5);
    CHECK_INT_EQ(len, 3);
    CHECK_INT_EQ(v, 12);
    CHECK(api_path_version("/api/v1", &at, &len, &v) == 0);
    CHECK(api_path_version("/api/video/x", &at, &len, &v) != 0);
    CHECK(api_path_version("/api/products?v=2", &at, &len, &v) != 0);
}

static void test_problem(void)
{
    char name[] = "Content-Type", pj[] = "application/problem+json", body[128];
    struct http_response r = {.status = 404, .header_count = 1};
    r.headers[0].name = name;
    r.headers[0].value = pj;
    r.body = body;
    char why[200];
    snprintf(body, sizeof body,
             "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
    CHECK(problem_check(&r, why, sizeof why) == 0);
    snprintf(body, sizeof body, "{\"title\":\"Not Found\",\"status\":400}");
    CHECK(problem_check(&r, why, sizeof why) != 0);
    CHECK(strstr(why, "404") != NULL);
    snprintf(body, sizeof body, "{\"status\":404}");
    CHECK(problem_check(&r, why, sizeof why) != 0);
    snprintf(body, sizeof body, "not json");
    CHECK(problem_check(&r, why, sizeof why) != 0);
}

/* POST a request to the receiver; the status it answered. */
static int post(unsigned port, const char *extra_headers, const char *body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "POST /hook HTTP/1.1\r\nHost: x\r\n%sContent-Length: %zu\r\n\r\n%s",
                     extra_headers, strlen(body), body);
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    char buf[256] = "";
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    int status = 0;
    return got > 0 && sscanf(buf, "HTTP/1.1 %d", &status) == 1 ? status : -1;
}

static void test_receiver(void)
{
    char why[200];
    struct whr *r = whr_start("127.0.0.1", 0, 2, why, sizeof why);
    CHECK(r != NULL);
    if (!r)
        return;
    unsigned port = whr_port(r);
    /* Two events; each gets 500, 503, then 200. */
    CHECK_INT_EQ(post(port, "webhook-id: a\r\n", "{\"id\":\"evt_a\",\"x\":\"o_1\"}"), 500);
    CHECK_INT_EQ(post(port, "webhook-id: b\r\n", "{\"id\":\"evt_b\",\"x\":\"o_2\"}"), 500);
    CHECK_INT_EQ(post(port, "webhook-id: a\r\n", "{\"id\":\"evt_a\",\"x\":\"o_1\"}"), 503);
    CHECK_INT_EQ(post(port, "webhook-id: a\r\n", "{\"id\":\"evt_a\",\"x\":\"o_1\"}"), 200);
    CHECK_INT_EQ(whr_wait(r, "o_1", 3, probe_now_ms() + 2000, NULL), 3);
    CHECK_INT_EQ(whr_wait(r, NULL, 4, probe_now_ms() + 2000, NULL), 4);
    const struct whr_delivery *d = whr_get(r, "o_1", 2);
    CHECK(d && d->answered == 200);
    CHECK(d && whr_header(d, "WEBHOOK-ID") && strcmp(whr_header(d, "webhook-id"), "a") == 0);
    CHECK(whr_get(r, "o_1", 3) == NULL);
    /* A wait for what never comes ends at its deadline. */
    uint64_t t0 = probe_now_ms();
    CHECK_INT_EQ(whr_wait(r, "o_9", 1, t0 + 150, NULL), 0);
    CHECK(probe_now_ms() - t0 < 1000);
    whr_stop(r);
}

static void test_fault_command_timeout(void)
{
    struct config cfg;
    config_init(&cfg);
    char flag[256];
    snprintf(flag, sizeof flag, "/tmp/storecheck-fault-test-%ld", (long)getpid());
    char stop_cmd[300];
    snprintf(stop_cmd, sizeof stop_cmd, "touch %s", flag);
    struct fault f = {.name = "slow",
                      .start = {.kind = FAULT_COMMAND, .command = "sleep 5"},
                      .stop = {.kind = FAULT_COMMAND, .command = stop_cmd}};
    char why[300];
    uint64_t t0 = probe_now_ms();
    CHECK(fault_start(&cfg, &f, 200, why, sizeof why) != 0);
    CHECK(probe_now_ms() - t0 < 2000);
    CHECK(strstr(why, "killed") != NULL);
    /* The started fault is remembered; undoing all runs its stop command. */
    CHECK_INT_EQ(fault_undo_all(), 1);
    CHECK(access(flag, F_OK) == 0);
    CHECK_INT_EQ(fault_undo_all(), 0);
    unlink(flag);
    config_free(&cfg);
}

/* The id of a cart or order answer: top-level, or of the one object the answer wraps it in. */
static void test_json_id(void)
{
    char id[64];
    CHECK(store_json_id("{\"id\":\"c1\",\"cart\":{\"id\":\"c2\"}}", id, sizeof id) == 0);
    CHECK_STR_EQ(id, "c1");
    CHECK(store_json_id("{\"id\":42}", id, sizeof id) == 0);
    CHECK_STR_EQ(id, "42");
    CHECK(store_json_id("{\"cart\":{\"id\":\"cart_01\",\"items\":[]}}", id, sizeof id) == 0);
    CHECK_STR_EQ(id, "cart_01");
    CHECK(store_json_id("{\"type\":\"order\",\"order\":{\"id\":\"order_9\"}}", id, sizeof id) == 0);
    CHECK_STR_EQ(id, "order_9");
    /* Two wrapped ids: which one is the cart is not known. */
    CHECK(store_json_id("{\"cart\":{\"id\":\"a\"},\"customer\":{\"id\":\"b\"}}", id, sizeof id) ==
          -1);
    CHECK(store_json_id("{\"cart\":{\"token\":\"a\"}}", id, sizeof id) == -1);
    CHECK(store_json_id("[{\"id\":\"a\"}]", id, sizeof id) == -1);
    CHECK(store_json_id("not json", id, sizeof id) == -1);
}

int main(void)
{
    RUN(test_prometheus_valid);
    RUN(test_prometheus_invalid);
    RUN(test_sig_stripe);
    RUN(test_sig_shopify);
    RUN(test_sig_standard);
    RUN(test_leaks);
    RUN(test_api_path);
    RUN(test_problem);
    RUN(test_receiver);
    RUN(test_fault_command_timeout);
    RUN(test_json_id);
    return check_summary();
}
