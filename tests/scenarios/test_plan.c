/* The scenario plan's request rendering and the captured-response view, without a network. */
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "scenario/plan.h"
#include "scenario/response.h"
#include "tests/support/check.h"
#include "tests/support/request_text.h"

static struct step step_of(const char *method, const char *path, enum body_kind kind,
                           const char *body, struct kv *headers, size_t nheaders)
{
    struct step st = {0};
    st.name = "s";
    st.method = method;
    st.path = path;
    st.body_kind = kind;
    st.body = body;
    st.headers = (struct kv_list){headers, nheaders};
    return st;
}

static void test_render(void)
{
    struct extraction ex = {.var = "cart_id", .source = EXTRACT_JSON, .expr = "$.id"};
    struct step steps[2];
    steps[0] = step_of("POST", "/carts", BODY_JSON, "{}", NULL, 0);
    steps[0].extractions = &ex;
    steps[0].extraction_count = 1;
    struct kv h = {"Idempotency-Key", "k-{{cart_id}}", {0, 0}};
    steps[1] =
        step_of("POST", "/carts/{{cart_id}}/items", BODY_JSON, "{\"qty\":{{randint 2 2}}}", &h, 1);
    struct scenario sc = {"shop", steps, 2, {0, 0}};
    struct load load = {.scenarios = &sc, .scenario_count = 1, .seed = 1};
    struct url base;
    char err[256];
    CHECK(url_parse("http://127.0.0.1:8080/shop/", &base, err, sizeof err) == 0);
    const char *headers[] = {"X-Team: qa"};
    struct plan p;
    CHECK(plan_build(&p, &load, &base, headers, 1, NULL, err, sizeof err) == 0);
    CHECK_INT_EQ(p.step_count, 2);
    CHECK_INT_EQ(p.mix.count, 1);

    struct vars *v = vars_create(p.schema.count, 256);
    struct cookie_jar *jar = cookie_jar_create(4, 256);
    struct rng rng;
    rng_seed(&rng, 1, 0);
    struct tpl_ctx ctx = {v, &rng, 0};
    char buf[1024], scratch[256];
    size_t len = 0;
    int unset = -1;
    struct request_parts parts;
    const struct plan_step *st = &p.scenarios[0].steps[1];
    CHECK(plan_render(&p, st, &ctx, jar, buf, sizeof buf, scratch, sizeof scratch, &len, &parts,
                      &unset) == TPL_ERR_UNSET);
    CHECK_INT_EQ(unset, p.scenarios[0].steps[0].extracts[0].var);

    CHECK(vars_set(v, p.scenarios[0].steps[0].extracts[0].var, "c_1", 3) == 0);
    CHECK(cookie_jar_set(jar, "cart=abc; Path=/", 16, 0) == 0);
    CHECK(plan_render(&p, st, &ctx, jar, buf, sizeof buf, scratch, sizeof scratch, &len, &parts,
                      NULL) == TPL_OK);
    buf[len] = '\0';
    CHECK_STR_EQ(buf, "POST /shop/carts/c_1/items HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8080\r\n"
                      "X-Team: qa\r\n"
                      "Idempotency-Key: k-c_1\r\n"
                      "Cookie: cart=abc\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: 9\r\n"
                      "\r\n"
                      "{\"qty\":2}");
    /* Too small a buffer is an error, never a cut request. */
    CHECK(plan_render(&p, st, &ctx, jar, buf, 60, scratch, sizeof scratch, &len, &parts, NULL) ==
          TPL_ERR_SPACE);
    CHECK(plan_status_ok(st, 204) && plan_status_ok(st, 302) && !plan_status_ok(st, 404));
    vars_destroy(v);
    cookie_jar_destroy(jar);
    plan_free(&p);
}

/* Render every step of sc (base URL base, target headers) and check that the parts the render
 * recorded are what reading its HTTP/1.1 text gives; vars set var0..var3 for the templates. */
