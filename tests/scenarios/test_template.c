/* Templates: compiling, rendering every kind of slot, and compile errors with positions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/template.h"
#include "tests/support/check.h"

static struct vars_schema schema;
static struct vars *vars;
static struct rng rng;

/* The source is copied to the heap without a NUL so that a read past its end is caught. */
static struct template *compile(const char *src, struct parse_error *err)
{
    size_t len = strlen(src);
    char *copy = malloc(len ? len : 1);
    memcpy(copy, src, len);
    struct template *t = template_compile(copy, len, &schema, err);
    free(copy);
    return t;
}

/* Render src, its values escaped as escape says, into a static buffer; NULL when it does not
 * compile or render. */
static const char *render_as(const char *src, enum tpl_escape escape)
{
    static char out[512];
    struct parse_error err;
    struct template *t = compile(src, &err);
    if (!t)
        return NULL;
    template_set_escape(t, escape);
    struct tpl_ctx ctx = {vars, &rng, 1700000000123456ULL};
    size_t n;
    enum tpl_status st = template_render(t, &ctx, out, sizeof out - 1, &n, NULL);
    template_free(t);
    if (st != TPL_OK)
        return NULL;
    out[n] = '\0';
    return out;
}

static const char *render(const char *src)
{
    return render_as(src, TPL_RAW);
}

static void set(const char *name, const char *value)
{
    int id = vars_schema_intern(&schema, name, strlen(name));
    CHECK(vars_set(vars, id, value, strlen(value)) == 0);
}

static void test_literal(void)
{
    struct parse_error err;
    struct template *t = compile("/api/v1/products?page=2 {not a slot} }}", &err);
    CHECK(t && template_is_constant(t));
    CHECK_INT_EQ(template_var_count(t), 0);
    template_free(t);
    CHECK_STR_EQ(render("/api/v1/products?page=2 {not a slot} }}"),
                 "/api/v1/products?page=2 {not a slot} }}");
    CHECK_STR_EQ(render(""), "");
    /* A JSON body with nested braces but no "{{" is plain text. */
    CHECK_STR_EQ(render("{\"a\":{\"b\":[1,{\"c\":2}]}}"), "{\"a\":{\"b\":[1,{\"c\":2}]}}");
}

static void test_variables(void)
{
    set("cart_id", "c-42");
    set("token", "abc.def");
    CHECK_STR_EQ(render("/api/v1/carts/{{cart_id}}/items"), "/api/v1/carts/c-42/items");
    CHECK_STR_EQ(render("Bearer {{ token }}"), "Bearer abc.def");
    CHECK_STR_EQ(render("{{cart_id}}{{cart_id}}"), "c-42c-42");
    CHECK_STR_EQ(render("{\"cart\":\"{{cart_id}}\",\"qty\":1}"), "{\"cart\":\"c-42\",\"qty\":1}");
    set("products.sku", "SKU-1");
    CHECK_STR_EQ(render("{{products.sku}}"), "SKU-1");

    struct parse_error err;
    struct template *t = compile("/x/{{missing}}", &err);
    CHECK(t && !template_is_constant(t));
    char buf[64];
    size_t n;
    int unset = -1;
    struct tpl_ctx ctx = {vars, &rng, 0};
    CHECK_INT_EQ(template_render(t, &ctx, buf, sizeof buf, &n, &unset), TPL_ERR_UNSET);
    CHECK_INT_EQ(unset, vars_schema_find(&schema, "missing", 7));
    template_free(t);
}

static int literal_bad(const char *src)
{
    struct parse_error err;
    struct template *t = compile(src, &err);
    int bad = template_literal_path_bad_byte(t);
    template_free(t);
    return bad;
}

static void test_literal_path_check(void)
{
    CHECK_INT_EQ(literal_bad("/api/v1/products?q=a%20b&x={{v}}"), -1);
    CHECK_INT_EQ(literal_bad("/search?q=red shoes"), ' ');
    CHECK_INT_EQ(literal_bad("/caf\xc3\xa9/{{v}}"), 0xc3);
    CHECK_INT_EQ(literal_bad("/sale/50%/{{v}}"), '%');
    /* What a variable brings is escaped at render time, not checked here. */
    CHECK_INT_EQ(literal_bad("/{{v}}/x"), -1);
}

