/*
 * Scenario runs of `storecheck load CONFIG` against the reference store on loopback: values
 * extracted into later steps, the cookie jar, feeders, failure reasons, checks on answers (also against servers
 * that never answer or hang up), dropped iterations, the mix, thresholds and exit codes,
 * abort_on_fail, a JSON POST with extraction, the closed model, the shipped example config
 * over TLS. Every run is short and bounded; counts are checked, never timings, except where
 * the store holds every answer 1.5 s (--broken slow) to tell an iteration's duration from its
 * requests' latency, with margins of a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/loadgen/test_server.h"
#include "tests/refstore/harness.h"
#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

static struct rs_server store;

/* A config for a server on port with `load` (the lines under load:, indented by two). */
static const char *config_at(int port, const char *name, const char *load)
{
    char text[8192];
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  timeout: 5s\n"
             "  headers: { X-Api-Key: \"${SC_TEST_TOKEN}\" }\n"
             "load:\n"
             "%s",
             port, load);
    return sc_write(name, text);
}

/* The same for the reference store. */
static const char *config(const char *name, const char *load)
{
    return config_at(store.http, name, load);
}

/* An open profile: `rate` iterations/s for `seconds`, the given mix and pool. */
static const char *open_profile(const char *name, int rate, int seconds, const char *mix,
                                int max_vus)
{
    char text[1024];
    snprintf(text, sizeof text,
             "model: open\n"
             "start_rate: %d\n"
             "stages:\n  - { duration: %ds, rate: %d }\n"
             "mix: { %s }\n"
             "max_vus: %d\n"
             "pre_allocated_vus: %d\n",
             rate, seconds, rate, mix, max_vus, max_vus < 20 ? max_vus : 20);
    return sc_write(name, text);
}

/* Run a load; the JSON result (NULL if none) and the exit code. */
/* Run a load on one thread; the JSON result (NULL if none) and the run. */
static cJSON *load_run(const char *cfg, const char *profile, struct sc_ran *ran)
{
    char json[256];
    snprintf(json, sizeof json, "%s/result.json", sc_tmpdir());
    remove(json);
    const char *args[] = {"load", cfg,      "--profile", profile, "--threads",
                          "1",    "--json", json,        NULL};
    *ran = sc_run(60, args);
    CHECK(sc_schema_check(json) != 0);
    return sc_json(json);
}

static cJSON *load(const char *cfg, const char *profile, int *code)
{
    struct sc_ran r;
    cJSON *j = load_run(cfg, profile, &r);
    *code = r.code;
    sc_ran_free(&r);
    return j;
}

/* Iterations that ended (completed or failed), for counts that must add up. */
static double ended(const cJSON *sc)
{
    return sc_num(sc, "started") - sc_num(sc, "unfinished");
}

