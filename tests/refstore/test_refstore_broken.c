/*
 * Every broken variant that shows over plain HTTP, each on its own store, asserting the
 * difference from the good store (the webhook, intake and TLS variants have their own tests).
 * Also the command line's refusals.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests/support/check.h"

static struct rs_server srv;
static char hv[4096];

static const char *hdr(const struct rs_response *r, const char *name)
{
    return rs_header(r, name, hv, sizeof hv) ? hv : NULL;
}
#define HDR(r, name) hdr(&(r), name)

static void get(const char *path, struct rs_response *r)
{
    rs_get(&srv, path, r);
}

static void get_with(const char *path, const char *header, struct rs_response *r)
{
    struct rs_request req = {.url = rs_url(&srv, "http", path),
                             .headers = (const char *const[]){header, NULL}};
    rs_do(&req, r);
}

static void check_weak_headers(void)
{
    struct rs_response r;
    get("/", &r);
    CHECK(HDR(r, "X-Content-Type-Options") == NULL);
    CHECK(HDR(r, "Referrer-Policy") == NULL);
    CHECK(HDR(r, "Permissions-Policy") == NULL);
    CHECK_CONTAINS(HDR(r, "Content-Security-Policy"), "unsafe-inline");
    CHECK(!strstr(hv, "frame-ancestors"));
    CHECK(HDR(r, "X-Frame-Options") == NULL);
    CHECK(HDR(r, "Cross-Origin-Resource-Policy") == NULL);
    rs_free(&r);
}

static void check_insecure_cookies(void)
{
    struct rs_response r;
    get("/", &r);
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "session=");
    CHECK(!strstr(hv, "HttpOnly") && !strstr(hv, "SameSite") && !strstr(hv, "Secure"));
    rs_free(&r);
    rs_post(&srv, "/api/v1/carts", "", NULL, &r);
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "cart=c_");
    CHECK(!strstr(hv, "HttpOnly") && !strstr(hv, "SameSite"));
    rs_free(&r);
}

static void check_bad_cookie_prefix(void)
{
    struct rs_response r;
    get("/", &r);
    /* The good session cookie stays; a __Host- one with a Domain comes beside it. */
    CHECK_CONTAINS(r.headers, "session=");
    const char *host = strstr(r.headers, "__Host-session=");
    CHECK(host != NULL);
    if (host) {
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(host, "\r\n"), host);
        CHECK_CONTAINS(line, "Domain=");
        CHECK_CONTAINS(line, "Path=/;");
    }
    rs_free(&r);
}

static void check_server_version(void)
{
    struct rs_response r;
    get("/api/v1/products/1", &r);
    CHECK_STR_EQ(HDR(r, "Server"), "nginx/1.18.0");
    CHECK_STR_EQ(HDR(r, "X-Powered-By"), "PHP/7.4.3");
    rs_free(&r);
}

static void check_body(const char *path, const char *needle)
{
    struct rs_response r;
    get(path, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body, needle);
    rs_free(&r);
}

static void check_leak_git(void)
{
    check_body("/.git/config", "repositoryformatversion");
    check_body("/.git/config", "[remote \"origin\"]");
    check_body("/.git/HEAD", "ref: refs/heads/");
}

static void check_leak_env(void)
{
    check_body("/.env", "DB_PASSWORD=");
}

