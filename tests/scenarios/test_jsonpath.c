/* JSON path compile and evaluation, header and cookie extraction. */
#include <stdlib.h>
#include <string.h>

#include "scenario/extract.h"
#include "scenario/jsonpath.h"
#include "tests/support/check.h"

static struct rng rng;
static char out[256];

/* Evaluate path on body; the value (NUL-terminated) is in out. */
static enum jp_status eval(const char *path, const char *body)
{
    struct parse_error err;
    struct jsonpath *p = jsonpath_compile(path, strlen(path), &err);
    if (!p) {
        fprintf(stderr, "does not compile: %s: %s\n", path, err.msg);
        return (enum jp_status) - 1;
    }
    size_t n = 0;
    /* The body is copied to the heap without a NUL so reads past its end are caught. */
    size_t len = strlen(body);
    char *copy = malloc(len ? len : 1);
    memcpy(copy, body, len);
    enum jp_status st = jsonpath_eval(p, copy, len, &rng, out, sizeof out - 1, &n);
    free(copy);
    jsonpath_free(p);
    out[st == JP_MATCH ? n : 0] = '\0';
    return st;
}

#define EXPECT(path, body, value)                                                                  \
    do {                                                                                           \
        CHECK_INT_EQ(eval(path, body), JP_MATCH);                                                  \
        CHECK_STR_EQ(out, value);                                                                  \
    } while (0)

static const char *const order =
    "{\"id\":\"ord_1\",\"total\":12.5,\"paid\":true,\"note\":null,"
    "\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-2\",\"qty\":1},{\"sku\":\"C-3\"}],"
    "\"key with space\":\"yes\",\"nested\":{\"a\":{\"b\":[[1,2],[3,4]]}}}";

static void test_members_and_indexes(void)
{
    EXPECT("$.id", order, "ord_1");
    EXPECT("$.total", order, "12.5");
    EXPECT("$.paid", order, "true");
    EXPECT("$.note", order, "null");
    EXPECT("$.items[0].sku", order, "A-1");
    EXPECT("$.items[1].qty", order, "1");
    EXPECT("$.items[-1].sku", order, "C-3");
    EXPECT("$.items[-3].sku", order, "A-1");
    EXPECT("$[\"key with space\"]", order, "yes");
    EXPECT("$['key with space']", order, "yes");
    EXPECT("$.nested.a.b[1][0]", order, "3");
    EXPECT("$.nested.a.b[-1][-1]", order, "4");
    EXPECT("$.items[2]", order, "{\"sku\":\"C-3\"}");
    EXPECT("$.nested.a.b[0]", order, "[1,2]");
    EXPECT("$", " [1, 2] ", "[1, 2]");
    EXPECT("$", "\"top\"", "top");
    EXPECT("$", "-0.5e+3", "-0.5e+3");
}

static void test_no_match(void)
{
    CHECK_INT_EQ(eval("$.missing", order), JP_NO_MATCH);
    CHECK_INT_EQ(eval("$.items[3].sku", order), JP_NO_MATCH);
    CHECK_INT_EQ(eval("$.items[-4]", order), JP_NO_MATCH);
    CHECK_INT_EQ(eval("$.items[2].qty", order), JP_NO_MATCH);
    CHECK_INT_EQ(eval("$.id.x", order), JP_NO_MATCH);      /* a string has no members */
    CHECK_INT_EQ(eval("$.items.sku", order), JP_NO_MATCH); /* an array has no names */
    CHECK_INT_EQ(eval("$[0]", order), JP_NO_MATCH);        /* an object has no indexes */
    CHECK_INT_EQ(eval("$.a", "[]"), JP_NO_MATCH);
    CHECK_INT_EQ(eval("$[0]", "[]"), JP_NO_MATCH);
    CHECK_INT_EQ(eval("$[*]", "{}"), JP_NO_MATCH);
}