static void test_checkout_flow(void)
{
    const char *cfg = config(
        "checkout.yaml",
        "  seed: 3\n"
        "  scenarios:\n"
        "    checkout:\n"
        "      - { name: cart, method: POST, path: /api/v1/carts, json: {}, expect: [201],\n"
        "          extract: { cart_id: \"$.id\" } }\n"
        "      - { name: add, method: POST, path: \"/api/v1/carts/{{cart_id}}/items\",\n"
        "          json: { product_id: \"{{randint 1 1000}}\", quantity: 1 }, expect: [200] }\n"
        "      - { name: order, method: POST, path: /api/v1/checkout,\n"
        "          headers: { Idempotency-Key: \"{{uuid}}\" }, json: { cart_id: \"{{cart_id}}\" "
        "},\n"
        "          expect: [201], extract: { order_id: \"$.id\" } }\n"
        "      - { name: read_order, path: \"/api/v1/orders/{{order_id}}\", expect: [200] }\n"
        "    same_key:\n"
        "      - { name: cart, method: POST, path: /api/v1/carts, json: {}, expect: [201],\n"
        "          extract: { cart_id: \"$.id\" } }\n"
        "      - { name: order, method: POST, path: /api/v1/checkout,\n"
        "          headers: { Idempotency-Key: fixed-key-1 }, json: { cart_id: \"{{cart_id}}\" },\n"
        "          expect: [201] }\n");
    const char *prof = open_profile("checkout-profile.yaml", 20, 2, "checkout: 1, same_key: 1", 50);
    int code;
    cJSON *j = load(cfg, prof, &code);
    CHECK_INT_EQ(code, 0);
    CHECK(j != NULL);
    const cJSON *co = sc_scenario(j, "checkout"), *sk = sc_scenario(j, "same_key");
    CHECK(sc_num(co, "started") >= 5);
    CHECK_INT_EQ(sc_num(co, "failed_total"), 0);
    CHECK_INT_EQ(sc_num(co, "completed"), ended(co));
    const char *steps[] = {"cart", "add", "order", "read_order"};
    for (int i = 0; i < 4; i++) {
        const cJSON *st = sc_step(j, "checkout", steps[i]);
        CHECK(sc_num(st, "requests") >= 5);
        CHECK(sc_num(cJSON_GetObjectItemCaseSensitive(st, "latency_us"), "count") ==
              sc_num(st, "responses"));
    }
    /* One key: one order; the same key with another cart is refused (422), or 409 while the
     * first is in flight. A fresh {{uuid}} per iteration never is. */
    CHECK_INT_EQ(sc_num(sk, "completed"), 1);
    CHECK(sc_failed(sk, "unexpected_status") >= 3);
    CHECK_INT_EQ(sc_failed(sc_step(j, "same_key", "order"), "unexpected_status"), ended(sk) - 1);
    cJSON_Delete(j);
}

static void test_cookie_jar(void)
{
    /* The home page sets `session` unless the request sends one: with the jar, the second
     * visit sends it, so the cookie is not set again and that extraction finds nothing. */
    const char *cfg = config("jar.yaml", "  scenarios:\n"
                                         "    jar:\n"
                                         "      - { name: first, path: /,\n"
                                         "          extract: { sid: { cookie: session } } }\n"
                                         "      - { name: again, path: /,\n"
                                         "          extract: { sid2: { cookie: session } } }\n");
    int code;
    cJSON *j = load(cfg, open_profile("jar-profile.yaml", 20, 1, "jar: 1", 20), &code);
    const cJSON *first = sc_step(j, "jar", "first"), *again = sc_step(j, "jar", "again");
    CHECK(sc_num(first, "responses") >= 5);
    CHECK_INT_EQ(sc_num(first, "failed_total"), 0);
    CHECK(sc_num(again, "responses") >= 5);
    CHECK_INT_EQ(sc_failed(again, "no_match"), sc_num(again, "responses"));
    cJSON_Delete(j);
}

static void test_failure_reasons(void)
{
    const char *cfg = config(
        "fail.yaml", "  scenarios:\n"
                     "    notfound:\n"
                     "      - { name: missing, path: /api/v1/products/999999, expect: [200] }\n"
                     "    nomatch:\n"
                     "      - { name: p1, path: /api/v1/products/1, extract: { x: \"$.nope\" } }\n"
                     "      - { name: never, path: /healthz }\n"
                     "    notjson:\n"
                     "      - { name: html, path: /, extract: { x: \"$.id\" } }\n");
    int code;
    cJSON *j = load(
        cfg, open_profile("fail-profile.yaml", 30, 1, "notfound: 1, nomatch: 1, notjson: 1", 30),
        &code);
    CHECK_INT_EQ(code, 0); /* no thresholds: failures are reported, not gated */
    const cJSON *nf = sc_scenario(j, "notfound"), *nm = sc_scenario(j, "nomatch"),
                *nj = sc_scenario(j, "notjson");
    CHECK(ended(nf) > 0 && ended(nm) > 0 && ended(nj) > 0);
    CHECK_INT_EQ(sc_failed(nf, "unexpected_status"), ended(nf));
    CHECK_INT_EQ(sc_failed(nm, "no_match"), ended(nm));
    CHECK_INT_EQ(sc_failed(nj, "not_json"), ended(nj));
    CHECK_INT_EQ(sc_num(sc_step(j, "nomatch", "never"), "requests"), 0);
    CHECK_INT_EQ(sc_num(nf, "completed") + sc_num(nm, "completed") + sc_num(nj, "completed"), 0);
    cJSON_Delete(j);
}

