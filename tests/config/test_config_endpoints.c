/* Endpoints written as requests, and the shopper session scenario the audit runs first. */
#include "tests/config/config_test.h"
#include "probes/endpoint_check.h"

#define BASE "target:\n  base_url: http://127.0.0.1\n"

static void test_request_form(void)
{
    struct config c;
    struct diag_list d;
    int rc = test_load(&c, &d,
                       BASE "  endpoints:\n"
                            "    catalog: /api/v1/products\n"
                            "    cart:\n"
                            "      method: POST\n"
                            "      path: /api/v1/carts\n"
                            "      headers: { X-Session-Token: \"{{token}}\" }\n"
                            "      json: { currency: EUR, note: \"{{q}}\" }\n"
                            "      expect: [200, 201]\n"
                            "      check: ['$.id exists']\n"
                            "    login:\n"
                            "      method: POST\n"
                            "      path: /login\n"
                            "      form: { email: a@b.c, password: x y }\n"
                            "audit: { session: shopper }\n"
                            "load:\n"
                            "  scenarios:\n"
                            "    shopper:\n"
                            "      - { method: POST, path: /api/v1/session, extract: { token: $.token } }\n");
    test_print_diags(&d);
    CHECK_INT_EQ(rc, 0);
    /* The path stays where every probe reads it. */
    CHECK_STR_EQ(c.target.endpoints[EP_CART], "/api/v1/carts");
    CHECK_STR_EQ(c.target.endpoints[EP_CATALOG], "/api/v1/products");
    const struct endpoint_request *cart = &c.target.requests[EP_CART];
    CHECK_INT_EQ(cart->set, 1);
    CHECK_INT_EQ(c.target.requests[EP_CATALOG].set, 0);
    CHECK_STR_EQ(cart->method, "POST");
    CHECK_INT_EQ(cart->headers.count, 1);
    CHECK_STR_EQ(cart->headers.items[0].value, "{{token}}");
    CHECK_INT_EQ(cart->body_kind, BODY_JSON);
    CHECK_STR_EQ(cart->body, "{\"currency\":\"EUR\",\"note\":\"{{q}}\"}");
    CHECK_INT_EQ(cart->expect_count, 2);
    CHECK_INT_EQ(cart->expect[1], 201);
    CHECK_INT_EQ(cart->check_count, 1);
    CHECK_STR_EQ(cart->checks[0].expr, "$.id exists");
    CHECK_INT_EQ(c.target.requests[EP_LOGIN].body_kind, BODY_FORM);
    CHECK_STR_EQ(c.target.requests[EP_LOGIN].body, "email=a%40b.c&password=x+y");
    CHECK_STR_EQ(c.audit.session, "shopper");
    diag_list_free(&d);
    config_free(&c);
}

/* A GraphQL operation as an endpoint: POSTed to target.graphql.path unless it names a path. */
static void test_request_graphql(void)
{
    struct config c;
    struct diag_list d;
    int rc = test_load(&c, &d,
                       BASE "  graphql: /shop-api\n"
                            "  endpoints:\n"
                            "    cart:\n"
                            "      graphql:\n"
                            "        query: \"mutation { addToCart(productId: \\\"{{id}}\\\", "
                            "quantity: 1) { id } }\"\n"
                            "    search:\n"
                            "      path: /other-graphql\n"
                            "      graphql: { query: \"{ products { id } }\" }\n");
    test_print_diags(&d);
    CHECK_INT_EQ(rc, 0);
    const struct endpoint_request *cart = &c.target.requests[EP_CART];
    CHECK_INT_EQ(cart->set, 1);
    CHECK_INT_EQ(cart->graphql, 1);
    CHECK_STR_EQ(cart->method, "POST");
    CHECK_INT_EQ(cart->body_kind, BODY_JSON);
    CHECK_STR_EQ(c.target.endpoints[EP_CART], "/shop-api");
    CHECK_STR_EQ(c.target.endpoints[EP_SEARCH], "/other-graphql");
    CHECK_INT_EQ(c.target.requests[EP_SEARCH].graphql, 1);
    diag_list_free(&d);
    config_free(&c);
}