static void test_escaping(void)
{
    set("v", "A B/\xc3\xbc#?x=1&y%2F");
    CHECK_STR_EQ(render_as("/p/{{v}}", TPL_PATH), "/p/A%20B/%C3%BC%23?x=1&y%2F");
    CHECK_STR_EQ(render_as("q={{v}}", TPL_FORM), "q=A%20B%2F%C3%BC%23%3Fx%3D1%26y%252F");
    /* A value from a feeder or the environment never splits the request line; a '%' that
     * does not start an encoded byte is encoded itself. */
    set("v", "a b\r\nHost: x\t50%off%2");
    CHECK_STR_EQ(render_as("/s?q={{v}}", TPL_PATH), "/s?q=a%20b%0D%0AHost:%20x%0950%25off%252");
    set("v", "say \"hi\" \\ \n\x01\xc3\xbc");
    CHECK_STR_EQ(render_as("{\"m\":\"{{v}}\"}", TPL_JSON),
                 "{\"m\":\"say \\\"hi\\\" \\\\ \\u000A\\u0001\xc3\xbc\"}");
    /* Literal text and generated values are never escaped. */
    CHECK_STR_EQ(render_as("/a b/{{randint -1 -1}}/{{now}}", TPL_FORM), "/a b/-1/1700000000");
    CHECK_STR_EQ(render_as("x=\"{{\"\\\"}}\"", TPL_JSON), "x=\"\\\"");

    /* A header value must not carry a line break into the request. */
    set("v", "abc\r\nX-Injected: 1");
    struct parse_error err;
    struct template *t = compile("Bearer {{v}}", &err);
    template_set_escape(t, TPL_HEADER);
    char buf[64];
    size_t n;
    int bad = -1;
    struct tpl_ctx ctx = {vars, &rng, 0};
    CHECK_INT_EQ(template_render(t, &ctx, buf, sizeof buf, &n, &bad), TPL_ERR_VALUE);
    CHECK_INT_EQ(bad, vars_schema_find(&schema, "v", 1));
    set("v", "abc");
    CHECK_INT_EQ(template_render(t, &ctx, buf, sizeof buf, &n, &bad), TPL_OK);
    CHECK(n == 10 && memcmp(buf, "Bearer abc", 10) == 0);
    template_free(t);

    /* Escaping grows the output: the buffer check counts the escaped bytes. */
    set("v", "\"\"\"");
    t = compile("{{v}}", &err);
    template_set_escape(t, TPL_JSON);
    CHECK_INT_EQ(template_render(t, &ctx, buf, 5, &n, NULL), TPL_ERR_SPACE);
    CHECK_INT_EQ(template_render(t, &ctx, buf, 6, &n, NULL), TPL_OK);
    template_free(t);
}

static void test_var_listing(void)
{
    struct parse_error err;
    struct template *t = compile("{{a}}/{{ b }}\n  {{a}} {{uuid}}", &err);
    CHECK(t != NULL);
    CHECK_INT_EQ(template_var_count(t), 3);
    struct tpl_var_ref r0 = template_var(t, 0), r1 = template_var(t, 1), r2 = template_var(t, 2);
    CHECK_INT_EQ(r0.id, vars_schema_find(&schema, "a", 1));
    CHECK_INT_EQ(r0.col, 3);
    CHECK_INT_EQ(r1.id, vars_schema_find(&schema, "b", 1));
    CHECK_INT_EQ(r1.col, 10);
    CHECK_INT_EQ(r2.id, r0.id);
    CHECK_INT_EQ(r2.line, 2);
    CHECK_INT_EQ(r2.col, 5);
    CHECK_INT_EQ(template_var(t, 3).id, -1);
    template_free(t);
    CHECK(template_is_function("uuid") && template_is_function("randint"));
    CHECK(!template_is_function("cart_id"));
}

