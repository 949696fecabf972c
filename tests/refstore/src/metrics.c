#include "metrics.h"

#include "broken.h"

static unsigned long long requests[ROUTE_COUNT][600];
static unsigned long long orders;
static unsigned long long webhooks[WEBHOOK_RESULT_COUNT];

static const char *const route_labels[ROUTE_COUNT] = {
#define ROUTE_LABEL(id, label) label,
    ROUTE_LIST(ROUTE_LABEL)
#undef ROUTE_LABEL
};
static const char *const webhook_labels[WEBHOOK_RESULT_COUNT] = {"delivered", "failed_attempt",
                                                                 "given_up", "dropped"};

void metrics_count_request(enum route_id route, int status)
{
    if (status >= 100 && status < 600)
        requests[route][status]++;
}

void metrics_count_order(void)
{
    orders++;
}

void metrics_count_webhook(enum webhook_result r)
{
    webhooks[r]++;
}

void metrics_render(struct buf *out)
{
    buf_puts(out, "# HELP refstore_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE refstore_http_requests_total counter\n");
    for (int r = 0; r < ROUTE_COUNT; r++)
        for (int s = 100; s < 600; s++)
            if (requests[r][s])
                buf_printf(out, "refstore_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                           route_labels[r], s, requests[r][s]);
    buf_printf(out,
               "# HELP refstore_orders_total Orders created.\n"
               "# TYPE refstore_orders_total counter\n"
               "refstore_orders_total %llu\n"
               "# HELP refstore_webhook_deliveries_total Webhook delivery attempts by result.\n"
               "# TYPE refstore_webhook_deliveries_total counter\n",
               orders);
    for (int i = 0; i < WEBHOOK_RESULT_COUNT; i++)
        buf_printf(out, "refstore_webhook_deliveries_total{result=\"%s\"} %llu\n",
                   webhook_labels[i], webhooks[i]);
    if (broken(BROKEN_PUBLIC_METRICS))
        buf_puts(out, "# HELP refstore_db_pool_connections Database pool connections.\n"
                      "# TYPE refstore_db_pool_connections gauge\n"
                      "refstore_db_pool_connections{db_host=\"db-primary.internal:5432\","
                      "db_user=\"store_admin\",db_name=\"shop_prod\"} 12\n"
                      "refstore_build_info{version=\"3.4.1\",commit=\"9f2c1e7\","
                      "internal_api=\"http://10.0.12.7:8081\"} 1\n");
}
