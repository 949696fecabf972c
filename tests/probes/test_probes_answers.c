/*
 * Probes against a loopback server that answers every request the same chosen way, for the
 * answers a store gives when the config does not fit it: a catalog without a list, a login
 * that answers "bad request" to every attempt. The probe must say what it really saw, and
 * never judge a request error as the thing it asked for. The server also records the paths
 * it was asked for, to check what a probe requested. Also the security headers of a page whose
 * CSP stands in a <meta> tag.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/under_load.h"
#include "tests/probes/support.h"
#include "tests/support/check.h"

struct canned {
    int status;
    const char *type;
    const char *body;
    const char *headers; /* extra "Name: value\r\n" lines; NULL: none */
};

/* The paths the server was asked for (shared with the connection processes). */
enum { LOG_PATHS = 64, LOG_PATH_LEN = 256 };
struct path_log {
    int n;
    char paths[LOG_PATHS][LOG_PATH_LEN];
};
static struct path_log *seen;

/* Record the path and give the canned answer. */
static size_t answer_canned(const struct sup_request *req, char *out, size_t cap, const void *arg)
{
    const struct canned *a = arg;
    int slot = __atomic_fetch_add(&seen->n, 1, __ATOMIC_SEQ_CST);
    if (slot < LOG_PATHS)
        snprintf(seen->paths[slot], LOG_PATH_LEN, "%s", req->target);
    int n = snprintf(out, cap,
                     "HTTP/1.1 %d Canned\r\nContent-Type: %s\r\n%sContent-Length: %zu\r\n\r\n%s",
                     a->status, a->type, a->headers ? a->headers : "", strlen(a->body), a->body);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static void serve_canned(int fd, const void *arg)
{
    sup_serve_requests(fd, answer_canned, arg);
}

/* A server on a free loopback port giving answer a to everything: one process per
 * connection. */
static pid_t start_server(const struct canned *a, int *port)
{
    memset(seen, 0, sizeof *seen);
    int fd = sup_listen_loopback(port);
    return fd < 0 ? -1 : sup_fork_server(fd, serve_canned, a);
}

/* A server giving answer a, and a config for it with the endpoints given as YAML flow-mapping
 * text; the server's pid, or -1 (the failure is checked). */
static pid_t start_configured(const struct canned *a, const char *endpoints, struct config *cfg)
{
    int port;
    pid_t srv = start_server(a, &port);
    CHECK(srv > 0);
    if (srv <= 0)
        return -1;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  endpoints: %s\n"
             "audit: { probe_timeout: 10s, deadline: 30s }\n",
             port, endpoints);
    if (sup_config_yaml(cfg, yaml) != 0) {
        CHECK(!"config loads");
        sup_stop(srv);
        return -1;
    }
    return srv;
}

/* Run the probe id of the registry against a server giving answer a; the result is checked
 * against want and text (in the reason or the evidence), and the reason must not contain
 * absent. */