static void test_checks(void)
{
    /* The order is answered 201 with "status": "created": the status passes, the check on
     * the body does not, and the iteration stops there with the reason. */
    const char *cfg = config(
        "checks.yaml",
        "  scenarios:\n"
        "    paid:\n"
        "      - { name: cart, method: POST, path: /api/v1/carts, json: {}, expect: [201],\n"
        "          check: [ \"$.id exists\", \"header Content-Type matches /json/\",\n"
        "                   \"body not contains \\\"error\\\"\" ],\n"
        "          extract: { cart_id: \"$.id\" } }\n"
        "      - { name: order, method: POST, path: /api/v1/checkout,\n"
        "          headers: { Idempotency-Key: \"{{uuid}}\" }, json: { cart_id: \"{{cart_id}}\" },\n"
        "          expect: [201], check: [ \"$.total_cents >= 0\",\n"
        "                                  \"$.status in [\\\"captured\\\", \\\"paid\\\"]\" ] }\n"
        "      - { name: never, path: /healthz }\n");
    struct sc_ran r;
    cJSON *j = load_run(cfg, open_profile("checks-profile.yaml", 20, 1, "paid: 1", 20), &r);
    CHECK_INT_EQ(r.code, 0);
    const cJSON *paid = sc_scenario(j, "paid"), *order = sc_step(j, "paid", "order");
    CHECK(ended(paid) > 0);
    CHECK_INT_EQ(sc_failed(paid, "check_failed"), ended(paid));
    CHECK_INT_EQ(sc_failed(sc_step(j, "paid", "cart"), "check_failed"), 0);
    CHECK_INT_EQ(sc_failed(order, "check_failed"), ended(paid));
    CHECK_INT_EQ(sc_num(sc_step(j, "paid", "never"), "requests"), 0);
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(order, "checks");
    CHECK_INT_EQ(cJSON_GetArraySize(checks), 2);
    CHECK_INT_EQ(sc_num(cJSON_GetArrayItem(checks, 0), "failed"), 0);
    const cJSON *status = cJSON_GetArrayItem(checks, 1);
    CHECK_INT_EQ(sc_num(status, "failed"), ended(paid));
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(status, "reason");
    CHECK_STR_EQ(cJSON_GetStringValue(reason),
                 "check '$.status in [\"captured\", \"paid\"]' failed: got \"created\"");
    CHECK(r.out && strstr(r.out, "check '$.status in [\"captured\", \"paid\"]' failed: got "
                                 "\"created\""));
    cJSON_Delete(j);
    sc_ran_free(&r);
}

/* One feeder in `mode` over ids.csv; returns the result of a 1-thread run. */
static cJSON *feeder_run(const char *mode, const char *csv)
{
    const char *file = sc_write("ids.csv", csv);
    char load_text[1024];
    snprintf(load_text, sizeof load_text,
             "  feeders: { ids: { file: %s, mode: %s } }\n"
             "  scenarios:\n"
             "    fed:\n"
             "      - { name: product, path: \"/api/v1/products/{{id}}\", expect: [200] }\n",
             file, mode);
    int code;
    return load(config("feeder.yaml", load_text),
                open_profile("feeder-profile.yaml", 40, 1, "fed: 1", 40), &code);
}

