/*
 * The probes that act as a shopper against the reference store in --headless mode, where a
 * cart needs a session token from POST /api/v1/session and a JSON body. With the endpoints
 * written as paths they cannot make a cart: they skip and name the config key to fix (never
 * judging the 401). With the endpoints written as requests and audit.session, they decide,
 * and a probe that sends a deliberately wrong request starts from the endpoint's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/probes/support.h"
#include "tests/support/check.h"

static const char *const SHOPPER_PROBES = "S-COOKIE-FLAGS,T-PRIVATE-CACHE,T-SESSION-ISOLATION,"
                                          "R-IDEMPOTENCY";

/* Run `only` against the headless store at https_port, the cart endpoints as `endpoints`, with
 * audit.session's one step posting to session_path (NULL: no audit.session). 0, or -1 when the
 * config did not load. */
static int run_headless(int https_port, const char *endpoints, const char *session_path,
                        const char *only, struct engine_report *rep)
{
    char yaml[8192], session[512] = "";
    /* The account page as a path, unless the endpoints write it as a request. */
    const char *account = strstr(endpoints, "    account:") ? "" : "    account: /account\n";
    if (session_path)
        snprintf(session, sizeof session,
                 "  session: shopper\n"
                 "load:\n"
                 "  scenarios:\n"
                 "    shopper:\n"
                 "      - { name: start, method: POST, path: %s, expect: 201,\n"
                 "          extract: { token: $.token } }\n",
                 session_path);
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: https://127.0.0.1:%d\n"
             "  tls: { ca_file: %s }\n"
             "  timeout: 5s\n"
             "  endpoints:\n"
             "    home: /\n"
             "    checkout_page: /checkout\n"
             "%s"
             "    catalog: /api/v1/products\n"
             "    checkout: /api/v1/checkout\n"
             "    orders: \"/api/v1/orders?idempotency_key={{key}}\"\n"
             "%s"
             "audit:\n"
             "  probe_timeout: 10s\n"
             "  deadline: 30s\n"
             "  allow_orders: true\n"
             "%s",
             https_port, sup_cert("ca.pem"), account, endpoints, session);
    struct config cfg;
    if (sup_config_yaml(&cfg, yaml) != 0) {
        CHECK(!"config loads");
        return -1;
    }
    sup_run(&cfg, only, rep);
    config_free(&cfg);
    return 0;
}

static const char *const PATHS = "    cart: /api/v1/carts\n"
                                 "    cart_items: \"/api/v1/carts/{{cart_id}}/items\"\n";

static const char *const REQUESTS =
    "    cart:\n"
    "      method: POST\n"
    "      path: /api/v1/carts\n"
    "      headers: { X-Session-Token: \"{{token}}\" }\n"
    "      json: { currency: EUR }\n"
    "      expect: 201\n"
    "      check: '$.id exists'\n"
    "    cart_items:\n"
    "      method: POST\n"
    "      path: \"/api/v1/carts/{{cart_id}}/items\"\n"
    "      headers: { X-Session-Token: \"{{token}}\", Content-Type: application/json }\n"
    "      body: '{\"product_id\": {{id}}, \"quantity\": 1}'\n";

/* The headless store the first three tests share. */
static struct refstore store;

static void test_paths_cannot_shop(void)
{
    struct engine_report rep;
    if (run_headless(store.https, PATHS, NULL, SHOPPER_PROBES, &rep) != 0)
        return;
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_SKIP, "fix target.endpoints.cart"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_SKIP, "answered 401"));
    /* The 401 is not judged as if it were the cart; the pages still are. */
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, "the cart was not judged"));
    CHECK(sup_expect(&rep, "T-SESSION-ISOLATION", PROBE_SKIP, "set audit.session"));
    CHECK(sup_expect(&rep, "R-IDEMPOTENCY", PROBE_SKIP, "fix target.endpoints.cart"));
    engine_report_free(&rep);
}

static void test_requests_and_session_decide(void)
{
    struct engine_report rep;
    if (run_headless(store.https, REQUESTS, "/api/v1/session", SHOPPER_PROBES, &rep) != 0)
        return;
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, "Set-Cookie: sid=[value hidden]"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, "shopper session (audit.session)"));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, "cart, account and checkout"));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, "POST https://127.0.0.1"));
    CHECK(sup_expect(&rep, "T-SESSION-ISOLATION", PROBE_PASS, "never saw each other"));
    /* Compared: the sid cookie the session was given, its token and the cart id. */
    CHECK(sup_expect(&rep, "T-SESSION-ISOLATION", PROBE_PASS, "(3 identifiers of the first"));
    CHECK(sup_expect(&rep, "R-IDEMPOTENCY", PROBE_PASS, "one order per key"));
    engine_report_free(&rep);
}

