#include "ops.h"

#include "broken.h"

#define JSON "application/json"

void ops_healthz(struct exchange *x, const char *param, size_t plen)
{
    static const char ok[] = "{\"status\":\"ok\"}";
    static const char leaky[] =
        "{\"status\":\"ok\",\"database\":{\"host\":\"db-primary.internal:5432\","
        "\"version\":\"PostgreSQL 13.4\",\"connection\":"
        "\"postgres://shop:test-only-password@db-primary.internal:5432/shop_prod\"},"
        "\"app\":{\"version\":\"3.4.1\",\"commit\":\"9f2c1e7\",\"hostname\":\"shop-web-7\"}}";
    x->route = ROUTE_HEALTH;
    if (broken(BROKEN_HEALTH_LEAKS))
        exchange_static(x, 200, JSON, leaky, sizeof leaky - 1);
    else
        exchange_static(x, 200, JSON, ok, sizeof ok - 1);
    exchange_header(x, "Cache-Control", "no-store");
}

void ops_readyz(struct exchange *x, const char *param, size_t plen)
{
    /* Ready while orders are down: the catalog still serves. */
    static const char ready[] = "{\"status\":\"ready\"}";
    x->route = ROUTE_HEALTH;
    exchange_static(x, 200, JSON, ready, sizeof ready - 1);
    exchange_header(x, "Cache-Control", "no-store");
}

void ops_metrics(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_METRICS;
    metrics_render(exchange_body(x, 200, "text/plain; version=0.0.4; charset=utf-8"));
    exchange_header(x, "Cache-Control", "no-store");
}
