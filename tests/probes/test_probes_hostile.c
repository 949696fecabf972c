/*
 * Hostile servers: garbage instead of HTTP, a slow drip, an endless body, huge headers, over
 * plain HTTP and (garbage, drip) where TLS is expected. Every probe ends with error (or skip,
 * where it does not apply) and a reason, within its timeout: no crash, no hang. And a store
 * that answers 200 with a page for every path gives no exposure or admin finding.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/probes/support.h"
#include "tests/support/check.h"

enum mode { GARBAGE, DRIP, ENDLESS, HUGE_HEADERS, CATCH_ALL, REDIRECT_AWAY, NO_DATE, GIANT_HEADER };

/* Where REDIRECT_AWAY sends every request: a host that is not allowed. */
static char away_url[128];

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read the request head (bounded: 2 s, 16 KiB); the path goes to path. */
static void read_request(int fd, char *path, size_t len)
{
    char buf[16384];
    size_t got = 0;
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (got + 1 < sizeof buf) {
        ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
        buf[got] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    buf[got] = '\0';
    snprintf(path, len, "/");
    char *sp = strchr(buf, ' ');
    if (sp)
        snprintf(path, len, "%.*s", (int)strcspn(sp + 1, " \r\n"), sp + 1);
}

static void serve(int fd, enum mode m)
{
    char path[1024];
    if (m != DRIP)
        read_request(fd, path, sizeof path);
    switch (m) {
    case GARBAGE: {
        const char g[] = "\x16\x03\x01\xff\xffSURPRISE\r\n\x00\x01\x02 not http at all\r\n\r\n";
        send_all(fd, g, sizeof g - 1);
        break;
    }
    case DRIP: /* one byte every 300 ms, for as long as the client stays */
        for (const char *p = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";; p++) {
            if (!*p)
                p = "X-Drip: 1\r\n";
            if (send_all(fd, p, 1) != 0)
                break;
            nap_ms(300);
        }
        break;
    case ENDLESS: {
        const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
        send_all(fd, h, strlen(h));
        char chunk[16384 + 16];
        int n = snprintf(chunk, sizeof chunk, "4000\r\n");
        memset(chunk + n, 'x', 16384);
        memcpy(chunk + n + 16384, "\r\n", 2);
        while (send_all(fd, chunk, (size_t)n + 16384 + 2) == 0)
            ;
        break;
    }
    case HUGE_HEADERS: {
        send_all(fd, "HTTP/1.1 200 OK\r\n", 17);
        char line[160];
        for (int i = 0; i < 10000; i++) {
            int n = snprintf(line, sizeof line, "X-Filler-%d: %0100d\r\n", i, i);
            if (send_all(fd, line, (size_t)n) != 0)
                return;
        }
        send_all(fd, "Content-Length: 2\r\n\r\nok", 24);
        break;
    }
    case NO_DATE: {
        const char *a = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                        "Connection: close\r\n\r\nok";
        send_all(fd, a, strlen(a));
        break;
    }
    case GIANT_HEADER: { /* one header line of 150 kB: over libcurl's 100 kB for a line */
        const char *start = "HTTP/1.1 200 OK\r\nX-Giant: ",
                   *end = "\r\nContent-Length: 2\r\n\r\nok";
        send_all(fd, start, strlen(start));
        char chunk[1024];
        memset(chunk, 'g', sizeof chunk);
        for (int i = 0; i < 150; i++)
            if (send_all(fd, chunk, sizeof chunk) != 0)
                return;
        send_all(fd, end, strlen(end));
        break;
    }
    case REDIRECT_AWAY: {
        char head[512];
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n",
                          away_url);
        send_all(fd, head, (size_t)hl);
        break;
    }
    case CATCH_ALL: {
        /* A single-page app: every path is the same shell with a login form, and the path
         * echoed, so no two bodies are byte-identical. */
        char body[1024], head[256];
        int bl = snprintf(body, sizeof body,
                          "<!doctype html><html><head><title>Shop</title></head><body>"
                          "<div id=app data-path=\"%s\"></div><form><input name=user>"
                          "<input type=\"password\" name=pw></form></body></html>",
                          path);
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                          "Connection: close\r\n\r\n",
                          bl);
        send_all(fd, head, (size_t)hl);
        send_all(fd, body, (size_t)bl);
        break;
    }
    }
}

static void serve_mode(int fd, const void *arg)
{
    serve(fd, *(const enum mode *)arg);
}

/* A server on a free port in mode m: one child process per connection, so a drip to one
 * client never blocks another. */
