/* Prometheus counters: requests by route and status, orders, webhook deliveries. */
#ifndef REFSTORE_METRICS_H
#define REFSTORE_METRICS_H

#include "buf.h"

#define ROUTE_LIST(X)                                                                              \
    X(OTHER, "other")                                                                              \
    X(HOME, "home")                                                                                \
    X(PRODUCT_PAGE, "product_page")                                                                \
    X(CHECKOUT_PAGE, "checkout_page")                                                              \
    X(ACCOUNT_PAGE, "account_page")                                                                \
    X(STATIC, "static")                                                                            \
    X(PRODUCTS, "products")                                                                        \
    X(PRODUCT, "product")                                                                          \
    X(SEARCH, "search")                                                                            \
    X(LOGIN, "login")                                                                              \
    X(CARTS, "carts")                                                                              \
    X(CHECKOUT, "checkout")                                                                        \
    X(ORDERS, "orders")                                                                            \
    X(WEBHOOKS, "webhooks")                                                                        \
    X(INTAKE, "payments_callback")                                                                 \
    X(HEALTH, "health")                                                                            \
    X(METRICS, "metrics")                                                                          \
    X(OPENAPI, "openapi")                                                                          \
    X(REDIRECT, "https_redirect")                                                                  \
    X(ADMIN, "admin_listener")

enum route_id {
#define ROUTE_ENUM(id, label) ROUTE_##id,
    ROUTE_LIST(ROUTE_ENUM)
#undef ROUTE_ENUM
        ROUTE_COUNT
};

enum webhook_result {
    WEBHOOK_DELIVERED,
    WEBHOOK_FAILED_ATTEMPT,
    WEBHOOK_GIVEN_UP,
    WEBHOOK_DROPPED,
    WEBHOOK_RESULT_COUNT
};

void metrics_count_request(enum route_id route, int status);
void metrics_count_order(void);
void metrics_count_webhook(enum webhook_result r);
/* Renders the exposition text into out. */
void metrics_render(struct buf *out);

#endif