static void run_against(const struct canned *a, const char *id, enum probe_status want,
                        const char *text, const char *absent)
{
    int port;
    pid_t srv = start_server(a, &port);
    CHECK(srv > 0);
    if (srv <= 0)
        return;
    struct config cfg;
    CHECK(sup_config(&cfg, 0, port, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, id, &rep);
    CHECK(sup_expect(&rep, id, want, text));
    const struct probe_result *r = sup_result(&rep, id);
    if (r && absent && sup_has_text(r, absent)) {
        CHECK(!"the result does not say what it must not");
        sup_print(id, r);
    }
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

/* A catalog that answers 200 with JSON but no list: the reason says so, and neither "did
 * not answer 200" nor a count of -1 items. */
static void test_pagination_no_list(void)
{
    const struct canned a = {200, "application/json", "{\"catalog\":{\"count\":3}}", NULL};
    run_against(&a, "E-PAGINATION", PROBE_ERROR, "the catalog answered 200 with JSON but no list",
                "-1 items");
    run_against(&a, "E-PAGINATION", PROBE_ERROR, "no list to judge", "did not answer 200");
    const struct canned html = {200, "text/html", "<!doctype html><title>Shop</title>", NULL};
    run_against(&html, "E-PAGINATION", PROBE_ERROR, "answered 200 but not with JSON", "-1 items");
    const struct canned missing = {404, "application/json", "{}", NULL};
    run_against(&missing, "E-PAGINATION", PROBE_SKIP, "the request was wrong", "-1 items");
}

/* Every endpoint the config names, on a server that gives answer a to all of them; run the
 * probes in only and check each one skipped saying the request was wrong, with text, and
 * judged nothing (absent is in no reason). */
static void expect_wrong_request(const struct canned *a, const char *only, const char *text,
                                 const char *absent)
{
    struct config cfg;
    pid_t srv =
        start_configured(a,
                         "{ home: /, catalog: /api/products, search: \"/api/search?q={{q}}\",\n"
                         "  health: /health, metrics: /metrics, openapi: /openapi.json,\n"
                         "  static_asset: /app.css, checkout_page: /checkout,\n"
                         "  cart: /api/carts }",
                         &cfg);
    if (srv <= 0)
        return;
    struct engine_report rep;
    sup_run(&cfg, only, &rep);
    char ids[512];
    snprintf(ids, sizeof ids, "%s", only);
    for (char *id = strtok(ids, ","); id; id = strtok(NULL, ",")) {
        CHECK(sup_expect(&rep, id, PROBE_SKIP, "the request was wrong"));
        CHECK(sup_expect(&rep, id, PROBE_SKIP, text));
        const struct probe_result *r = sup_result(&rep, id);
        if (r && absent && strstr(r->reason, absent)) {
            CHECK(!"the reason judges the answer as the page asked for");
            sup_print(id, r);
        }
    }
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

/* A 404, 405, 406 or 415 to a configured endpoint is not the page or API asked for: each probe
 * that fetched it says the request was wrong and which key to fix, and passes or fails
 * nothing on it. */
static void test_wrong_requests(void)
{
    const struct canned missing = {404, "text/html", "<h1>Not Found</h1>", NULL};
    expect_wrong_request(&missing,
                         "S-NOSNIFF,S-CSP,S-REFERRER-POLICY,S-CORS,T-COMPRESSION,T-STATIC-CACHE,"
                         "T-CONDITIONAL-GET,T-CACHE-HIT,O-REQUEST-ID,O-HEALTH,O-METRICS,"
                         "O-BODY-LIMIT,E-PAGINATION,E-OPENAPI,S-SRI",
                         "answered 404 (nothing at that path); set target.endpoints.", "no X-");
    const struct canned method = {405, "application/json", "{}", "Allow: POST\r\n"};
    expect_wrong_request(&method, "S-NOSNIFF,O-REQUEST-ID,O-HEALTH,E-PAGINATION,T-LATENCY",
                         "answered 405 (the endpoint takes another method, Allow: POST)", "no X-");
    const struct canned accept = {406, "application/json", "{}", NULL};
    expect_wrong_request(&accept, "S-NOSNIFF,T-STATIC-CACHE,O-METRICS,E-API-VERSION",
                         "answered 406 (the endpoint does not serve the type asked for in "
                         "Accept)",
                         "not Prometheus");
    const struct canned media = {415, "application/json", "{}", NULL};
    expect_wrong_request(&media, "O-BODY-LIMIT", "answered 415", "not 413");
}

/* A login that answers 400 to every attempt never saw a login: no "none throttled" warning,
 * a skip naming what the store answered. */
static void test_rate_limit_request_errors(void)
{
    const struct canned a = {400, "application/problem+json",
                             "{\"title\":\"Bad Request\",\"status\":400}", NULL};
    run_against(&a, "T-RATE-LIMIT", PROBE_SKIP,
                "x 400): the store did not take the burst as "
                "login attempts",
                "none throttled");
    /* A refused login (401) is a login attempt: judged as before. */
    const struct canned refused = {401, "application/json", "{\"error\":\"invalid\"}", NULL};
    run_against(&refused, "T-RATE-LIMIT", PROBE_WARN, "login attempts in", NULL);
}

/* O-ERRORS-UNDER-LOAD against a server giving answer a to everything; its result checked
 * against want and text, and the reason must not contain absent. The server's log of paths
 * is left for the caller. */
static void run_errors_under_load(const struct canned *a, enum probe_status want, const char *text,
                                  const char *absent)
{
    struct config cfg;
    pid_t srv = start_configured(a, "{ catalog: \"/api/v1/products?sort=new\" }", &cfg);
    if (srv <= 0)
        return;
    const struct strv only = {(const char *[]){"O-ERRORS-UNDER-LOAD"}, 1};
    struct engine_options opt = {
        .table = under_load_probes, .table_count = under_load_probe_count, .only = &only};
    struct engine_report rep;
    char err[256];
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    CHECK(sup_expect(&rep, "O-ERRORS-UNDER-LOAD", want, text));
    const struct probe_result *r = sup_result(&rep, "O-ERRORS-UNDER-LOAD");
    if (r && absent && strstr(r->reason, absent)) {
        CHECK(!"the reason says what the answers were not");
        sup_print("O-ERRORS-UNDER-LOAD", r);
    }
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

/* The under-load error check asks for a missing page under the catalog's path, never inside
 * its query string. */
static void test_errors_under_load_path(void)
{
    const struct canned a = {404, "application/json", "{}", NULL};
    run_errors_under_load(&a, PROBE_PASS, "clean 4xx", NULL);
    int found = 0;
    for (int i = 0; i < seen->n && i < LOG_PATHS; i++) {
        if (strncmp(seen->paths[i], "/api/v1/products", 16) != 0)
            continue;
        found++;
        CHECK(strncmp(seen->paths[i], "/api/v1/products/storecheck-missing-", 36) == 0);
        CHECK(strchr(seen->paths[i], '?') == NULL);
        printf("asked for %s\n", seen->paths[i]);
    }
    CHECK_INT_EQ(found, 1);
}

/* A 200 for a path that does not exist is no clean error answer: the probe says what it
 * got (a soft 404) instead of "clean 4xx"; a stack trace in it still fails. */
static void test_errors_under_load_soft_404(void)
{
    const struct canned page = {200, "text/html", "<!doctype html><title>Shop</title>", NULL};
    run_errors_under_load(&page, PROBE_WARN, "answered 200, not 4xx", "clean");
    const struct canned trace = {200, "application/json",
                                 "{\"error\":\"at handler (/srv/shop/app/routes.js:12:7)\"}", NULL};
    run_errors_under_load(&trace, PROBE_FAIL, "server source path", "clean");
}

/* A policy only in <meta>: S-CSP judges it and says where it came from; its frame-ancestors
 * protects nothing, so framing falls to X-Frame-Options, here an ALLOW-FROM browsers ignore. */
static void test_policy_in_meta(void)
{
    const struct canned page = {
        200, "text/html",
        "<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" "
        "content=\"script-src 'self'; object-src 'none'; form-action 'self'; "
        "frame-ancestors 'none'\"></head><body>shop</body></html>",
        "X-Frame-Options: ALLOW-FROM https://a.example.test\r\n"
        "Cross-Origin-Resource-Policy: cross-origin\r\n"};
    run_against(&page, "S-CSP", PROBE_PASS, "from a <meta> tag", NULL);
    run_against(&page, "S-X-FRAME-OPTIONS", PROBE_FAIL, "<meta> policy is ignored", NULL);
    run_against(&page, "S-X-FRAME-OPTIONS", PROBE_FAIL, "ALLOW-FROM is ignored", NULL);
    run_against(&page, "S-CORP", PROBE_WARN, "Cross-Origin-Resource-Policy cross-origin", NULL);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    seen = mmap(NULL, sizeof *seen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (seen == MAP_FAILED)
        return 1;
    engine_global_init();
    RUN(test_pagination_no_list);
    RUN(test_rate_limit_request_errors);
    RUN(test_errors_under_load_path);
    RUN(test_errors_under_load_soft_404);
    RUN(test_wrong_requests);
    RUN(test_policy_in_meta);
    engine_global_cleanup();
    munmap(seen, sizeof *seen);
    return check_summary();
}
