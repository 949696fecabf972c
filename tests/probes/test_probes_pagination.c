/*
 * E-PAGINATION against list APIs that page in different ways: by offset and limit with a count
 * (refusing query parameters they do not know, as validating stores do), by page number
 * without a next link, and not at all. Each oversized page size is asked alone, so a store
 * that refuses per_page is still measured on limit; a first page without a next link is
 * followed by offset, then by page number, and only a store that answers the first page again
 * to both has no way to the next page.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/probes/support.h"
#include "tests/support/check.h"

enum paging { BY_OFFSET, BY_PAGE, NOT_AT_ALL };

/* A list of `total` products, `def` per page unless asked, at most `cap` (0: no cap). */
struct listing {
    enum paging paging;
    int total, def, cap;
};

/* The value of query parameter name in target, or -1 (absent or not a number). */
static long query_num(const char *target, const char *name)
{
    const char *q = strchr(target, '?');
    size_t n = strlen(name);
    for (const char *p = q; p; p = strchr(p + 1, '&'))
        if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=')
            return strtol(p + 2 + n, NULL, 10);
    return -1;
}

/* A parameter of target that a store paging by offset does not know, or NULL. */
static const char *unknown_param(const char *target, char *out, size_t len)
{
    static const char *const known[] = {"offset", "limit", "q", "fields"};
    const char *q = strchr(target, '?');
    for (const char *p = q; p; p = strchr(p + 1, '&')) {
        size_t n = strcspn(p + 1, "=&");
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            ok |= strlen(known[i]) == n && strncmp(p + 1, known[i], n) == 0;
        if (!ok) {
            snprintf(out, len, "%.*s", (int)n, p + 1);
            return out;
        }
    }
    return NULL;
}

static size_t answer_list(const struct sup_request *req, char *out, size_t cap, const void *arg)
{
    const struct listing *l = arg;
    char body[64 * 1024], bad[64];
    size_t n = 0;
    int status = 200;
    long size = query_num(req->target, l->paging == BY_PAGE ? "per_page" : "limit");
    long offset = query_num(req->target, "offset"), page = query_num(req->target, "page");
    if (size <= 0)
        size = l->def;
    if (l->cap && size > l->cap)
        size = l->cap;
    long first = l->paging == BY_OFFSET && offset > 0 ? offset
                 : l->paging == BY_PAGE && page > 1   ? (page - 1) * size
                                                      : 0;
    if (l->paging == NOT_AT_ALL)
        size = l->def;
    if (l->paging == BY_OFFSET && unknown_param(req->target, bad, sizeof bad)) {
        status = 400;
        n = (size_t)snprintf(body, sizeof body,
                             "{\"type\":\"invalid_data\",\"message\":\"Unrecognized fields: "
                             "'%s'\"}",
                             bad);
    } else {
        n = (size_t)snprintf(body, sizeof body, "{\"products\":[");
        for (long i = first; i < l->total && i < first + size && n < sizeof body - 64; i++)
            n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"id\":\"prod_%ld\"}",
                                  i > first ? "," : "", i);
        if (l->paging == BY_PAGE)
            n += (size_t)snprintf(body + n, sizeof body - n,
                                  "],\"page\":%ld,\"per_page\":%ld,\"total\":%d}",
                                  page > 0 ? page : 1, size, l->total);
        else
            n += (size_t)snprintf(body + n, sizeof body - n,
                                  "],\"count\":%d,\"offset\":%ld,\"limit\":%ld}", l->total, first,
                                  size);
    }
    int k = snprintf(out, cap,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: "
                     "%zu\r\n\r\n%s",
                     status, n, body);
    return k < 0 ? 0 : (size_t)k < cap ? (size_t)k : cap - 1;
}

static void serve_list(int fd, const void *arg)
{
    sup_serve_requests(fd, answer_list, arg);
}

/* E-PAGINATION against the listing: it ends with want and says text; absent (when not NULL)
 * is nowhere in what it says. */
static void expect_pagination(const struct listing *l, enum probe_status want, const char *text,
                              const char *absent)
{
    int port;
    int fd = sup_listen_loopback(&port);
    pid_t srv = fd < 0 ? -1 : sup_fork_server(fd, serve_list, l);
    CHECK(srv > 0);
    if (srv <= 0)
        return;
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  endpoints: { catalog: /store/products }\n"
             "audit: { probe_timeout: 10s, deadline: 30s }\n",
             port);
    struct config cfg;
    if (sup_config_yaml(&cfg, yaml) != 0) {
        CHECK(!"config loads");
        sup_stop(srv);
        return;
    }
    struct engine_report rep;
    sup_run(&cfg, "E-PAGINATION", &rep);
    CHECK(sup_expect(&rep, "E-PAGINATION", want, text));
    const struct probe_result *r = sup_result(&rep, "E-PAGINATION");
    if (r && absent && sup_has_text(r, absent)) {
        CHECK(!"the probe does not say what it must not");
        sup_print("E-PAGINATION", r);
    }
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(srv);
}

static void test_by_offset(void)
{
    /* Refuses per_page and page_size (400), serves any limit: measured on limit. */
    const struct listing offset_uncapped = {BY_OFFSET, 300, 20, 0};
    expect_pagination(&offset_uncapped, PROBE_FAIL, "300 items for limit=100000", "no next link");
    /* The same with limit capped at 50: offset pages on, and the cap is named. */
    const struct listing offset_capped = {BY_OFFSET, 300, 20, 50};
    expect_pagination(&offset_capped, PROBE_PASS,
                      "paginated by parameter (offset=20 answered 20 items, the next ones)",
                      "no way");
    expect_pagination(&offset_capped, PROBE_PASS, "limit=100000 capped at 50 items", NULL);
    expect_pagination(&offset_capped, PROBE_PASS, "per_page=100000 answered 400", NULL);
    /* The whole list on the first page, as its count says. */
    const struct listing small = {BY_OFFSET, 3, 20, 50};
    expect_pagination(&small, PROBE_PASS, "the whole catalog (3) fits one page", NULL);
}

static void test_by_page(void)
{
    /* Page numbers without a next link: offset gives the first page again, page=2 the next. */
    const struct listing by_page = {BY_PAGE, 300, 20, 100};
    expect_pagination(&by_page, PROBE_PASS, "page=2 answered 20 items, the next ones", NULL);
}

static void test_not_paged(void)
{
    /* A list that always answers its first page: no way on, both attempts named. */
    const struct listing stuck = {NOT_AT_ALL, 300, 20, 0};
    expect_pagination(&stuck, PROBE_FAIL, "offset=20 answered 20 items, the first page again",
                      NULL);
    expect_pagination(&stuck, PROBE_FAIL, "no way to the next page", NULL);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    engine_global_init();
    RUN(test_by_offset);
    RUN(test_by_page);
    RUN(test_not_paged);
    engine_global_cleanup();
    return check_summary();
}
