/* The scenario plan's request rendering and the captured-response view, without a network. */
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "scenario/plan.h"
#include "scenario/response.h"
#include "tests/support/check.h"

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
    const struct plan_step *st = &p.scenarios[0].steps[1];
    CHECK(plan_render(&p, st, &ctx, jar, buf, sizeof buf, scratch, sizeof scratch, &len, &unset) ==
          TPL_ERR_UNSET);
    CHECK_INT_EQ(unset, p.scenarios[0].steps[0].extracts[0].var);

    CHECK(vars_set(v, p.scenarios[0].steps[0].extracts[0].var, "c_1", 3) == 0);
    CHECK(cookie_jar_set(jar, "cart=abc; Path=/", 16, 0) == 0);
    CHECK(plan_render(&p, st, &ctx, jar, buf, sizeof buf, scratch, sizeof scratch, &len, NULL) ==
          TPL_OK);
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
    CHECK(plan_render(&p, st, &ctx, jar, buf, 60, scratch, sizeof scratch, &len, NULL) ==
          TPL_ERR_SPACE);
    CHECK(plan_status_ok(st, 204) && plan_status_ok(st, 302) && !plan_status_ok(st, 404));
    vars_destroy(v);
    cookie_jar_destroy(jar);
    plan_free(&p);
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
    RUN(test_mix_names_unknown_scenario);
    RUN(test_response_view);
    return check_summary();
}