static pid_t start_server(enum mode m, int *port)
{
    static enum mode mode; /* read by the forked server's children */
    mode = m;
    int fd = sup_listen_loopback(port);
    return fd < 0 ? -1 : sup_fork_server(fd, serve_mode, &mode);
}

static const char *const mode_names[] = {"garbage",      "slow drip",   "endless body",
                                         "huge headers", "catch-all",   "redirect away",
                                         "no Date",      "giant header"};

/* Probes that read only a bounded prefix of a body and judge it: an endless body gives them
 * their prefix, on which they decide. */
static int reads_prefix(const char *id)
{
    return strncmp(id, "S-EXPOSED-", 10) == 0 || strcmp(id, "S-ADMIN-SURFACE") == 0;
}

static void hostile_run(enum mode m, int tls)
{
    int port;
    pid_t srv = start_server(m, &port);
    CHECK(srv > 0);
    if (srv <= 0)
        return;
    struct config cfg;
    /* Short timeouts keep the drip case quick; what matters is that they are kept. */
    CHECK(sup_config(&cfg, tls ? port : 0, port, "500ms", "1500ms") == 0);
    struct engine_report rep;
    sup_run(&cfg, "S,T", &rep);
    CHECK_INT_EQ(rep.count, 50); /* 6 of them GraphQL: skipped, no GraphQL path */
    for (size_t i = 0; i < rep.count; i++) {
        const struct probe_result *r = &rep.items[i].result;
        const char *id = rep.items[i].probe->id;
        int ok = r->status == PROBE_ERROR || r->status == PROBE_SKIP ||
                 (m == ENDLESS && reads_prefix(id) && r->status == PROBE_PASS) ||
                 (!tls && strcmp(id, "S-HTTPS-REDIRECT") == 0 && r->status == PROBE_FAIL);
        ok = ok && r->reason && r->reason[0];
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "%s over %s:\n", mode_names[m], tls ? "TLS" : "HTTP");
            sup_print(id, r);
        }
    }
    /* Bounded: the batch under one probe timeout, then the two solo probes (with slack for
     * a loaded machine; a hang would run into the 30 s audit deadline). */
    CHECK(rep.elapsed_ms < 3 * 1500 + 3000);
    printf("%s over %s: %llu ms\n", mode_names[m], tls ? "TLS" : "HTTP",
           (unsigned long long)rep.elapsed_ms);
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

static void test_garbage(void)
{
    hostile_run(GARBAGE, 0);
    hostile_run(GARBAGE, 1);
}
static void test_drip(void)
{
    hostile_run(DRIP, 0);
    hostile_run(DRIP, 1);
}
static void test_endless(void)
{
    hostile_run(ENDLESS, 0);
}
static void test_huge_headers(void)
{
    hostile_run(HUGE_HEADERS, 0);
}

