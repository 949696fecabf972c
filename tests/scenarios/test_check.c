/* Checks on a step's answer: every operator on JSON values, the body and headers, and the
 * errors of the expression parser. */
#include <stdlib.h>
#include <string.h>

#include "scenario/check.h"
#include "tests/support/check.h"

static const char *const head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "X-Request-Id: req-42\r\n\r\n";
static const char *const body =
    "{\"payment\":{\"status\":\"declined\",\"amount\":12.5,\"price\":\"9.99\",\"code\":null},"
    "\"paid\":false,\"items\":[{\"sku\":\"A-1\"}],\"n\":\"10\"}";

static char got[CHECK_GOT_MAX];

/* 1 pass, 0 fail, -1 does not compile. The body is a heap copy without a NUL. */
static int run(const char *expr, const char *b)
{
    struct parse_error err;
    struct check *c = check_compile(expr, strlen(expr), &err);
    if (!c) {
        fprintf(stderr, "does not compile: %s: %s (column %d)\n", expr, err.msg, err.col);
        return -1;
    }
    size_t len = strlen(b);
    char *copy = malloc(len ? len : 1);
    memcpy(copy, b, len);
    struct response_view rv = {head, strlen(head), copy, len};
    struct rng rng;
    rng_seed(&rng, 1, 0);
    char scratch[256];
    got[0] = '\0';
    int r = check_eval(c, &rv, &rng, scratch, sizeof scratch, got);
    free(copy);
    check_free(c);
    return r;
}

static int holds(const char *expr)
{
    return run(expr, body);
}

static void test_equality(void)
{
    CHECK_INT_EQ(holds("$.payment.status == \"declined\""), 1);
    CHECK_INT_EQ(holds("$.payment.status == \"captured\""), 0);
    CHECK_STR_EQ(got, "\"declined\"");
    CHECK_INT_EQ(holds("$.payment.status != \"captured\""), 1);
    CHECK_INT_EQ(holds("$.payment.status != \"declined\""), 0);
    CHECK_INT_EQ(holds("$.payment.amount == 12.50"), 1);
    CHECK_INT_EQ(holds("$.payment.amount == 12"), 0);
    /* Types count: the string "10" is not the number 10, the number 12.5 not "12.5". */
    CHECK_INT_EQ(holds("$.n == 10"), 0);
    CHECK_INT_EQ(holds("$.n == \"10\""), 1);
    CHECK_INT_EQ(holds("$.payment.amount == \"12.5\""), 0);
    CHECK_INT_EQ(holds("$.paid == false"), 1);
    CHECK_INT_EQ(holds("$.paid == true"), 0);
    CHECK_INT_EQ(holds("$.payment.code == null"), 1);
    CHECK_INT_EQ(holds("$.items[0].sku == \"A-1\""), 1);
}

static void test_order(void)
{
    CHECK_INT_EQ(holds("$.payment.amount > 10"), 1);
    CHECK_INT_EQ(holds("$.payment.amount < 10"), 0);
    CHECK_STR_EQ(got, "12.5");
    CHECK_INT_EQ(holds("$.payment.amount <= 12.5"), 1);
    CHECK_INT_EQ(holds("$.payment.amount >= 12.6"), 0);
    CHECK_INT_EQ(holds("$.payment.price < 10"), 1); /* a price sent as a string */
    CHECK_INT_EQ(holds("$.payment.status > 1"), 0);
    CHECK_INT_EQ(holds("$.items > 0"), 0);
}

static void test_in(void)
{
    CHECK_INT_EQ(holds("$.payment.status in [\"captured\", \"authorized\"]"), 0);
    CHECK_STR_EQ(got, "\"declined\"");
    CHECK_INT_EQ(holds("$.payment.status in [\"captured\",\"declined\"]"), 1);
    CHECK_INT_EQ(holds("$.payment.amount in [1, 12.5]"), 1);
}

static void test_exists_absent(void)
{
    CHECK_INT_EQ(holds("$.payment.status exists"), 1);
    CHECK_INT_EQ(holds("$.payment.error exists"), 0);
    CHECK_STR_EQ(got, "nothing");
    CHECK_INT_EQ(holds("$.payment.error absent"), 1);
    CHECK_INT_EQ(holds("$.payment.code absent"), 0); /* null is a value */
    CHECK_INT_EQ(run("$.error absent", "<html>oops</html>"), 0);
    CHECK_STR_EQ(got, "a body that is not JSON");
}