static void test_uuid(void)
{
    char a[64], b[64];
    const char *s = render("{{uuid}}");
    CHECK(s && strlen(s) == 36);
    strcpy(a, s ? s : "");
    strcpy(b, render("{{uuid}}") ? render("{{uuid}}") : "");
    CHECK(strcmp(a, b) != 0);
    CHECK(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    CHECK(a[14] == '4');
    CHECK(strchr("89ab", a[19]) != NULL);
    CHECK(strspn(a, "0123456789abcdef-") == 36);
}

static void test_randint(void)
{
    int seen[4] = {0};
    for (int i = 0; i < 1000; i++) {
        const char *s = render("{{randint 1 3}}");
        CHECK(s && strlen(s) == 1 && s[0] >= '1' && s[0] <= '3');
        if (s && s[0] >= '1' && s[0] <= '3')
            seen[s[0] - '0']++;
    }
    CHECK(seen[1] > 250 && seen[2] > 250 && seen[3] > 250);
    CHECK_STR_EQ(render("{{randint -5 -5}}"), "-5");
    CHECK_STR_EQ(render("{{randint 0 0}}"), "0");
    CHECK_STR_EQ(render("{{randint -9223372036854775808 -9223372036854775808}}"),
                 "-9223372036854775808");
    CHECK_STR_EQ(render("{{randint 9223372036854775807 9223372036854775807}}"),
                 "9223372036854775807");
    const char *wide = render("{{randint -9223372036854775808 9223372036854775807}}");
    CHECK(wide && strlen(wide) >= 1);
}

static void test_now_and_quoted(void)
{
    CHECK_STR_EQ(render("t={{now}}"), "t=1700000000");
    CHECK_STR_EQ(render("{{now_ms}}"), "1700000000123");
    CHECK_STR_EQ(render("a{{\"{{\"}}b"), "a{{b");
    CHECK_STR_EQ(render("{{ \"x y\" }}"), "x y");
}

static void test_same_seed_same_output(void)
{
    char first[128];
    rng_seed(&rng, 7, 0);
    const char *s = render("{{uuid}} {{randint 1 1000000}}");
    CHECK(s != NULL);
    strcpy(first, s ? s : "");
    rng_seed(&rng, 7, 0);
    CHECK_STR_EQ(render("{{uuid}} {{randint 1 1000000}}"), first);
    rng_seed(&rng, 7, 1);
    CHECK(strcmp(render("{{uuid}} {{randint 1 1000000}}"), first) != 0);
}

static void test_buffer_space(void)
{
    struct parse_error err;
    struct template *t = compile("abc{{uuid}}", &err);
    char buf[39];
    size_t n = 0;
    struct tpl_ctx ctx = {vars, &rng, 0};
    CHECK_INT_EQ(template_render(t, &ctx, buf, 39, &n, NULL), TPL_OK);
    CHECK_INT_EQ(n, 39);
    CHECK_INT_EQ(template_render(t, &ctx, buf, 38, &n, NULL), TPL_ERR_SPACE);
    CHECK_INT_EQ(template_render(t, &ctx, buf, 2, &n, NULL), TPL_ERR_SPACE);
    template_free(t);
    t = compile("{{cart_id}}", &err);
    CHECK_INT_EQ(template_render(t, &ctx, buf, 3, &n, NULL), TPL_ERR_SPACE);
    CHECK_INT_EQ(template_render(t, &ctx, buf, 4, &n, NULL), TPL_OK);
    template_free(t);
}

static void expect_error(const char *src, int line, int col, const char *msg)
{
    struct parse_error err = {0};
    struct template *t = compile(src, &err);
    CHECK(t == NULL);
    template_free(t);
    CHECK_INT_EQ(err.line, line);
    CHECK_INT_EQ(err.col, col);
    CHECK_CONTAINS(err.msg, msg);
}

static void test_errors(void)
{
    expect_error("/carts/{{cart_id", 1, 8, "not closed");
    expect_error("/carts/{{cart_id}", 1, 8, "not closed");
    expect_error("{{a {{b}}", 1, 1, "not closed");
    expect_error("{{}}", 1, 1, "empty");
    expect_error("x{{   }}", 1, 2, "empty");
    expect_error("{{foo 1 2}}", 1, 3, "unknown function 'foo'");
    expect_error("{{randint 1}}", 1, 3, "takes 2 arguments, not 1");
    expect_error("{{uuid 4}}", 1, 3, "takes 0 arguments");
    expect_error("{{randint 1 2 3 4}}", 1, 17, "too many");
    expect_error("{{randint 5 1}}", 1, 11, "low bound");
    expect_error("{{randint 1 x}}", 1, 13, "not a 64-bit integer");
    expect_error("{{randint 1 99999999999999999999}}", 1, 13, "not a 64-bit integer");
    expect_error("{{9lives}}", 1, 3, "expected a variable");
    expect_error("{{a$b}}", 1, 4, "unexpected '$'");
    expect_error("{\n  \"id\": \"{{id\n}}\"}", 2, 10, "not closed on its line");
    expect_error("{\n  \"a\": 1,\n  \"b\": \"{{randint 2 1}}\"}", 3, 19, "low bound");
    expect_error("{{\"abc}}", 1, 3, "quoted text");
}

int main(void)
{
    vars_schema_init(&schema);
    vars = vars_create(64, 4096);
    rng_seed(&rng, 1, 0);
    RUN(test_literal);
    RUN(test_variables);
    RUN(test_escaping);
    RUN(test_literal_path_check);
    RUN(test_var_listing);
    RUN(test_uuid);
    RUN(test_randint);
    RUN(test_now_and_quoted);
    RUN(test_same_seed_same_output);
    RUN(test_buffer_space);
    RUN(test_errors);
    vars_destroy(vars);
    vars_schema_free(&schema);
    return check_summary();
}