static void test_feeders(void)
{
    /* sequential: rows in order, so a good and a missing product alternate. */
    cJSON *j = feeder_run("sequential", "id\n1\n999999\n");
    const cJSON *fed = sc_scenario(j, "fed");
    double n = ended(fed), bad = sc_failed(fed, "unexpected_status");
    CHECK(n >= 10);
    CHECK(bad == (double)((long)n / 2) || bad == (double)(((long)n + 1) / 2));
    cJSON_Delete(j);

    /* random: both rows come up. */
    j = feeder_run("random", "id\n1\n999999\n");
    fed = sc_scenario(j, "fed");
    CHECK(ended(fed) >= 10);
    CHECK(sc_num(fed, "completed") > 0 && sc_failed(fed, "unexpected_status") > 0);
    cJSON_Delete(j);

    /* unique: each row once, then the iterations fail for want of rows. */
    j = feeder_run("unique", "id\n1\n2\n3\n");
    fed = sc_scenario(j, "fed");
    CHECK_INT_EQ(sc_num(fed, "completed"), 3);
    CHECK_INT_EQ(sc_failed(fed, "feeder_exhausted"), ended(fed) - 3);
    CHECK(ended(fed) >= 10);
    cJSON_Delete(j);
}

static void test_timeout_and_transport(void)
{
    /* A server that never answers, and one that closes mid-status-line. */
    struct test_server silent, closing;
    CHECK(test_server_start(&silent, TS_SILENT) == 0);
    CHECK(test_server_start(&closing, TS_CLOSE_MID) == 0);
    const char *scen = "  timeout: 1s\n"
                       "  scenarios:\n"
                       "    s: [ { name: one, path: / } ]\n";
    const char *prof = open_profile("t-profile.yaml", 5, 2, "s: 1", 20);
    int code;
    cJSON *j = load(config_at(silent.port, "silent.yaml", scen), prof, &code);
    const cJSON *s = sc_scenario(j, "s");
    CHECK(ended(s) >= 3);
    CHECK_INT_EQ(sc_failed(s, "timeout"), ended(s));
    cJSON_Delete(j);
    j = load(config_at(closing.port, "closing.yaml", scen), prof, &code);
    s = sc_scenario(j, "s");
    CHECK(ended(s) >= 5);
    CHECK_INT_EQ(sc_failed(s, "transport"), ended(s));
    cJSON_Delete(j);
    test_server_stop(&silent);
    test_server_stop(&closing);
}

static void test_dropped_when_pool_exhausted(void)
{
    /* Two users, each busy for a second per iteration, 40 arrivals a second. */
    const char *cfg = config("drop.yaml", "  scenarios:\n"
                                          "    slow:\n"
                                          "      - { name: a, path: /healthz, think: 1s }\n"
                                          "      - { name: b, path: /healthz }\n");
    int code;
    cJSON *j = load(cfg, open_profile("drop-profile.yaml", 40, 2, "slow: 1", 2), &code);
    const cJSON *s = sc_scenario(j, "slow");
    CHECK(sc_num(s, "started") >= 2 && sc_num(s, "started") <= 8);
    CHECK(sc_num(s, "dropped") >= 60);
    CHECK_INT_EQ(sc_num(s, "started") + sc_num(s, "dropped"), 80);
    CHECK_INT_EQ(sc_num(cJSON_GetObjectItemCaseSensitive(j, "virtual_users"), "peak"), 2);
    cJSON_Delete(j);
}

/* started + dropped of scenarios a and b in a run of the mix a 80, b 20 with seed. */
static void mix_run(int seed, double *a, double *b)
{
    char load_text[512];
    snprintf(load_text, sizeof load_text,
             "  seed: %d\n"
             "  scenarios:\n"
             "    a: [ { name: ha, path: /healthz } ]\n"
             "    b: [ { name: hb, path: /healthz } ]\n",
             seed);
    int code;
    cJSON *j = load(config("mix.yaml", load_text),
                    open_profile("mix-profile.yaml", 250, 2, "a: 80, b: 20", 500), &code);
    const cJSON *sa = sc_scenario(j, "a"), *sb = sc_scenario(j, "b");
    *a = sc_num(sa, "started") + sc_num(sa, "dropped");
    *b = sc_num(sb, "started") + sc_num(sb, "dropped");
    cJSON_Delete(j);
}