static void test_request_errors(void)
{
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { graphql: { query: \"{ a }\" } }\n",
                    "dir/t.yaml:4:11: target.endpoints.cart: a graphql endpoint needs a path: "
                    "set target.graphql.path, or path on the endpoint");
    CHECK_ONE_ERROR(BASE "  graphql: /g\n  endpoints:\n"
                         "    cart: { method: GET, graphql: { query: \"{ a }\" } }\n",
                    "dir/t.yaml:5:35: target.endpoints.cart.graphql: a GET request has no body: "
                    "set method (e.g. POST) or leave the body out");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { path: /c, metod: POST }\n",
                    "dir/t.yaml:4:23: target.endpoints.cart.metod: unknown key 'metod' (did you "
                    "mean 'method'?)");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { method: POST }\n",
                    "dir/t.yaml:4:11: target.endpoints.cart.path: missing required key 'path'");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { method: GET, path: /c, json: { a: 1 } }\n",
                    "dir/t.yaml:4:42: target.endpoints.cart.json: a GET request has no body: set "
                    "method (e.g. POST) or leave the body out");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    login: { method: GET, path: /l, form: { a: b } }\n",
                    "dir/t.yaml:4:43: target.endpoints.login.form: a GET request has no body: "
                    "set method (e.g. POST) or leave the body out");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { path: /c, json: {}, form: { a: b } }\n",
                    "dir/t.yaml:4:39: target.endpoints.cart.form: an endpoint has one body: "
                    "json, form, body or graphql, not several");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { path: /c, expect: 99 }\n",
                    "dir/t.yaml:4:31: target.endpoints.cart.expect: '99' is not an HTTP status "
                    "code (100-599)");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { path: c }\n",
                    "dir/t.yaml:4:19: target.endpoints.cart.path: 'c' is not a path: it must "
                    "start with '/'");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: { path: /c, method: \"P T\" }\n",
                    "dir/t.yaml:4:31: target.endpoints.cart.method: 'P T' is not an HTTP method");
    CHECK_ONE_ERROR(BASE "  endpoints:\n    cart: [/c]\n",
                    "dir/t.yaml:4:11: target.endpoints.cart: expected a path (e.g. "
                    "/api/v1/products), got a list");
}

static void test_session_errors(void)
{
    CHECK_ONE_ERROR(BASE "audit: { session: shoper }\n"
                         "load:\n  scenarios:\n    shopper: [{ path: / }]\n",
                    "dir/t.yaml:3:19: audit.session: scenario 'shoper' is not in load.scenarios "
                    "(did you mean 'shopper'?)");
    CHECK_ONE_ERROR(BASE "audit: { session: nothing }\n",
                    "dir/t.yaml:3:19: audit.session: scenario 'nothing' is not in "
                    "load.scenarios");
    CHECK_ONE_ERROR(BASE "audit: { session: [a] }\n",
                    "dir/t.yaml:3:19: audit.session: expected a string, got a list");
}

static void test_order_errors(void)
{
    CHECK_ONE_ERROR(BASE "audit: { order: redy }\n"
                         "load:\n  scenarios:\n    ready: [{ path: / }]\n",
                    "dir/t.yaml:3:17: audit.order: scenario 'redy' is not in load.scenarios "
                    "(did you mean 'ready'?)");
    CHECK_ONE_ERROR(BASE "audit: { order: ready }\n"
                         "load:\n  scenarios:\n    ready: [{ path: /, extract: { cart: $.id } }]\n",
                    "dir/t.yaml:3:17: audit.order: scenario 'ready' extracts no cart_id: the "
                    "checkout is sent for the cart it names (extract: { cart_id: ... })");
    struct config c;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&c, &d,
                           BASE "audit: { order: ready, session: ready }\n"
                                "load:\n  scenarios:\n"
                                "    ready: [{ path: /, extract: { cart_id: $.id } }]\n"),
                 0);
    CHECK_STR_EQ(c.audit.order, "ready");
    config_free(&c);
    diag_list_free(&d);
}

/* Loading yaml succeeds and endpoint_check finds exactly one problem, formatted as line (or
 * none when line is NULL). */
static void check_endpoints(const char *yaml, const char *line)
{
    struct config c;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&c, &d, yaml), 0);
    test_print_diags(&d);
    size_t n = endpoint_check(&c, &d);
    CHECK_INT_EQ(n, line ? 1 : 0);
    if (line && !test_has_diag(&d, line)) {
        fprintf(stderr, "expected \"%s\", got:\n", line);
        test_print_diags(&d);
        check_failures_++;
    }
    diag_list_free(&d);
    config_free(&c);
}

#define SESSION                                                                                    \
    "audit: { session: shopper }\n"                                                                \
    "load:\n  scenarios:\n    shopper:\n"                                                          \
    "      - { method: POST, path: /s, extract: { token: $.token } }\n"

#define ORDER                                                                                      \
    "audit: { order: ready }\n"                                                                   \
    "load:\n  scenarios:\n    ready:\n"                                                          \
    "      - { method: POST, path: /c, extract: { cart_id: $.id, pay: $.payment } }\n"