static void test_catch_all_soft_404(void)
{
    int port;
    pid_t srv = start_server(CATCH_ALL, &port);
    CHECK(srv > 0);
    if (srv <= 0)
        return;
    struct config cfg;
    CHECK(sup_config(&cfg, 0, port, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg,
            "S-EXPOSED-VCS,S-EXPOSED-ENV,S-EXPOSED-BACKUP,S-EXPOSED-CONFIG,"
            "S-ADMIN-SURFACE",
            &rep);
    CHECK_INT_EQ(rep.count, 5);
    for (size_t i = 0; i < rep.count; i++) {
        const struct probe_result *r = &rep.items[i].result;
        CHECK(r->status == PROBE_PASS);
        if (r->status != PROBE_PASS)
            sup_print(rep.items[i].probe->id, r);
    }
    /* The admin probe saw login forms everywhere and said why it did not count them. */
    const struct probe_result *admin = sup_result(&rep, "S-ADMIN-SURFACE");
    CHECK(admin && sup_evidence_has(admin, "soft-404"));
    CHECK_CONTAINS(admin ? admin->reason : NULL, "judged by content");
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

/* A redirect to a host outside allowed_hosts is reported, never followed: the listener on
 * 127.0.0.2 must see no connection at all. */
static void test_redirect_off_allowed_hosts(void)
{
    int away = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    socklen_t alen = sizeof a;
    if (bind(away, (struct sockaddr *)&a, sizeof a) != 0 || listen(away, 16) != 0 ||
        getsockname(away, (struct sockaddr *)&a, &alen) != 0) {
        CHECK(!"listening on 127.0.0.2");
        close(away);
        return;
    }
    snprintf(away_url, sizeof away_url, "http://127.0.0.2:%d/elsewhere", ntohs(a.sin_port));
    int port;
    pid_t srv = start_server(REDIRECT_AWAY, &port);
    CHECK(srv > 0);
    struct config cfg;
    CHECK(sup_config(&cfg, 0, port, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "S-CSP,S-SRI,T-STATIC-CACHE,S-COOKIE-FLAGS", &rep);
    const struct probe_result *csp = sup_result(&rep, "S-CSP");
    CHECK(csp && sup_evidence_has(csp, "not followed: host '127.0.0.2' is not in "
                                       "target.allowed_hosts"));
    if (csp && !sup_evidence_has(csp, "not followed"))
        sup_print("S-CSP", csp);
    int c = accept(away, NULL, NULL);
    CHECK(c < 0);
    if (c >= 0)
        close(c);
    close(away);
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

/* O-CLOCK against one hostile server; its result is checked by check. */
static void clock_against(enum mode m, enum probe_status want, const char *text)
{
    int port;
    pid_t srv = start_server(m, &port);
    CHECK(srv > 0);
    if (srv <= 0)
        return;
    struct config cfg;
    CHECK(sup_config(&cfg, 0, port, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "O-CLOCK", &rep);
    CHECK(sup_expect(&rep, "O-CLOCK", want, text));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

/* No Date is a finding of its own, with no skew computed from nothing. */
static void test_no_date_header(void)
{
    clock_against(NO_DATE, PROBE_WARN, "no Date header");
}

/* A header line over libcurl's limit is named as such, not as running out of memory. */
static void test_giant_header_line(void)
{
    clock_against(GIANT_HEADER, PROBE_ERROR, "response header too large");
}

/* Read what fd has for the counting server, answering every request head in it with a small
 * 200. 0 while the connection is open, -1 once the client closed it. */
static int serve_available(int fd)
{
    const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
    for (;;) {
        char buf[8192];
        ssize_t r = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (r <= 0)
            return -1;
        buf[r] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            send_all(fd, ok, strlen(ok));
    }
}

/* A keep-alive server in one process that records in *peak the most connections it had open
 * at once. */
static pid_t start_counting_server(int *port, int *peak)
{
    int fd = sup_listen_loopback(port);
    if (fd < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0) {
        close(fd);
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    enum { MAXC = 1000 };
    static struct pollfd fds[MAXC + 1];
    nfds_t n = 1;
    fds[0] = (struct pollfd){.fd = fd, .events = POLLIN};
    for (;;) {
        if (poll(fds, n, 1000) < 0)
            continue;
        int incoming = fds[0].revents & POLLIN;
        /* Before a new connection counts, every client socket is read to its end: one the
         * client closed before opening the next is not open any more. */
        for (nfds_t i = n; i-- > 1;)
            if ((fds[i].revents || incoming) && serve_available(fds[i].fd) != 0) {
                close(fds[i].fd);
                fds[i] = fds[--n];
            }
        if (incoming && n <= MAXC) {
            int c = accept(fd, NULL, NULL);
            if (c >= 0) {
                fds[n++] = (struct pollfd){.fd = c, .events = POLLIN};
                if ((int)n - 1 > *peak)
                    *peak = (int)n - 1;
            }
        }
    }
}

/* The whole audit never has more connections open to the store at once than
 * audit.max_connections_per_host. */
static void test_connections_per_host_bounded(void)
{
    int *peak = mmap(NULL, sizeof *peak, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(peak != MAP_FAILED);
    if (peak == MAP_FAILED)
        return;
    *peak = 0;
    int port = 0;
    pid_t srv = start_counting_server(&port, peak);
    CHECK(srv > 0);
    struct config cfg;
    CHECK(sup_config(&cfg, 0, port, NULL, NULL) == 0);
    CHECK_INT_EQ(cfg.audit.max_connections_per_host, 6);
    struct engine_report rep;
    sup_run(&cfg, NULL, &rep);
    printf("connections open at once at the default bound: %d\n", *peak);
    CHECK(*peak >= 1 && *peak <= 6);
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
    munmap(peak, sizeof *peak);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    engine_global_init();
    RUN(test_garbage);
    RUN(test_drip);
    RUN(test_endless);
    RUN(test_huge_headers);
    RUN(test_catch_all_soft_404);
    RUN(test_redirect_off_allowed_hosts);
    RUN(test_no_date_header);
    RUN(test_giant_header_line);
    RUN(test_connections_per_host_bounded);
    engine_global_cleanup();
    return check_summary();
}