static void test_escapes(void)
{
    EXPECT("$.s", "{\"s\":\"a\\\"b\\\\c\\/d\\n\"}", "a\"b\\c/d\n");
    EXPECT("$.s", "{\"s\":\"caf\\u00e9 \\u20ac \\ud83d\\ude00\"}",
           "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT("$.s", "{\"s\":\"\\ud800x\"}", "\xef\xbf\xbdx"); /* lone surrogate */
    /* A key written with escapes matches the plain name. */
    EXPECT("$.id", "{\"\\u0069d\":7}", "7");
    EXPECT("$[\"a\\\"b\"]", "{\"a\\\"b\":1}", "1");
    EXPECT("$.caf\xc3\xa9", "{\"caf\\u00e9\":2}", "2");
    CHECK_INT_EQ(eval("$.id", "{\"\\u0069dx\":7}"), JP_NO_MATCH);
}

static void test_first_match_stops_scan(void)
{
    /* The rest of the body is never read for a path without wildcards. */
    EXPECT("$.id", "{\"id\":1, this is not JSON", "1");
    EXPECT("$.id", "{\"id\":1,\"id\":2}", "1");
    /* But a miss must read it all, and then it is not JSON. */
    CHECK_INT_EQ(eval("$.x", "{\"id\":1, this is not JSON"), JP_NOT_JSON);
    CHECK_INT_EQ(eval("$.x", "{\"id\":1} trailing"), JP_NOT_JSON);
    CHECK_INT_EQ(eval("$.x", "{\"id\":1}  \r\n"), JP_NO_MATCH);
}

static void test_wildcards(void)
{
    const char *body = "{\"data\":{\"products\":{\"items\":[{\"id\":\"p1\"},{\"id\":\"p2\"},"
                       "{\"name\":\"no id\"},{\"id\":\"p3\"}]}}}";
    int seen[4] = {0};
    for (int i = 0; i < 600; i++) {
        CHECK_INT_EQ(eval("$.data.products.items[*].id", body), JP_MATCH);
        if (strlen(out) == 2 && out[0] == 'p' && out[1] >= '1' && out[1] <= '3')
            seen[out[1] - '0']++;
        else
            CHECK(0);
    }
    CHECK(seen[1] > 130 && seen[2] > 130 && seen[3] > 130);
    EXPECT("$.a.*", "{\"a\":{\"only\":5}}", "5");
    EXPECT("$[*][1]", "[[0,\"x\"],[1]]", "x");
    CHECK_INT_EQ(eval("$.items[*].id", "{\"items\":[{\"x\":1}]}"), JP_NO_MATCH);
    /* A wildcard reads everything: broken JSON after a match is still not JSON. */
    CHECK_INT_EQ(eval("$[*]", "[1,2,"), JP_NOT_JSON);
}

static void test_not_json(void)
{
    const char *bad[] = {"",
                         "   ",
                         "<html><body>502 Bad Gateway</body></html>",
                         "{",
                         "[1,]",
                         "{\"a\" 1}",
                         "{\"a\":}",
                         "{a:1}",
                         "[1 2]",
                         "\"unterminated",
                         "\"bad \\x escape\"",
                         "\"\\u12G4\"",
                         "01",
                         "1.",
                         "1e",
                         "-",
                         "tru",
                         "nul",
                         "[}",
                         "{]",
                         "{\"a\":1,}",
                         "\"ctl\x01\"",
                         "[1]]",
                         "\"12345678",
                         "\"1234567812345678",
                         "[\"1234567\\"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (eval("$.zzz", bad[i]) != JP_NOT_JSON) {
            fprintf(stderr, "accepted as JSON: '%s'\n", bad[i]);
            CHECK(0);
        }
    }
    /* Nesting deeper than the limit is refused, not a stack overflow. */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    CHECK_INT_EQ(eval("$.a", deep), JP_NOT_JSON);
    CHECK_INT_EQ(eval("$[0][0][0]", deep), JP_NOT_JSON);
    free(deep);
    CHECK_INT_EQ(eval("$[0]", "\xef\xbb\xbf[7]"), JP_MATCH); /* a BOM is fine */
}

static void test_output_space(void)
{
    struct parse_error err;
    struct jsonpath *p = jsonpath_compile("$.s", 3, &err);
    char small[4];
    size_t n;
    const char *body = "{\"s\":\"abcd\"}";
    CHECK_INT_EQ(jsonpath_eval(p, body, strlen(body), NULL, small, 4, &n), JP_MATCH);
    CHECK_INT_EQ(n, 4);
    CHECK_INT_EQ(jsonpath_eval(p, body, strlen(body), NULL, small, 3, &n), JP_NO_SPACE);
    jsonpath_free(p);
    CHECK_STR_EQ(jsonpath_status_name(JP_NOT_JSON), "not JSON");
}

static void expect_compile_error(const char *path, int col, const char *msg)
{
    struct parse_error err = {0};
    struct jsonpath *p = jsonpath_compile(path, strlen(path), &err);
    CHECK(p == NULL);
    jsonpath_free(p);
    CHECK_INT_EQ(err.col, col);
    CHECK_CONTAINS(err.msg, msg);
}

static void test_compile_errors(void)
{
    expect_compile_error("", 1, "starts with '$'");
    expect_compile_error("id", 1, "starts with '$'");
    expect_compile_error("$.", 2, "member name");
    expect_compile_error("$..a", 2, "member name");
    expect_compile_error("$.a[", 5, "expected an index");
    expect_compile_error("$.a[1", 6, "expected ']'");
    expect_compile_error("$.a[x]", 5, "expected an index");
    expect_compile_error("$.a[-]", 5, "expected an index");
    expect_compile_error("$[\"abc]", 3, "unterminated");
    expect_compile_error("$.a b", 4, "unexpected ' '");
    expect_compile_error("$[99999999999999999999999]", 3, "too large");
    char many[3 * 70 + 2] = "$";
    for (int i = 0; i < 70; i++)
        strcat(many, ".ab");
    expect_compile_error(many, 2 + 3 * 64, "more than 64");
}

static void test_headers(void)
{
    const char *head = "HTTP/1.1 201 Created\r\n"
                       "Content-Type: application/json\r\n"
                       "Location:   /api/v1/carts/c1  \r\n"
                       "Set-Cookie: session=s1; Path=/; HttpOnly\r\n"
                       "X-Request-Id: r-9\r\n"
                       "set-cookie: cart=\"c 7\"; Secure\r\n"
                       "Set-Cookie: session=s2; Path=/\r\n"
                       "\r\n"
                       "Location: /body-is-not-a-header\r\n";
    const char *v;
    size_t n;
    CHECK(extract_header(head, strlen(head), "location", &v, &n) == 0);
    CHECK(n == 16 && memcmp(v, "/api/v1/carts/c1", 16) == 0);
    CHECK(extract_header(head, strlen(head), "X-REQUEST-ID", &v, &n) == 0);
    CHECK(n == 3 && memcmp(v, "r-9", 3) == 0);
    CHECK(extract_header(head, strlen(head), "X-Missing", &v, &n) == -1);
    CHECK(extract_header(head, strlen(head), "Content", &v, &n) == -1);
    CHECK(extract_cookie(head, strlen(head), "session", &v, &n) == 0);
    CHECK(n == 2 && memcmp(v, "s2", 2) == 0); /* the later one wins */
    CHECK(extract_cookie(head, strlen(head), "cart", &v, &n) == 0);
    CHECK(n == 3 && memcmp(v, "c 7", 3) == 0);
    CHECK(extract_cookie(head, strlen(head), "Path", &v, &n) == -1);
    CHECK(extract_cookie(head, strlen(head), "sess", &v, &n) == -1);
    /* LF-only line ends and a head cut short. */
    const char *lf = "HTTP/1.1 200 OK\nA: 1\nB:2";
    CHECK(extract_header(lf, strlen(lf), "b", &v, &n) == 0 && n == 1 && *v == '2');
    CHECK(extract_header("HTTP/1.1 200 OK", 15, "a", &v, &n) == -1);
    CHECK(extract_set_cookie("k=v", 3, "k", &v, &n) == 0 && n == 1 && *v == 'v');
    CHECK(extract_set_cookie("k", 1, "k", &v, &n) == -1);
    CHECK(extract_set_cookie(" k = \"\" ; x", 11, "k", &v, &n) == 0 && n == 0);
}

int main(void)
{
    rng_seed(&rng, 3, 0);
    RUN(test_members_and_indexes);
    RUN(test_no_match);
    RUN(test_escapes);
    RUN(test_first_match_stops_scan);
    RUN(test_wildcards);
    RUN(test_not_json);
    RUN(test_output_space);
    RUN(test_compile_errors);
    RUN(test_headers);
    return check_summary();
}
