/* Requests as built once before a run. */
#include <string.h>

#include "loadgen/request.h"
#include "loadgen/request_list.h"
#include "tests/support/check.h"
#include "tests/support/request_text.h"

static struct url parse(const char *s)
{
    struct url u;
    char err[128];
    CHECK(url_parse(s, &u, err, sizeof err) == 0);
    return u;
}

/* The text of part `s` of r (a static copy). */
static char *part(const struct request *r, struct request_span s)
{
    static char buf[4096];
    CHECK(s.len < sizeof buf);
    memcpy(buf, r->bytes + s.off, s.len);
    buf[s.len] = '\0';
    return buf;
}

static char *text(const struct request *r)
{
    return part(r, (struct request_span){0, (uint32_t)r->len});
}

static void test_get(void)
{
    struct url u = parse("http://127.0.0.1:8080/a?b=1");
    struct request r;
    char err[128];
    CHECK(request_build(&r, "GET", &u, NULL, 0, NULL, 0, err, sizeof err) == 0);
    CHECK_STR_EQ(text(&r), "GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
    CHECK_INT_EQ(r.no_body, 0);
    request_free(&r);
    u = parse("https://[::1]/");
    CHECK(request_build(&r, "HEAD", &u, NULL, 0, NULL, 0, err, sizeof err) == 0);
    CHECK_STR_EQ(text(&r), "HEAD / HTTP/1.1\r\nHost: [::1]\r\n\r\n");
    CHECK_INT_EQ(r.no_body, 1);
    request_free(&r);
}

static void test_headers_and_body(void)
{
    struct url u = parse("http://shop.test/cart");
    const char *h[] = {"host: other.test", "X-A: 1"};
    struct request r;
    char err[128];
    CHECK(request_build(&r, "POST", &u, h, 2, "{\"x\":1}", 7, err, sizeof err) == 0);
    CHECK_STR_EQ(text(&r), "POST /cart HTTP/1.1\r\nhost: other.test\r\nX-A: 1\r\n"
                           "Content-Length: 7\r\n\r\n{\"x\":1}");
    request_free(&r);
    /* A POST without a body still says so. */
    CHECK(request_build(&r, "POST", &u, NULL, 0, NULL, 0, err, sizeof err) == 0);
    CHECK_CONTAINS(text(&r), "Content-Length: 0\r\n");
    request_free(&r);
}

static void test_refusals(void)
{
    struct url u = parse("http://shop.test/");
    struct request r;
    char err[128];
    const char *inject[] = {"X-A: 1\r\nX-B: 2"};
    CHECK(request_build(&r, "GET", &u, inject, 1, NULL, 0, err, sizeof err) == -1);
    const char *nocolon[] = {"NoColon"};
    CHECK(request_build(&r, "GET", &u, nocolon, 1, NULL, 0, err, sizeof err) == -1);
    CHECK(request_build(&r, "GE T", &u, NULL, 0, NULL, 0, err, sizeof err) == -1);
    const char *cl[] = {"Content-Length: 3"};
    CHECK(request_build(&r, "PUT", &u, cl, 1, "abc", 3, err, sizeof err) == -1);
}

/* The parts a list's request carries are what reading its text gives, and what HTTP/2 should
 * send: Host as the authority, the fields of an HTTP/1.1 connection left out. */
static void test_parts(void)
{
    struct url u = parse("https://shop.test:8443/cart?x=1");
    struct request r;
    char err[128];
    CHECK(request_build(&r, "GET", &u, NULL, 0, NULL, 0, err, sizeof err) == 0);
    check_parts_match_text(&r, 1);
    CHECK_STR_EQ(part(&r, r.parts->authority), "shop.test:8443");
    CHECK_STR_EQ(part(&r, r.parts->path), "/cart?x=1");
    CHECK_INT_EQ(r.parts->field_count, 0);
    CHECK_INT_EQ(r.parts->body.len, 0);
    request_free(&r);

    u = parse("http://127.0.0.1/graphql");
    const char *h[] = {"X-A:  1",          "Connection: keep-alive",
                       "HOST: other.test", "Content-Type: application/json",
                       "TE: trailers",     "Upgrade: h2c"};
    const char *body = "{\"query\":\"{ shop { name } }\"}";
    CHECK(request_build(&r, "POST", &u, h, 6, body, strlen(body), err, sizeof err) == 0);
    check_parts_match_text(&r, 0);
    CHECK_STR_EQ(part(&r, r.parts->method), "POST");
    CHECK_STR_EQ(part(&r, r.parts->authority), "other.test");
    CHECK_STR_EQ(part(&r, r.parts->body), body);
    CHECK_INT_EQ(r.parts->field_count, 3);
    if (r.parts->field_count == 3) {
        CHECK(r.parts->fields[0].name_len == 3 && memcmp(r.parts->fields[0].name, "x-a", 3) == 0);
        CHECK_STR_EQ(part(&r, r.parts->fields[0].value), "1");
        CHECK(memcmp(r.parts->fields[1].name, "content-type", 12) == 0);
        CHECK(memcmp(r.parts->fields[2].name, "content-length", 14) == 0);
        CHECK_STR_EQ(part(&r, r.parts->fields[2].value), "29");
    }
    request_free(&r);
}

/* The next request of the list for a cursor; the time it is due is left as given. */
static const struct request *next(struct request_source *src, uint64_t *cursor)
{
    uint64_t intended = 7;
    const struct request *r = src->ops->next(src, NULL, cursor, &intended, 9);
    CHECK(intended == 7);
    return r;
}

static void test_list_round_robin(void)
{
    struct request reqs[3] = {{0}};
    struct request_list list;
    request_list_init(&list, reqs, 3);
    struct request_source *src = &list.base;
    uint64_t a = 0, b = 0;
    CHECK(next(src, &a) == &reqs[0]);
    CHECK(next(src, &a) == &reqs[1]);
    CHECK(next(src, &b) == &reqs[0]);
    CHECK(next(src, &a) == &reqs[2]);
    CHECK(next(src, &a) == &reqs[0]);
    CHECK(src->ops->ramp == NULL); /* a list, not a source of users */
}

int main(void)
{
    RUN(test_get);
    RUN(test_headers_and_body);
    RUN(test_refusals);
    RUN(test_parts);
    RUN(test_list_round_robin);
    return check_summary();
}