static void test_matches(void)
{
    CHECK_INT_EQ(holds("$.payment.status matches /^decl/"), 1);
    CHECK_INT_EQ(holds("$.payment.status matches /^capt(ured)?$/"), 0);
    CHECK_INT_EQ(holds("$.items[0].sku matches /^[A-Z]-[0-9]+$/"), 1);
    CHECK_INT_EQ(run("$.url matches /^\\/cart\\/[0-9]+$/", "{\"url\":\"/cart/12\"}"), 1);
}

static void test_body(void)
{
    CHECK_INT_EQ(holds("body contains \"declined\""), 1);
    CHECK_INT_EQ(holds("body contains \"captured\""), 0);
    CHECK_STR_EQ(got, "a body without it");
    CHECK_INT_EQ(holds("body not contains \"captured\""), 1);
    CHECK_INT_EQ(holds("body not contains \"declined\""), 0);
    CHECK_INT_EQ(run("body contains \"a \\\"quoted\\\" word\"", "say a \"quoted\" word"), 1);
}

static void test_headers(void)
{
    CHECK_INT_EQ(holds("header X-Request-Id exists"), 1);
    CHECK_INT_EQ(holds("header x-request-id exists"), 1);
    CHECK_INT_EQ(holds("header X-Powered-By exists"), 0);
    CHECK_STR_EQ(got, "no such header");
    CHECK_INT_EQ(holds("header X-Powered-By absent"), 1);
    CHECK_INT_EQ(holds("header Content-Type absent"), 0);
    CHECK_INT_EQ(holds("header Content-Type == \"application/json\""), 1);
    CHECK_INT_EQ(holds("header Content-Type == \"text/html\""), 0);
    CHECK_STR_EQ(got, "\"application/json\"");
    CHECK_INT_EQ(holds("header Content-Type != \"text/html\""), 1);
    CHECK_INT_EQ(holds("header Content-Type matches /json$/"), 1);
    CHECK_INT_EQ(holds("header Content-Type matches /^text/"), 0);
}

static void test_got_is_bounded(void)
{
    char big[200];
    memset(big, 'x', sizeof big);
    memcpy(big, "{\"s\":\"", 6);
    big[sizeof big - 3] = '"';
    big[sizeof big - 2] = '}';
    big[sizeof big - 1] = '\0';
    CHECK_INT_EQ(run("$.s == \"y\"", big), 0);
    CHECK(strlen(got) < CHECK_GOT_MAX);
    CHECK(strstr(got, "...") != NULL);
    CHECK_INT_EQ(run("$.s == \"y\"", "{\"s\":\"a\\nb\"}"), 0);
    CHECK_STR_EQ(got, "\"a?b\"");
}

/* Does not compile, with the error at column col. */
static void bad(const char *expr, int col)
{
    struct parse_error err = {0};
    struct check *c = check_compile(expr, strlen(expr), &err);
    CHECK(c == NULL);
    if (c == NULL && err.col != col)
        fprintf(stderr, "%s: column %d, not %d (%s)\n", expr, err.col, col, err.msg);
    CHECK_INT_EQ(err.col, col);
    CHECK(err.msg[0] != '\0');
    check_free(c);
}

static void test_errors(void)
{
    bad("", 1);
    bad("status == 200", 1);
    bad("$.a", 4);
    bad("$.a ~= 1", 5);
    bad("$.a == captured", 8);
    bad("$.a == \"open", 8);
    bad("$.a < \"x\"", 5);
    bad("$.a in \"x\"", 8);
    bad("$.a in [1, 2", 13);
    bad("$.a matches /[a-/", 13);
    bad("$.a matches /open", 13);
    bad("$.a matches /^[0f-]+++++++++++++++++++++++++++./", 13); /* exponential in regcomp */
    bad("$.a matches /a{2}{3}/", 13);
    CHECK_INT_EQ(holds("$.payment.status matches /^[+*]?d[e]+c(l\\+)?/"), 1);
    bad("$.a contains \"x\"", 5);
    bad("$.items[*].sku == \"A\"", 1);
    bad("$.a[ == 1", 5);
    bad("body == \"x\"", 6);
    bad("body contains x", 15);
    bad("body not has \"x\"", 6);
    bad("header exists", 14);
    bad("header X-A > 1", 12);
    bad("header X-A == 1", 12);
    bad("$.a exists now", 12);
}

int main(void)
{
    RUN(test_equality);
    RUN(test_order);
    RUN(test_in);
    RUN(test_exists_absent);
    RUN(test_matches);
    RUN(test_body);
    RUN(test_headers);
    RUN(test_got_is_bounded);
    RUN(test_errors);
    return check_summary();
}