static void check_leak_backup(void)
{
    check_body("/backup.sql", "CREATE TABLE");
    struct rs_response r;
    get("/backup.zip", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(r.body_len > 30 && memcmp(r.body, "PK\x03\x04", 4) == 0);
    rs_free(&r);
}

static void check_admin_exposed(void)
{
    check_body("/admin", "type=\"password\"");
}

static void check_cors_reflect(void)
{
    struct rs_response r;
    get_with("/api/v1/products/1", "Origin: https://evil.example", &r);
    CHECK_STR_EQ(HDR(r, "Access-Control-Allow-Origin"), "https://evil.example");
    CHECK_STR_EQ(HDR(r, "Access-Control-Allow-Credentials"), "true");
    rs_free(&r);
}

static void check_no_sri(void)
{
    struct rs_response r;
    get("/checkout", &r);
    CHECK_CONTAINS(r.body, "<script src=\"https://cdn.example.test/pay.js\"></script>");
    CHECK(!strstr(r.body, "integrity="));
    rs_free(&r);
}

static void check_no_gzip(void)
{
    struct rs_response r;
    struct rs_request req = {.url = rs_url(&srv, "http", "/"), .gzip = true};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(HDR(r, "Content-Encoding") == NULL);
    CHECK_CONTAINS(r.body, "<!doctype html>");
    rs_free(&r);
}

static void check_no_cache_headers(void)
{
    struct rs_response r;
    get("/static/app.css", &r);
    CHECK(HDR(r, "Cache-Control") == NULL);
    CHECK(HDR(r, "ETag") == NULL);
    CHECK(HDR(r, "Last-Modified") == NULL);
    rs_free(&r);
    get_with("/static/app.css", "If-Modified-Since: Fri, 01 Jan 2038 00:00:00 GMT", &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
}

static void check_public_cart_cache(void)
{
    struct rs_response r;
    rs_post(&srv, "/api/v1/carts", "", NULL, &r);
    CHECK_STR_EQ(HDR(r, "Cache-Control"), "public, max-age=300");
    CHECK(HDR(r, "Set-Cookie") != NULL);
    rs_free(&r);
    get("/account", &r);
    CHECK_STR_EQ(HDR(r, "Cache-Control"), "public, max-age=300");
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "session=");
    rs_free(&r);
}

/* Counts login answers by status over a quick burst. */
static void login_burst(int n, int *ok, int *limited, int *failed)
{
    *ok = *limited = *failed = 0;
    for (int i = 0; i < n; i++) {
        struct rs_response r;
        rs_post(&srv, "/api/v1/login", "{\"user\":\"u\"}", NULL, &r);
        *ok += r.status == 200;
        *limited += r.status == 429;
        *failed += r.status >= 500;
        rs_free(&r);
    }
}

static void check_no_rate_limit(void)
{
    int ok, limited, failed;
    login_burst(40, &ok, &limited, &failed);
    CHECK_INT_EQ(ok, 40);
}

static void check_rate_limit_500(void)
{
    int ok, limited, failed;
    login_burst(30, &ok, &limited, &failed);
    CHECK_INT_EQ(limited, 0);
    CHECK(failed >= 1);
}

static char cart_body[128];

static void new_cart(void)
{
    struct rs_response r;
    rs_post(&srv, "/api/v1/carts", "", NULL, &r);
    cJSON *j = cJSON_Parse(r.body);
    snprintf(cart_body, sizeof cart_body, "{\"cart_id\":\"%s\"}",
             j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")) : "");
    cJSON_Delete(j);
    rs_free(&r);
}

static long checkout(const char *body, const char *key_header, long timeout_ms,
                     struct rs_response *r)
{
    struct rs_request req = {.method = "POST",
                             .url = rs_url(&srv, "http", "/api/v1/checkout"),
                             .body = body,
                             .headers = (const char *const[]){key_header, NULL},
                             .timeout_ms = timeout_ms};
    rs_do(&req, r);
    return r->status;
}

static void check_no_idempotency(void)
{
    new_cart();
    struct rs_response r;
    CHECK_INT_EQ(checkout(cart_body, "Idempotency-Key: k1", 0, &r), 201);
    rs_free(&r);
    CHECK_INT_EQ(checkout(cart_body, "Idempotency-Key: k1", 0, &r), 201);
    CHECK(HDR(r, "Idempotent-Replayed") == NULL);
    rs_free(&r);
    get("/api/v1/orders?idempotency_key=k1", &r);
    CHECK_CONTAINS(r.body, "\"count\":2");
    rs_free(&r);
}

static void check_idempotency_no_conflict(void)
{
    new_cart();
    struct rs_response r, r2;
    CHECK_INT_EQ(checkout(cart_body, "Idempotency-Key: k2", 0, &r), 201);
    CHECK_INT_EQ(checkout("{\"cart_id\":\"c_other\",\"x\":1}", "Idempotency-Key: k2", 0, &r2), 201);
    CHECK_STR_EQ(r2.body, r.body);
    rs_free(&r);
    rs_free(&r2);
}

static void check_stack_traces(void)
{
    struct rs_response r;
    get("/nope", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(r.body, "Traceback (most recent call last)");
    rs_free(&r);
    get("/api/v1/nope", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(HDR(r, "Content-Type"), "text/html");
    CHECK_CONTAINS(r.body, "Traceback");
    rs_free(&r);
}

static void check_no_problem_json(void)
{
    struct rs_response r;
    get("/api/v1/nope", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(HDR(r, "Content-Type"), "text/plain");
    rs_free(&r);
}

static void check_oversize_500(void)
{
    bool closed;
    char out[4096];
    const char *req = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n";
    rs_raw(srv.http, req, strlen(req), out, sizeof out, 3000, &closed);
    CHECK_CONTAINS(out, "HTTP/1.1 500 ");
}

static void check_health_leaks(void)
{
    check_body("/healthz", "db-primary.internal");
    check_body("/healthz", "postgres://");
}

static void check_public_metrics(void)
{
    check_body("/metrics", "db_host=\"db-primary.internal:5432\"");
}

static void check_no_request_id(void)
{
    struct rs_response r;
    struct rs_request req = {
        .url = rs_url(&srv, "http", "/healthz"),
        .headers = (const char *const[]){"X-Request-Id: abc", "traceparent: 00-a-b-01", NULL}};
    rs_do(&req, &r);
    CHECK(HDR(r, "X-Request-Id") == NULL);
    CHECK(HDR(r, "traceparent") == NULL);
    rs_free(&r);
}

static void check_clock_skew(void)
{
    struct rs_response r;
    get("/healthz", &r);
    time_t date = HDR(r, "Date") ? curl_getdate(hv, NULL) : 0;
    CHECK(llabs((long long)(time(NULL) - date) - 3600) < 10);
    rs_free(&r);
}

static void fault(const char *method)
{
    struct rs_response r;
    struct rs_request req = {.method = method, .url = rs_url(&srv, "admin", "/faults/orders_down")};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
}

static void check_orders_down_500(void)
{
    new_cart();
    fault("POST");
    struct rs_response r;
    CHECK_INT_EQ(checkout(cart_body, "Idempotency-Key: down", 0, &r), 500);
    CHECK_CONTAINS(r.body, "Traceback");
    CHECK(HDR(r, "Retry-After") == NULL);
    rs_free(&r);
    fault("DELETE");
}

static void check_orders_down_hang(void)
{
    new_cart();
    fault("POST");
    struct rs_response r;
    checkout(cart_body, "Idempotency-Key: down", 1500, &r);
    CHECK(r.timed_out);
    CHECK(r.seconds >= 1.4);
    rs_free(&r);
    get("/api/v1/products/1", &r); /* the catalog still answers */
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
    fault("DELETE");
}

static void check_unknown_version_200(void)
{
    check_body("/api/v9/products/1", "\"sku\":\"SKU-00001\"");
}

static void check_no_pagination_cap(void)
{
    struct rs_response r;
    get("/api/v1/products?per_page=1000", &r);
    cJSON *j = cJSON_Parse(r.body);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1000);
    CHECK(cJSON_GetObjectItem(j, "next") == NULL);
    cJSON_Delete(j);
    rs_free(&r);
    get("/api/v1/products?per_page=10", &r);
    CHECK(HDR(r, "Link") == NULL);
    CHECK(!strstr(r.body, "\"next\""));
    rs_free(&r);
}

static void check_no_deprecation(void)
{
    struct rs_response r;
    get("/api/v0/products", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(HDR(r, "Deprecation") == NULL);
    CHECK(HDR(r, "Sunset") == NULL);
    rs_free(&r);
}

static void check_slow(void)
{
    struct rs_response r;
    get("/healthz", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(r.seconds >= 1.4);
    rs_free(&r);
}

static void check_all(void)
{
    struct rs_response r;
    struct rs_request req = {.url = rs_url(&srv, "http", "/.env"), .timeout_ms = 4000};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
}

static const struct {
    const char *name;
    void (*check)(void);
} variants[] = {
    {"weak-headers", check_weak_headers},
    {"insecure-cookies", check_insecure_cookies},
    {"bad-cookie-prefix", check_bad_cookie_prefix},
    {"server-version", check_server_version},
    {"leak-git", check_leak_git},
    {"leak-env", check_leak_env},
    {"leak-backup", check_leak_backup},
    {"admin-exposed", check_admin_exposed},
    {"cors-reflect", check_cors_reflect},
    {"no-sri", check_no_sri},
    {"no-gzip", check_no_gzip},
    {"no-cache-headers", check_no_cache_headers},
    {"public-cart-cache", check_public_cart_cache},
    {"no-rate-limit", check_no_rate_limit},
    {"rate-limit-500", check_rate_limit_500},
    {"no-idempotency", check_no_idempotency},
    {"idempotency-no-conflict", check_idempotency_no_conflict},
    {"stack-traces", check_stack_traces},
    {"no-problem-json", check_no_problem_json},
    {"oversize-500", check_oversize_500},
    {"health-leaks", check_health_leaks},
    {"public-metrics", check_public_metrics},
    {"no-request-id", check_no_request_id},
    {"clock-skew", check_clock_skew},
    {"orders-down-500", check_orders_down_500},
    {"orders-down-hang", check_orders_down_hang},
    {"unknown-version-200", check_unknown_version_200},
    {"no-pagination-cap", check_no_pagination_cap},
    {"no-deprecation", check_no_deprecation},
    {"slow", check_slow},
    {"all", check_all},
};

static void test_variants(void)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const char *args[] = {"--listen", "127.0.0.1:0",    "--admin", "127.0.0.1:0",
                              "--broken", variants[i].name, NULL};
        if (!rs_start(&srv, args)) {
            fprintf(stderr, "variant %s did not start\n", variants[i].name);
            CHECK(0);
            continue;
        }
        int before = check_failures_;
        variants[i].check();
        CHECK_INT_EQ(rs_stop(&srv), 0);
        if (check_failures_ != before)
            fprintf(stderr, "  in variant %s\n", variants[i].name);
    }
}

/* Runs the store with args and returns its exit status. */
static int run_status(const char *const *args)
{
    char bin[4096];
    snprintf(bin, sizeof bin, "%s/tests/refstore/storecheck-refstore",
             getenv("STORECHECK_BUILD_DIR"));
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[16] = {bin};
        for (int i = 0; args[i] && i < 14; i++)
            argv[i + 1] = args[i];
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status = -1;
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        usleep(50 * 1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

static void test_command_line(void)
{
    CHECK_INT_EQ(run_status((const char *const[]){"--listen", "0.0.0.0:0", NULL}), 2);
    CHECK_INT_EQ(run_status((const char *const[]){"--listen", "192.0.2.1:0", NULL}), 2);
    CHECK_INT_EQ(
        run_status((const char *const[]){"--listen", "127.0.0.1:0", "--admin", "[::]:0", NULL}), 2);
    CHECK_INT_EQ(run_status((const char *const[]){"--broken", "no-such-thing", NULL}), 2);
    CHECK_INT_EQ(run_status((const char *const[]){"--tls-listen", "127.0.0.1:0", NULL}), 2);
    CHECK_INT_EQ(run_status((const char *const[]){"--help", NULL}), 0);

    /* IPv6 loopback is fine, and READY names the address it bound. */
    struct rs_server s6;
    if (rs_start(&s6, (const char *const[]){"--listen", "[::1]:0", NULL})) {
        CHECK(s6.http > 0);
        struct rs_response r;
        char url[64];
        snprintf(url, sizeof url, "http://[::1]:%d/healthz", s6.http);
        rs_do(&(struct rs_request){.url = url}, &r);
        CHECK_INT_EQ(r.status, 200);
        rs_free(&r);
        CHECK_INT_EQ(rs_stop(&s6), 0);
    } else {
        CHECK(0);
    }
}

/* Many clients that send a little garbage, or nothing, do not take the store down. */
static void test_connection_flood(void)
{
    const char *args[] = {"--listen", "127.0.0.1:0", "--request-timeout", "1s", NULL};
    if (!rs_start(&srv, args)) {
        CHECK(0);
        return;
    }
    int fds[300];
    for (int i = 0; i < 300; i++) {
        fds[i] = rs_connect(srv.http);
        if (fds[i] >= 0 && i % 3 == 1)
            send(fds[i], "GET / HT", 8, MSG_NOSIGNAL);
        else if (fds[i] >= 0 && i % 3 == 2)
            send(fds[i], "\x16\x03\x01\xff\xff", 5, MSG_NOSIGNAL);
    }
    struct rs_response r;
    get("/healthz", &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
    get("/admin/../faults/orders_down", &r); /* the fault hook is not on the store's port */
    CHECK_INT_EQ(r.status, 404);
    rs_free(&r);
    for (int i = 0; i < 300; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    CHECK_INT_EQ(rs_stop(&srv), 0);
}

/* CPU ticks (user + system) the process has used. */
static long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    long utime = 0, stime = 0;
    /* After ") ", fields 3..: state is 3, utime is 14, stime is 15. */
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime, &stime) != 2)
        return -1;
    return utime + stime;
}

/* Out of file descriptors, the store pauses accepting instead of spinning, and recovers. */
static void test_fd_exhaustion(void)
{
    struct rlimit saved, low = {48, 48};
    getrlimit(RLIMIT_NOFILE, &saved);
    low.rlim_max = saved.rlim_max;
    setrlimit(RLIMIT_NOFILE, &low); /* inherited by the store only */
    bool started = rs_start(&srv, (const char *const[]){"--listen", "127.0.0.1:0", NULL});
    setrlimit(RLIMIT_NOFILE, &saved);
    if (!started) {
        CHECK(0);
        return;
    }
    int fds[80];
    for (int i = 0; i < 80; i++)
        fds[i] = rs_connect(srv.http);
    long before = cpu_ticks(srv.pid);
    usleep(600 * 1000);
    long used = cpu_ticks(srv.pid) - before;
    CHECK(before >= 0 && used < sysconf(_SC_CLK_TCK) / 4);
    for (int i = 0; i < 80; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    struct rs_response r;
    get("/healthz", &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
    CHECK_INT_EQ(rs_stop(&srv), 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN(test_variants);
    RUN(test_command_line);
    RUN(test_connection_flood);
    RUN(test_fd_exhaustion);
    curl_global_cleanup();
    return check_summary();
}