static void test_mix_from_seed(void)
{
    double a1, b1, a2, b2, a3, b3;
    mix_run(11, &a1, &b1);
    mix_run(11, &a2, &b2);
    mix_run(12, &a3, &b3);
    CHECK_INT_EQ(a1 + b1, 500);
    CHECK(a1 / (a1 + b1) > 0.74 && a1 / (a1 + b1) < 0.86);
    /* The same seed picks the same scenario for every arrival; another seed does not. */
    CHECK_INT_EQ(a1, a2);
    CHECK_INT_EQ(b1, b2);
    CHECK_INT_EQ(a3 + b3, 500);
    CHECK(a3 != a1);
}

static void test_thresholds_exit_codes(void)
{
    const char *scen = "  scenarios:\n"
                       "    h: [ { name: health, path: /healthz, expect: [200] } ]\n";
    const char *prof = open_profile("th-profile.yaml", 20, 1, "h: 1", 20);
    char text[1024];
    snprintf(text, sizeof text,
             "%s  thresholds:\n"
             "    - \"iterations > 0\"\n"
             "    - \"failed_iterations == 0\"\n"
             "    - \"p99(step:health) < 30s\"\n"
             "    - \"error_rate < 1%%\"\n",
             scen);
    int code;
    cJSON *j = load(config("th-pass.yaml", text), prof, &code);
    CHECK_INT_EQ(code, 0);
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(j, "thresholds");
    CHECK_INT_EQ(cJSON_GetArraySize(th), 4);
    const cJSON *t;
    cJSON_ArrayForEach(t, th) CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "passed")));
    cJSON_Delete(j);

    snprintf(text, sizeof text, "%s  thresholds: [ \"iterations < 1\", \"p99 < 30s\" ]\n", scen);
    j = load(config("th-fail.yaml", text), prof, &code);
    CHECK_INT_EQ(code, 1);
    th = cJSON_GetObjectItemCaseSensitive(j, "thresholds");
    t = cJSON_GetArrayItem(th, 0);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t, "passed")));
    CHECK(sc_num(t, "observed") >= 10);
    CHECK_INT_EQ(sc_num(t, "limit"), 1);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(th, 1), "passed")));
    cJSON_Delete(j);
}

/* Thresholds on an iteration and on its requests read different numbers: two steps answered
 * in 1.5 s each with 1 s of think time between them make iterations of about 3 s without the
 * think time (4 s with it) and requests of about 1.5 s. Each threshold fails if it read the
 * other number. */
