/*
 * Probes against a loopback server that answers every request the same chosen way, for the
 * answers a store gives when the config does not fit it: a catalog without a list, a login
 * that answers "bad request" to every attempt. The probe must say what it really saw, and
 * never judge a request error as the thing it asked for. The server also records the paths
 * it was asked for, to check what a probe requested.
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
};

/* The paths the server was asked for (shared with the connection processes). */
enum { LOG_PATHS = 64, LOG_PATH_LEN = 256 };
struct path_log {
    int n;
    char paths[LOG_PATHS][LOG_PATH_LEN];
};
static struct path_log *seen;

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Answer each request head on fd with a (keep-alive) until the client closes, or 2 s of
 * silence. A request body is read and ignored. */
static void serve(int fd, const struct canned *a)
{
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[16384] = "";
    size_t got = 0;
    for (;;) {
        char *end = NULL;
        while (!(end = strstr(buf, "\r\n\r\n")) || got == 0) {
            if (got + 1 >= sizeof buf)
                return;
            ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
            if (r <= 0)
                return;
            got += (size_t)r;
            buf[got] = '\0';
        }
        size_t head = (size_t)(end + 4 - buf), body = 0;
        const char *cl = strstr(buf, "\r\nContent-Length:");
        if (cl && cl < end)
            body = strtoul(cl + 17, NULL, 10);
        while (got < head + body && got + 1 < sizeof buf) {
            ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
            if (r <= 0)
                return;
            got += (size_t)r;
            buf[got] = '\0';
        }
        const char *sp = strchr(buf, ' ');
        int slot = __atomic_fetch_add(&seen->n, 1, __ATOMIC_SEQ_CST);
        if (sp && slot < LOG_PATHS)
            snprintf(seen->paths[slot], LOG_PATH_LEN, "%.*s", (int)strcspn(sp + 1, " \r\n"),
                     sp + 1);
        char out[1024];
        int n = snprintf(out, sizeof out,
                         "HTTP/1.1 %d Canned\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
                         a->status, a->type, strlen(a->body), a->body);
        send_all(fd, out, (size_t)n);
        size_t used = head + body < got ? head + body : got;
        memmove(buf, buf + used, got - used);
        got -= used;
        buf[got] = '\0';
    }
}

static void serve_canned(int fd, const void *arg)
{
    serve(fd, arg);
}

/* A server on a free loopback port giving answer a to everything: one process per
 * connection. */
static pid_t start_server(const struct canned *a, int *port)
{
    memset(seen, 0, sizeof *seen);
    int fd = sup_listen_loopback(port);
    return fd < 0 ? -1 : sup_fork_server(fd, serve_canned, a);
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
    const struct canned a = {200, "application/json", "{\"catalog\":{\"count\":3}}"};
    run_against(&a, "E-PAGINATION", PROBE_ERROR, "the catalog answered 200 with JSON but no list",
                "-1 items");
    run_against(&a, "E-PAGINATION", PROBE_ERROR, "no list to judge", "did not answer 200");
    const struct canned html = {200, "text/html", "<!doctype html><title>Shop</title>"};
    run_against(&html, "E-PAGINATION", PROBE_ERROR, "answered 200 but not with JSON", "-1 items");
    const struct canned missing = {404, "application/json", "{}"};
    run_against(&missing, "E-PAGINATION", PROBE_ERROR, "the catalog answered 404", "-1 items");
}

/* A login that answers 400 to every attempt never saw a login: no "none throttled" warning,
 * a skip naming what the store answered. */
static void test_rate_limit_request_errors(void)
{
    const struct canned a = {400, "application/problem+json",
                             "{\"title\":\"Bad Request\",\"status\":400}"};
    run_against(&a, "T-RATE-LIMIT", PROBE_SKIP,
                "x 400): the store did not take the burst as "
                "login attempts",
                "none throttled");
    /* A refused login (401) is a login attempt: judged as before. */
    const struct canned refused = {401, "application/json", "{\"error\":\"invalid\"}"};
    run_against(&refused, "T-RATE-LIMIT", PROBE_WARN, "login attempts in", NULL);
}

/* The under-load error check asks for a missing page under the catalog's path, never inside
 * its query string. */
static void test_errors_under_load_path(void)
{
    const struct canned a = {404, "application/json", "{}"};
    int port;
    pid_t srv = start_server(&a, &port);
    CHECK(srv > 0);
    if (srv <= 0)
        return;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  endpoints:\n"
             "    catalog: \"/api/v1/products?sort=new\"\n",
             port);
    struct config cfg;
    CHECK(sup_config_yaml(&cfg, yaml) == 0);
    const struct strv only = {(const char *[]){"O-ERRORS-UNDER-LOAD"}, 1};
    struct engine_options opt = {
        .table = under_load_probes, .table_count = under_load_probe_count, .only = &only};
    struct engine_report rep;
    char err[256];
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    CHECK(sup_expect(&rep, "O-ERRORS-UNDER-LOAD", PROBE_PASS, NULL));
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
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
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
    engine_global_cleanup();
    munmap(seen, sizeof *seen);
    return check_summary();
}