static void test_undefined_variables(void)
{
    /* The probes' own values need nothing more. */
    check_endpoints(BASE "  endpoints:\n    product: /p/{{id}}\n    search: /s?q={{q}}\n"
                         "    cart_items: /c/{{cart_id}}/items\n    orders: /o?key={{key}}\n",
                    NULL);
    check_endpoints(BASE "  endpoints:\n    account: /me/{{token}}\n",
                    "dir/t.yaml:4:14: target.endpoints.account: variable 'token' is not defined "
                    "(column 7 of the value): the probes fill only id, q, cart_id and key, and no "
                    "audit.session scenario is set to extract it");
    /* What the session scenario extracts is defined; anything else is not. */
    check_endpoints(BASE "  endpoints:\n"
                         "    cart: { method: POST, path: /c, headers: { X-Token: \"{{token}}\" } }\n"
                         SESSION,
                    NULL);
    check_endpoints(BASE "  endpoints:\n"
                         "    cart: { method: POST, path: /c, headers: { X-Token: \"{{tokn}}\" } }\n"
                         SESSION,
                    "dir/t.yaml:4:57: target.endpoints.cart.headers.X-Token: variable 'tokn' is "
                    "not defined (column 3 of the value): the probes fill only id, q, cart_id and "
                    "key, and the audit.session scenario does not extract it");
    check_endpoints(BASE "  endpoints:\n"
                         "    cart: { method: POST, path: /c, json: { t: \"{{secret}}\" } }\n",
                    "dir/t.yaml:4:43: target.endpoints.cart.json: variable 'secret' is not "
                    "defined (column 9 of the value): the probes fill only id, q, cart_id and "
                    "key, and no audit.session scenario is set to extract it");
    /* The checkout may also use what the audit.order scenario extracts; no other endpoint. */
    check_endpoints(BASE "  endpoints:\n"
                         "    checkout: { method: POST, path: /pay, json: { p: \"{{pay}}\" } }\n"
                         ORDER,
                    NULL);
    check_endpoints(BASE "  endpoints:\n"
                         "    account: { path: \"/me/{{pay}}\" }\n" ORDER,
                    "dir/t.yaml:4:22: target.endpoints.account.path: variable 'pay' is not "
                    "defined (column 7 of the value): the probes fill only id, q, cart_id and "
                    "key, and no audit.session scenario is set to extract it");
    check_endpoints(BASE "  endpoints:\n"
                         "    checkout: { method: POST, path: /pay, json: { p: \"{{pya}}\" } }\n"
                         ORDER,
                    "dir/t.yaml:4:49: target.endpoints.checkout.json: variable 'pya' is not "
                    "defined (column 9 of the value): the probes fill only id, q, cart_id and "
                    "key, and no audit.session scenario is set to extract it, nor does the "
                    "audit.order scenario");
    check_endpoints(BASE "  endpoints:\n"
                         "    checkout: { method: POST, path: /pay, json: { p: \"{{pay}}\" } }\n",
                    "dir/t.yaml:4:49: target.endpoints.checkout.json: variable 'pay' is not "
                    "defined (column 9 of the value): the probes fill only id, q, cart_id and "
                    "key, and no audit.session scenario is set to extract it (nor an "
                    "audit.order scenario, whose values the checkout may use)");
    check_endpoints(BASE "  endpoints:\n    cart: { path: \"/c/{{ }}\" }\n",
                    "dir/t.yaml:4:19: target.endpoints.cart.path: empty '{{ }}' (column 4 of "
                    "the value)");
    check_endpoints(BASE "  endpoints:\n    cart: { path: /c, check: '$.id =! 1' }\n",
                    "dir/t.yaml:4:30: target.endpoints.cart.check[0]: check '$.id =! 1': "
                    "expected an operator: == != < <= > >= in exists absent matches contains, "
                    "not contains (column 6 of the value)");
}

/* id: where the cart endpoint's answer names the cart, and the checkout's the order, a JSON
 * path; on no other endpoint. */
static void test_cart_id_path(void)
{
    check_endpoints(BASE "  endpoints:\n    cart: { path: /c, id: $.data.cartId }\n", NULL);
    check_endpoints(BASE "  endpoints:\n    checkout: { path: /o, id: $.data.uuid }\n", NULL);
    check_endpoints(BASE "  endpoints:\n    cart: { path: /c, id: \"$.data[\" }\n",
                    "dir/t.yaml:4:27: target.endpoints.cart.id: '$.data[': expected an index, '*' or "
                    "a quoted key after '[' (column 8 of the value)");
    check_endpoints(BASE "  endpoints:\n    login: { path: /l, id: $.id }\n",
                    "dir/t.yaml:4:28: target.endpoints.login.id: only the cart and checkout "
                    "endpoints' answers name an id the probes use (the cart, the order)");
}

int main(void)
{
    RUN(test_undefined_variables);
    RUN(test_cart_id_path);
    RUN(test_request_form);
    RUN(test_request_graphql);
    RUN(test_request_errors);
    RUN(test_session_errors);
    RUN(test_order_errors);
    return check_summary();
}