static void check_steps_parts(struct scenario *sc, const char *base_url, const char *const *headers,
                              size_t header_count, int tls)
{
    struct load load = {.scenarios = sc, .scenario_count = 1, .seed = 1};
    struct url base;
    char err[256];
    CHECK(url_parse(base_url, &base, err, sizeof err) == 0);
    struct plan p;
    CHECK(plan_build(&p, &load, &base, headers, header_count, NULL, err, sizeof err) == 0);
    struct vars *v = vars_create(p.schema.count, 512);
    for (size_t i = 0; i < p.schema.count; i++)
        CHECK(vars_set(v, (int)i, "v\"1 2", 5) == 0);
    struct cookie_jar *jar = cookie_jar_create(4, 256);
    CHECK(cookie_jar_set(jar, "sid=s1; Path=/", 14, 0) == 0);
    CHECK(cookie_jar_set(jar, "cart=c2; Path=/", 15, 0) == 0);
    struct rng rng;
    rng_seed(&rng, 7, 0);
    struct tpl_ctx ctx = {v, &rng, 1700000000000000ULL};
    /* As a slot holds it: parts at the end of the buffer, its fields before them. */
    static _Alignas(struct request_parts) char slot[PLAN_REQUEST_MAX];
    struct request_parts *parts = (struct request_parts *)(slot + sizeof slot) - 1;
    char scratch[PLAN_REQUEST_MAX];
    for (size_t j = 0; j < sc->step_count; j++) {
        for (int with_cookies = 0; with_cookies < 2; with_cookies++) {
            struct request r = {.bytes = slot, .parts = parts};
            CHECK(plan_render(&p, &p.scenarios[0].steps[j], &ctx, with_cookies ? jar : NULL, slot,
                              (size_t)((char *)parts - slot), scratch, sizeof scratch, &r.len,
                              parts, NULL) == TPL_OK);
            check_parts_match_text(&r, tls);
        }
    }
    vars_destroy(v);
    cookie_jar_destroy(jar);
    plan_free(&p);
}

/* The parts a render records equal what reading the rendered HTTP/1.1 text gives. */
static void test_render_parts(void)
{
    struct kv extra[] = {{"Idempotency-Key", "{{uuid}}", {0, 0}},
                         {"X-Trace", "t-{{randint 1 9}}-{{var0}}", {0, 0}},
                         {"Accept", "application/json", {0, 0}}};
    struct kv host[] = {{"Host", "api.{{var1}}.test", {0, 0}},
                        {"Connection", "keep-alive", {0, 0}},
                        {"x-Mixed-Case", "{{now_ms}}", {0, 0}},
                        {"Upgrade", "h2c", {0, 0}}};
    struct kv typed[] = {{"Content-Type", "application/json; charset=utf-8", {0, 0}}};
    struct step steps[] = {
        step_of("GET", "/products/{{var0}}?q={{var1}}", BODY_NONE, NULL, NULL, 0),
        step_of("POST", "/carts", BODY_JSON, "{\"sku\":\"{{var2}}\",\"qty\":{{randint 1 3}}}",
                extra, 3),
        step_of("PUT", "/carts/{{var3}}", BODY_FORM, "qty=2&note={{var0}}", host, 4),
        /* A GraphQL mutation as its JSON body, its type given. */
        step_of("POST", "/graphql", BODY_JSON,
                "{\"query\":\"mutation Add($id: ID!) { addItem(id: $id) { id } }\","
                "\"variables\":{\"id\":\"{{var0}}\"}}",
                typed, 1),
        step_of("HEAD", "/", BODY_NONE, NULL, host, 2),
    };
    struct scenario sc = {"shop", steps, sizeof steps / sizeof *steps, {0, 0}};
    const char *headers[] = {"X-Team: qa", "Authorization:\tBearer t", "Keep-Alive: 5"};
    check_steps_parts(&sc, "https://127.0.0.1:8443/shop/", headers, 3, 1);
    check_steps_parts(&sc, "http://[::1]/", NULL, 0, 0);
    /* The target's own Host (a header of every request) is the authority, unless a step says. */
    const char *own_host[] = {"Host: store.test"};
    check_steps_parts(&sc, "http://127.0.0.1:8080/", own_host, 1, 0);
}