static void test_iteration_and_request_thresholds(void)
{
    const char *args[] = {"--broken", "slow", NULL};
    struct rs_server slow;
    CHECK(rs_start(&slow, args));
    const cJSON *buy, *look, *pay;
    const char *cfg = config_at(slow.http, "iteration.yaml",
                                "  scenarios:\n"
                                "    buy:\n"
                                "      - { name: look, path: /api/v1/products/1, think: 1s }\n"
                                "      - { name: pay, path: /api/v1/products/2 }\n"
                                "  thresholds:\n"
                                "    - \"p95(iteration:buy) >= 2900ms\"\n"
                                "    - \"p95(iteration:buy) < 3900ms\"\n"
                                "    - \"p95(scenario:buy) < 2500ms\"\n"
                                "    - \"p95(scenario:buy) >= 1400ms\"\n"
                                "    - \"max(step:pay) < 2500ms\"\n");
    struct sc_ran r;
    cJSON *j = load_run(cfg, open_profile("iteration-profile.yaml", 2, 6, "buy: 1", 20), &r);
    CHECK_INT_EQ(r.code, 0);
    CHECK(j != NULL);
    buy = sc_scenario(j, "buy");
    look = sc_step(j, "buy", "look");
    pay = sc_step(j, "buy", "pay");
    CHECK(sc_num(buy, "completed") >= 2);
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(j, "thresholds");
    CHECK_INT_EQ(cJSON_GetArraySize(th), 5);
    const cJSON *t;
    cJSON_ArrayForEach(t, th) CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "passed")));
    /* The iteration threshold reads the iteration without think time: at least its steps'
     * latencies, less than any iteration with its think time. */
    const cJSON *iter = cJSON_GetArrayItem(th, 0), *req = cJSON_GetArrayItem(th, 2);
    double active_p95 = sc_num(cJSON_GetObjectItemCaseSensitive(buy, "active_us"), "p95");
    CHECK(sc_num(iter, "observed") == active_p95);
    CHECK(sc_num(iter, "observed") >=
          sc_num(cJSON_GetObjectItemCaseSensitive(look, "latency_us"), "min") +
              sc_num(cJSON_GetObjectItemCaseSensitive(pay, "latency_us"), "min"));
    CHECK(sc_num(iter, "observed") <
          sc_num(cJSON_GetObjectItemCaseSensitive(buy, "duration_us"), "min"));
    CHECK(sc_num(req, "observed") < sc_num(iter, "observed"));
    /* The JSON line and the console name the selector as written. */
    const char *line = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(iter, "line"));
    CHECK(line && strstr(line, "p95(iteration:buy) = ") == line);
    line = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "line"));
    CHECK(line && strstr(line, "p95(scenario:buy) = ") == line);
    CHECK(r.out && strstr(r.out, "p95(iteration:buy) = ") && strstr(r.out, "p95(scenario:buy) = "));
    cJSON_Delete(j);
    sc_ran_free(&r);
    CHECK_INT_EQ(rs_stop(&slow), 0);
}

/* A step no iteration reaches (the step before it always fails) has no data: a count of it is
 * "no data" and breaks the gate (failed, with "no data" observed), in the JSON, the console
 * and the Markdown report alike, not a zero that passes "== 0"; a threshold with data beside
 * it still passes. */
static void test_threshold_without_data(void)
{
    const char *cfg =
        config("nodata.yaml",
               "  scenarios:\n"
               "    stuck:\n"
               "      - { name: look, path: /api/v1/products/999999, expect: [200] }\n"
               "      - { name: pay, path: /healthz }\n"
               "  thresholds:\n"
               "    - \"errors(step:pay) == 0\"\n"
               "    - \"p95(step:pay) < 5s\"\n"
               "    - \"failed_iterations(scenario:stuck) > 0\"\n");
    char json[256], md[256];
    snprintf(json, sizeof json, "%s/nodata.json", sc_tmpdir());
    snprintf(md, sizeof md, "%s/nodata.md", sc_tmpdir());
    const char *args[] = {"load",       cfg,  "--profile",  open_profile("nodata-profile.yaml", 10, 1,
                                                                         "stuck: 1", 10),
                          "--threads",  "1",  "--json",     json,
                          "--markdown", md,   NULL};
    struct sc_ran r = sc_run(60, args);
    CHECK_INT_EQ(r.code, 1);
    cJSON *j = sc_json(json);
    CHECK(sc_num(sc_step(j, "stuck", "pay"), "requests") == 0);
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(j, "thresholds");
    CHECK_INT_EQ(cJSON_GetArraySize(th), 3);
    for (int i = 0; i < 2; i++) {
        const cJSON *t = cJSON_GetArrayItem(th, i);
        CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t, "passed")));
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "no_data")));
    }
    const cJSON *with_data = cJSON_GetArrayItem(th, 2);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(with_data, "passed")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(with_data, "no_data")));
    CHECK(r.out && strstr(r.out, "errors(step:pay): no data, allowed == 0"));
    CHECK(r.out && strstr(r.out, "p95(step:pay): no data, allowed < 5s"));
    char *text = sc_read(md);
    CHECK(text && strstr(text, "| errors(step:pay) == 0 | errors(step:pay): no data, allowed == 0 "
                               "| fail |"));
    free(text);
    cJSON_Delete(j);
    sc_ran_free(&r);
}

