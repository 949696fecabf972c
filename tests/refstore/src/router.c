#include "router.h"

#include <stdio.h>
#include <string.h>

#include "api_catalog.h"
#include "assets.h"
#include "broken.h"
#include "capacity.h"
#include "carts.h"
#include "headless.h"
#include "exposed.h"
#include "intake.h"
#include "login.h"
#include "openapi.h"
#include "ops.h"
#include "orders.h"
#include "pages.h"
#include "problem.h"
#include "server.h"
#include "store.h"
#include "webhooks.h"

#define SLOW_DELAY_S 1.5
/* /api/v0 answers: deprecated since 2025-01-01, gone after the sunset date. */
#define V0_DEPRECATION "@1735689600"
#define V0_SUNSET      "Fri, 31 Dec 2027 23:59:59 GMT"

typedef void (*handler_fn)(struct exchange *x, const char *param, size_t plen);

/* A path pattern where '*' stands for one non-empty segment, passed to the handler. */
struct route {
    const char *pattern;
    handler_fn get, post, del;
};

/* The shop's pages and assets. */
static const struct route page_routes[] = {
    {"/", pages_home, NULL, NULL},
    {"/products/*", pages_product, NULL, NULL},
    {"/checkout", pages_checkout, NULL, NULL},
    {"/account", pages_account, NULL, NULL},
    {"/static/app.css", assets_css, NULL, NULL},
    {"/static/app.js", assets_js, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* A headless store (--api-only) has no pages: "/" says where the API is. */
static const struct route index_routes[] = {
    {"/", api_index, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* The operator's endpoints, in both kinds of store. */
static const struct route ops_routes[] = {
    {"/healthz", ops_healthz, NULL, NULL},
    {"/readyz", ops_readyz, NULL, NULL},
    {"/metrics", ops_metrics, NULL, NULL},
    {"/openapi.json", openapi_get, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* Relative to /api/v1. */
static const struct route api_routes[] = {
    {"/products", api_products, NULL, NULL},
    {"/products/*", api_product, NULL, NULL},
    {"/search", api_search, NULL, NULL},
    {"/login", NULL, login_post, NULL},
    {"/session", NULL, headless_session, NULL},
    {"/carts", NULL, carts_create, NULL},
    {"/carts/*", carts_get, NULL, NULL},
    {"/carts/*/items", NULL, carts_add_item, NULL},
    {"/checkout", NULL, orders_checkout, NULL},
    {"/orders", orders_list, NULL, NULL},
    {"/orders/*", orders_get, NULL, NULL},
    {"/webhooks", NULL, webhooks_subscribe, NULL},
    {"/webhooks/*", NULL, NULL, webhooks_unsubscribe},
    {"/payments/callback", NULL, intake_callback, NULL},
    {NULL, NULL, NULL, NULL},
};

/* Relative to /api/v0: the old catalog API. */
static const struct route v0_routes[] = {
    {"/products", api_products, NULL, NULL},
    {"/products/*", api_product, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static bool match(const char *pattern, const char *path, size_t len, const char **param,
                  size_t *plen)
{
    size_t i = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p == '*') {
            size_t start = i;
            while (i < len && path[i] != '/')
                i++;
            if (i == start)
                return false;
            *param = path + start;
            *plen = i - start;
        } else if (i >= len || path[i++] != *p) {
            return false;
        }
    }
    return i == len;
}

static const struct route *find(const struct route *table, const char *path, size_t len,
                                const char **param, size_t *plen)
{
    for (const struct route *r = table; r->pattern; r++)
        if (match(r->pattern, path, len, param, plen))
            return r;
    return NULL;
}

static void allow_header(struct exchange *x, const struct route *r, char *allow, size_t n)
{
    snprintf(allow, n, "%s%s%sOPTIONS", r->get ? "GET, HEAD, " : "", r->post ? "POST, " : "",
             r->del ? "DELETE, " : "");
    exchange_header(x, "Allow", allow);
}

static void not_found(struct exchange *x, const char *detail)
{
    problem_error(x, 404, detail);
}

static void call(struct exchange *x, const struct route *r, const char *param, size_t plen)
{
    const struct http_request *req = x->req;
    bool get = http_method_is(req, "GET") || http_method_is(req, "HEAD");
    if (get && r->get) {
        r->get(x, param, plen);
        return;
    }
    if (http_method_is(req, "POST") && r->post) {
        r->post(x, param, plen);
        return;
    }
    if (http_method_is(req, "DELETE") && r->del) {
        r->del(x, param, plen);
        return;
    }
    char allow[64];
    allow_header(x, r, allow, sizeof allow);
    if (http_method_is(req, "OPTIONS")) {
        if (exchange_cors_allowed(x)) {
            exchange_header(x, "Access-Control-Allow-Methods", allow);
            exchange_header(x, "Access-Control-Allow-Headers",
                            "Content-Type, Authorization, Idempotency-Key");
            exchange_header(x, "Access-Control-Max-Age", "600");
        }
        exchange_static(x, 204, NULL, "", 0);
        return;
    }
    problem_error(x, 405, "this method is not allowed here");
}

static void redirect_to_https(struct exchange *x)
{
    x->route = ROUTE_REDIRECT;
    /* Keep the loopback name the client used; never redirect anywhere else. */
    char host[64] = "127.0.0.1", name[64];
    size_t n;
    const char *h = exchange_header_in(x, "host", &n);
    if (h && n < sizeof name) {
        memcpy(name, h, n);
        name[n] = '\0';
        char *end = name[0] == '[' ? strchr(name, ']') : strchr(name, ':');
        if (end)
            *end = '\0';
        const char *bare = name[0] == '[' ? name + 1 : name;
        if (server_is_loopback(bare))
            snprintf(host, sizeof host, name[0] == '[' ? "[%s]" : "%s", bare);
    }
    exchange_headerf(x, "Location", "https://%s:%d%.*s", host, store.https_port,
                     (int)x->req->target_len, x->req->target);
    pages_error(x, 301, "This store is served over HTTPS.");
}

static void dispatch_api(struct exchange *x)
{
    const char *path = x->req->path + 5; /* after "/api/" */
    size_t len = x->req->path_len - 5;
    size_t v = 0;
    if (len >= 2 && path[0] == 'v')
        for (v = 1; v < len && path[v] >= '0' && path[v] <= '9'; v++)
            ;
    if (v < 2 || (v < len && path[v] != '/')) {
        not_found(x, "no such API path; the current version is /api/v1");
        return;
    }
    const char *rest = path + v;
    size_t rest_len = len - v;
    const struct route *table;
    if (v == 2 && path[1] == '1') {
        table = api_routes;
    } else if (v == 2 && path[1] == '0') {
        table = v0_routes;
        if (!broken(BROKEN_NO_DEPRECATION)) {
            exchange_header(x, "Deprecation", V0_DEPRECATION);
            exchange_header(x, "Sunset", V0_SUNSET);
            exchange_header(x, "Link", "</api/v1/products>; rel=\"successor-version\"");
        }
    } else if (broken(BROKEN_UNKNOWN_VERSION_200)) {
        table = api_routes;
    } else {
        problem_reply(x, 404, "Unsupported API version",
                      "this API version does not exist; use /api/v1");
        return;
    }
    const char *param = NULL;
    size_t plen = 0;
    const struct route *r = find(table, rest, rest_len, &param, &plen);
    if (!r) {
        not_found(x, "no such API path");
        return;
    }
    call(x, r, param, plen);
}

void router_dispatch(struct exchange *x)
{
    const struct http_request *req = x->req;
    if (broken(BROKEN_SLOW))
        x->delay = SLOW_DELAY_S;
    if (!capacity_take(ev_now(store.loop))) {
        exchange_header(x, "Retry-After", "1");
        problem_error(x, 503, "The store is over its capacity (--capacity).");
        return;
    }
    if (x->kind == LISTENER_HTTP && store.https_port && !broken(BROKEN_NO_HTTPS_REDIRECT)) {
        redirect_to_https(x);
        return;
    }
    if (req->path_len == 1 && req->path[0] == '*') {
        if (http_method_is(req, "OPTIONS")) {
            exchange_header(x, "Allow", "GET, HEAD, POST, OPTIONS");
            exchange_static(x, 204, NULL, "", 0);
        } else {
            problem_error(x, 400, "'*' is only valid with OPTIONS");
        }
        return;
    }
    if ((http_method_is(req, "GET") || http_method_is(req, "HEAD")) && exposed_dispatch(x))
        return;
    if (req->path_len >= 5 && memcmp(req->path, "/api/", 5) == 0) {
        dispatch_api(x);
        return;
    }
    const char *param = NULL;
    size_t plen = 0;
    const struct route *r = find(store_cfg.api_only ? index_routes : page_routes, req->path,
                                 req->path_len, &param, &plen);
    if (!r)
        r = find(ops_routes, req->path, req->path_len, &param, &plen);
    if (!r) {
        not_found(x, "There is nothing at this address.");
        return;
    }
    call(x, r, param, plen);
}

void router_error(struct exchange *x, int status)
{
    if (status == 413 && broken(BROKEN_OVERSIZE_500))
        status = 500;
    const char *detail = status == 413   ? "the request body is larger than 1 MiB"
                         : status == 431 ? "the request head is larger than 16 KiB"
                                         : "the request could not be read";
    problem_error(x, status, detail);
}