static void test_failed_session_skips(void)
{
    struct engine_report rep;
    if (run_headless(store.https, REQUESTS, "/api/v1/sesion", SHOPPER_PROBES, &rep) != 0)
        return;
    const char *ids[] = {"S-COOKIE-FLAGS", "T-PRIVATE-CACHE", "T-SESSION-ISOLATION",
                         "R-IDEMPOTENCY"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        CHECK(sup_expect(&rep, ids[i], PROBE_SKIP, "audit.session 'shopper' failed: step 'start'"));
        CHECK(sup_expect(&rep, ids[i], PROBE_SKIP, "answered 404"));
    }
    engine_report_free(&rep);
}

/* A 201 that the cart endpoint's check does not accept is not the cart either. */
static void test_check_decides_good_answer(void)
{
    char endpoints[2048];
    const char *at = strstr(REQUESTS, "'$.id exists'");
    snprintf(endpoints, sizeof endpoints, "%.*s'$.currency == \"USD\"'%s", (int)(at - REQUESTS),
             REQUESTS, at + strlen("'$.id exists'"));
    struct engine_report rep;
    if (run_headless(store.https, endpoints, "/api/v1/session", "T-PRIVATE-CACHE", &rep) != 0)
        return;
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS,
                     "answered 201 but check '$.currency == \"USD\"' of target.endpoints.cart "
                     "does not hold (got \"EUR\")"));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, "the cart was not judged"));
    engine_report_free(&rep);
}

/* The account page is sent as its endpoint's request, as the shopper, and an answer its check
 * does not accept (here the store's HTML page where the request asks for a JSON customer) is
 * not judged as the account page. */
static void test_account_request_decides_good_answer(void)
{
    char endpoints[2048];
    snprintf(endpoints, sizeof endpoints,
             "%s    account: { path: /account, headers: { X-Session-Token: \"{{token}}\" },\n"
             "               check: '$.customer.id exists' }\n",
             REQUESTS);
    struct engine_report rep;
    if (run_headless(store.https, endpoints, "/api/v1/session", "T-PRIVATE-CACHE", &rep) != 0)
        return;
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, "a page was not judged"));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS,
                     "check '$.customer.id exists' of target.endpoints.account"));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, "not judged: GET https://127.0.0.1"));
    engine_report_free(&rep);
}

/* What the store hands the shopper as a credential (here a token sent as X-Session-Token)
 * never shows, even in the reason of a check that failed on it. */
static void test_session_token_redacted(void)
{
    struct engine_report rep;
    if (run_headless(store.https, REQUESTS, "/api/v1/session, check: '$.token == \"x\"'",
                     "T-PRIVATE-CACHE", &rep) != 0)
        return;
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_SKIP,
                     "check '$.token == \"x\"' does not hold (got \"[redacted]\")"));
    engine_report_free(&rep);
}

/* A deliberately malformed request starts from the endpoint's own: the malformed JSON goes to
 * the cart with the shopper's token, so it reaches the store's JSON parser (400) instead of
 * being turned away for want of the token (401), which would test nothing. */
static void test_malformed_json_reaches_parser(void)
{
    struct engine_report rep;
    if (run_headless(store.https, REQUESTS, "/api/v1/session", "O-ERROR-PAGES", &rep) != 0)
        return;
    CHECK(sup_expect(&rep, "O-ERROR-PAGES", PROBE_PASS, "malformed JSON"));
    const struct probe_result *r = sup_result(&rep, "O-ERROR-PAGES");
    int status = 0;
    for (size_t i = 0; r && i < r->evidence_count; i++)
        if (strstr(r->evidence[i].detail, "malformed JSON"))
            status = r->evidence[i].status;
    if (status != 400) {
        CHECK(!"the malformed JSON reached the cart's parser (400)");
        sup_print("O-ERROR-PAGES", r);
    }
    engine_report_free(&rep);
}

/* The session's own cookies are judged: here the store sets them without flags. */
static void test_session_cookie_judged(void)
{
    const char *extra[] = {"--headless", NULL};
    struct refstore rs;
    if (sup_refstore_start(&rs, NULL, "insecure-cookies", extra) != 0) {
        CHECK(!"refstore started");
        return;
    }
    struct engine_report rep;
    if (run_headless(rs.https, REQUESTS, "/api/v1/session", "S-COOKIE-FLAGS", &rep) == 0) {
        CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_FAIL, "cookie 'sid' lacks Secure HttpOnly"));
        engine_report_free(&rep);
    }
    sup_refstore_stop(&rs);
}

int main(void)
{
    engine_global_init();
    const char *extra[] = {"--headless", NULL};
    if (sup_refstore_start(&store, NULL, NULL, extra) != 0) {
        fprintf(stderr, "the headless refstore did not start\n");
        return 1;
    }
    RUN(test_paths_cannot_shop);
    RUN(test_requests_and_session_decide);
    RUN(test_failed_session_skips);
    RUN(test_session_token_redacted);
    RUN(test_check_decides_good_answer);
    RUN(test_account_request_decides_good_answer);
    RUN(test_malformed_json_reaches_parser);
    sup_refstore_stop(&store);
    RUN(test_session_cookie_judged);
    engine_global_cleanup();
    return check_summary();
}