static void test_abort_on_fail(void)
{
    const char *cfg =
        config("abort.yaml",
               "  scenarios:\n"
               "    bad: [ { name: missing, path: /api/v1/products/999999, expect: [200] } ]\n"
               "  thresholds:\n"
               "    - { expr: \"failed_iterations < 1\", abort_on_fail: true }\n");
    struct sc_ran r;
    cJSON *j = load_run(cfg, open_profile("abort-profile.yaml", 20, 30, "bad: 1", 20), &r);
    CHECK_INT_EQ(r.code, 1);
    CHECK(r.wall_ms < 15000);
    CHECK(r.err && strstr(r.err, "stopping early"));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "aborted")));
    CHECK(sc_num(j, "elapsed_us") < 15e6);
    cJSON_Delete(j);
    sc_ran_free(&r);
}

static void test_json_post_and_secrets(void)
{
    /* A GraphQL-style POST: a JSON body in, a value out of the JSON answer, used after. */
    const char *cfg = config(
        "post.yaml",
        "  scenarios:\n"
        "    api:\n"
        "      - { name: login, method: POST, path: /api/v1/login,\n"
        "          json: { query: \"mutation Login($u: String) { login(user: $u) { token } }\",\n"
        "                  variables: { u: \"shopper-{{randint 1 9}}\" } },\n"
        "          expect: [200], extract: { token: \"$.token\" } }\n"
        "      - { name: browse, path: \"/api/v1/products?page=1&per_page=5\",\n"
        "          headers: { Authorization: \"Bearer {{token}}\" }, expect: [200],\n"
        "          extract: { pid: \"$.items[*].id\" } }\n"
        "      - { name: product, path: \"/api/v1/products/{{pid}}\", expect: [200] }\n");
    struct sc_ran r;
    cJSON *j = load_run(cfg, open_profile("post-profile.yaml", 5, 2, "api: 1", 10), &r);
    CHECK_INT_EQ(r.code, 0);
    const cJSON *api = sc_scenario(j, "api");
    CHECK(sc_num(api, "completed") >= 5);
    CHECK_INT_EQ(sc_num(api, "failed_total"), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/result.json", sc_tmpdir());
    char *text = sc_read(path);
    CHECK(text && !strstr(text, "sekrit-value-4711"));
    CHECK(r.out && !strstr(r.out, "sekrit-value-4711"));
    free(text);
    cJSON_Delete(j);
    sc_ran_free(&r);
}

static void test_closed_model(void)
{
    const char *cfg = config("closed.yaml", "  scenarios:\n"
                                            "    h: [ { name: health, path: /healthz } ]\n");
    const char *prof = sc_write("closed-profile.yaml", "model: closed\n"
                                                       "start_users: 3\n"
                                                       "stages:\n  - { duration: 2s, users: 3 }\n"
                                                       "think_time: 50ms\n"
                                                       "mix: { h: 1 }\n");
    int code;
    cJSON *j = load(cfg, prof, &code);
    CHECK_INT_EQ(code, 0);
    const cJSON *h = sc_scenario(j, "h");
    CHECK(sc_num(h, "completed") >= 9);
    CHECK_INT_EQ(sc_num(h, "failed_total"), 0);
    const cJSON *vu = cJSON_GetObjectItemCaseSensitive(j, "virtual_users");
    CHECK_INT_EQ(sc_num(vu, "max"), 3);
    CHECK(sc_num(vu, "peak") >= 1 && sc_num(vu, "peak") <= 3);
    cJSON_Delete(j);

    /* --users scales a closed profile's peak, --duration its length. */
    char json[256];
    snprintf(json, sizeof json, "%s/users.json", sc_tmpdir());
    const char *args[] = {"load",       cfg,  "--profile", prof, "--users", "5",
                          "--duration", "1s", "--json",    json, NULL};
    struct sc_ran r = sc_run(60, args);
    CHECK_INT_EQ(r.code, 0);
    j = sc_json(json);
    CHECK_INT_EQ(sc_num(cJSON_GetObjectItemCaseSensitive(j, "virtual_users"), "max"), 5);
    CHECK_INT_EQ(sc_num(cJSON_GetObjectItemCaseSensitive(j, "run"), "duration_us"), 1000000);
    sc_ran_free(&r);
    /* --rate is for open profiles. */
    const char *wrong[] = {"load", cfg, "--profile", prof, "--rate", "10", NULL};
    r = sc_run(60, wrong);
    CHECK_INT_EQ(r.code, 2);
    CHECK(r.err && strstr(r.err, "--rate applies to an open profile"));
    sc_ran_free(&r);
    cJSON_Delete(j);
}

static void test_example_config(void)
{
    /* examples/refstore.yaml as shipped, against a store with TLS on other ports. */
    char cert[4096], key[4096];
    snprintf(cert, sizeof cert, "%s", rs_cert("server.pem"));
    snprintf(key, sizeof key, "%s", rs_cert("server.key"));
    const char *args[] = {"--listen",    "127.0.0.1:0", "--tls-listen",
                          "127.0.0.1:0", "--cert",      cert,
                          "--key",       key,           NULL};
    struct rs_server tls;
    CHECK(rs_start(&tls, args));
    char cfg[256], cmd[8192];
    snprintf(cfg, sizeof cfg, "%s/example.yaml", sc_tmpdir());
    snprintf(cmd, sizeof cmd,
             "sed -e 's/127.0.0.1:8443/127.0.0.1:%d/; s/127.0.0.1:8080/127.0.0.1:%d/' "
             "'%s/examples/refstore.yaml' > '%s'",
             tls.https, tls.http, getenv("STORECHECK_SOURCE_DIR"), cfg);
    CHECK(system(cmd) == 0);
    setenv("STORECHECK_CA_FILE", rs_cert("ca.pem"), 1);
    setenv("WEBHOOK_SECRET", "whsec_ZGVtby13ZWJob29rLXNlY3JldA==", 1);
    setenv("INTAKE_SECRET", "whsec_ZGVtby1pbnRha2Utc2VjcmV0", 1);
    char json[256];
    snprintf(json, sizeof json, "%s/example.json", sc_tmpdir());
    const char *run[] = {"load", cfg, "--duration", "5s", "--rate", "50", "--json", json, NULL};
    struct sc_ran r = sc_run(60, run);
    CHECK_INT_EQ(r.code, 0);
    cJSON *j = sc_json(json);
    const char *names[] = {"browse", "search", "cart", "checkout"};
    for (int i = 0; i < 4; i++) {
        const cJSON *sc = sc_scenario(j, names[i]);
        CHECK(sc_num(sc, "started") > 0);
        CHECK_INT_EQ(sc_num(sc, "failed_total"), 0);
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(j, "thresholds"))
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "passed")));
    CHECK(r.out && !strstr(r.out, "whsec_"));
    cJSON_Delete(j);
    sc_ran_free(&r);
    CHECK_INT_EQ(rs_stop(&tls), 0);
}

int main(void)
{
    setenv("SC_TEST_TOKEN", "sekrit-value-4711", 1); /* a secret header of every config */
    const char *args[] = {NULL};
    if (!rs_start(&store, args)) {
        fprintf(stderr, "cannot start the reference store\n");
        return 1;
    }
    RUN(test_checkout_flow);
    RUN(test_cookie_jar);
    RUN(test_failure_reasons);
    RUN(test_checks);
    RUN(test_timeout_and_transport);
    RUN(test_feeders);
    RUN(test_dropped_when_pool_exhausted);
    RUN(test_mix_from_seed);
    RUN(test_thresholds_exit_codes);
    RUN(test_iteration_and_request_thresholds);
    RUN(test_threshold_without_data);
    RUN(test_abort_on_fail);
    RUN(test_json_post_and_secrets);
    RUN(test_closed_model);
    RUN(test_example_config);
    CHECK_INT_EQ(rs_stop(&store), 0);
    sc_tmpdir_remove();
    return check_summary();
}