/* A request whose fields do not fit beside it is an error, never a cut request. */
static void test_render_parts_space(void)
{
    struct kv extra[] = {{"A", "1", {0, 0}}, {"B", "2", {0, 0}}, {"C", "3", {0, 0}}};
    struct step st = step_of("GET", "/", BODY_NONE, NULL, extra, 3);
    struct scenario sc = {"s", &st, 1, {0, 0}};
    struct load load = {.scenarios = &sc, .scenario_count = 1, .seed = 1};
    struct url base;
    char err[256];
    CHECK(url_parse("http://h/", &base, err, sizeof err) == 0);
    struct plan p;
    CHECK(plan_build(&p, &load, &base, NULL, 0, NULL, err, sizeof err) == 0);
    struct rng rng;
    rng_seed(&rng, 1, 0);
    struct tpl_ctx ctx = {NULL, &rng, 0};
    _Alignas(struct request_field) char buf[256];
    char scratch[16];
    size_t len, need = 0;
    struct request_parts parts;
    for (size_t cap = 1; cap <= sizeof buf; cap++) {
        memset(buf, '#', sizeof buf);
        enum tpl_status rc = plan_render(&p, &p.scenarios[0].steps[0], &ctx, NULL, buf, cap,
                                         scratch, sizeof scratch, &len, &parts, NULL);
        CHECK(rc == TPL_OK || rc == TPL_ERR_SPACE);
        /* Nothing is written past the cap, the request and its fields together. */
        for (size_t i = cap; i < sizeof buf; i++)
            CHECK(buf[i] == '#');
        if (rc == TPL_OK && !need) {
            need = cap;
            /* "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", three fields. */
            CHECK_INT_EQ(len, 45);
            CHECK_INT_EQ(parts.field_count, 3);
            CHECK(cap >= len + 3 * sizeof(struct request_field));
        }
        CHECK(rc == (need ? TPL_OK : TPL_ERR_SPACE));
    }
    CHECK(need != 0);
    plan_free(&p);
}

/* A plan without scenarios is refused, and what it built is freed (the leak checker says). */
static void test_no_scenarios(void)
{
    struct load load = {.seed = 1};
    struct url base;
    char err[256];
    CHECK(url_parse("http://127.0.0.1/", &base, err, sizeof err) == 0);
    const char *headers[] = {"X-Team: qa"};
    struct plan p;
    CHECK(plan_build(&p, &load, &base, headers, 1, NULL, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "no scenarios");
}

static void test_mix_names_unknown_scenario(void)
{
    struct step st = step_of("GET", "/", BODY_NONE, NULL, NULL, 0);
    struct scenario sc = {"browse", &st, 1, {0, 0}};
    struct load load = {.scenarios = &sc, .scenario_count = 1};
    struct mix_entry e[2] = {{.name = "browse", .weight = 1}, {.name = "ghost", .weight = 1}};
    struct mix m = {e, 2, 0};
    struct url base;
    char err[256];
    url_parse("http://127.0.0.1/", &base, err, sizeof err);
    struct plan p;
    CHECK(plan_build(&p, &load, &base, NULL, 0, &m, err, sizeof err) == -1);
    CHECK(strstr(err, "'ghost'") != NULL);
}

static void view(const char *text, struct response_view *rv, char *buf)
{
    size_t n = strlen(text);
    memcpy(buf, text, n);
    response_view(buf, n, rv);
}

static void test_response_view(void)
{
    char buf[512];
    struct response_view rv;
    view("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}", &rv, buf);
    CHECK_INT_EQ(rv.body_len, 7);
    CHECK(memcmp(rv.body, "{\"a\":1}", 7) == 0);
    CHECK(rv.head_len == strlen("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"));

    /* Interim responses are skipped; a chunked body is decoded in place. */
    view("HTTP/1.1 100 Continue\r\n\r\n"
         "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\n\r\n"
         "4;ext=1\r\n{\"id\r\n5\r\n\":\"x\"\r\n1\r\n}\r\n0\r\n\r\n",
         &rv, buf);
    CHECK(strncmp(rv.head, "HTTP/1.1 201", 12) == 0);
    CHECK_INT_EQ(rv.body_len, 10);
    CHECK(memcmp(rv.body, "{\"id\":\"x\"}", 10) == 0);

    /* Cut short (the capture cap): what arrived; a head without its end is all head. */
    view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123", &rv, buf);
    CHECK_INT_EQ(rv.body_len, 4);
    view("HTTP/1.1 200 OK\r\nContent-Le", &rv, buf);
    CHECK_INT_EQ(rv.body_len, 0);
    CHECK_INT_EQ(rv.head_len, strlen("HTTP/1.1 200 OK\r\nContent-Le"));
}

int main(void)
{
    RUN(test_render);
    RUN(test_render_parts);
    RUN(test_render_parts_space);
    RUN(test_no_scenarios);
    RUN(test_mix_names_unknown_scenario);
    RUN(test_response_view);
    return check_summary();
}
