#include "admin.h"

#include <string.h>

#include "store.h"

#define JSON "application/json"

static bool path_is(const struct exchange *x, const char *p)
{
    return x->req->path_len == strlen(p) && memcmp(x->req->path, p, x->req->path_len) == 0;
}

static void list_faults(struct exchange *x, int status)
{
    struct buf *b = exchange_body(x, status, JSON);
    buf_puts(b, store.orders_down ? "{\"faults\":[\"orders_down\"]}" : "{\"faults\":[]}");
}

static void activity(struct exchange *x)
{
    struct buf *b = exchange_body(x, 200, JSON);
    buf_printf(b, "{\"last_order_us\":%lld,\"last_fault_start_us\":%lld,\"orders_down\":%s}",
               (long long)store.last_order_us, (long long)store.last_fault_start_us,
               store.orders_down ? "true" : "false");
}

static void error(struct exchange *x, int status, const char *detail)
{
    struct buf *b = exchange_body(x, status, "application/problem+json");
    buf_printf(b, "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}",
               http_reason(status), status, detail);
}

void admin_dispatch(struct exchange *x)
{
    x->route = ROUTE_ADMIN;
    const struct http_request *req = x->req;
    bool get = http_method_is(req, "GET") || http_method_is(req, "HEAD");
    if (path_is(x, "/activity") && get) {
        activity(x);
    } else if (path_is(x, "/faults")) {
        if (get) {
            list_faults(x, 200);
        } else {
            exchange_header(x, "Allow", "GET, HEAD");
            error(x, 405, "use GET");
        }
    } else if (path_is(x, "/faults/orders_down")) {
        if (http_method_is(req, "POST") || http_method_is(req, "PUT")) {
            store.orders_down = true;
            store.last_fault_start_us = store_wall_us();
            list_faults(x, 200);
        } else if (http_method_is(req, "DELETE")) {
            store.orders_down = false;
            list_faults(x, 200);
        } else {
            exchange_header(x, "Allow", "POST, PUT, DELETE");
            error(x, 405, "use POST to start the fault and DELETE to stop it");
        }
    } else {
        error(x, 404, "the admin listener serves /activity, /faults and /faults/orders_down");
    }
}
