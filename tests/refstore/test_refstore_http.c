/*
 * The good reference store over plain HTTP: every row of the README's surface table that does
 * not need TLS, the admin fault hook, and the request parser's limits over real sockets.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "tests/support/check.h"

static struct rs_server srv;

/* A response header's value in hv, or NULL. */
static char hv[4096];
static const char *hdr(const struct rs_response *r, const char *name)
{
    return rs_header(r, name, hv, sizeof hv) ? hv : NULL;
}
#define HDR(r, name) hdr(&(r), name)

static void test_common_headers(void)
{
    struct rs_response r;
    struct rs_request req = {
        .url = rs_url(&srv, "http", "/healthz"),
        .headers = (const char *const[]){
            "X-Request-Id: abc-123",
            "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NULL}};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(HDR(r, "Date") != NULL);
    CHECK_STR_EQ(HDR(r, "Server"), "refstore");
    CHECK_STR_EQ(HDR(r, "X-Request-Id"), "abc-123");
    CHECK_STR_EQ(HDR(r, "traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    CHECK(HDR(r, "X-Powered-By") == NULL);
    rs_free(&r);
    rs_get(&srv, "/healthz", &r);
    CHECK(HDR(r, "X-Request-Id") != NULL && strlen(hv) >= 8);
    CHECK(HDR(r, "traceparent") == NULL);
    rs_free(&r);
}

static void test_home_page(void)
{
    struct rs_response r;
    rs_get(&srv, "/", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(HDR(r, "Content-Type"), "text/html");
    CHECK_CONTAINS(r.body, "href=\"/static/app.css\"");
    CHECK_CONTAINS(r.body, "src=\"/static/app.js\"");
    CHECK_CONTAINS(r.body, "href=\"/products/1\"");
    CHECK_CONTAINS(HDR(r, "Content-Security-Policy"), "frame-ancestors 'none'");
    CHECK_CONTAINS(HDR(r, "Content-Security-Policy"), "default-src 'self'");
    CHECK_STR_EQ(HDR(r, "X-Content-Type-Options"), "nosniff");
    CHECK_STR_EQ(HDR(r, "Referrer-Policy"), "strict-origin-when-cross-origin");
    CHECK_STR_EQ(HDR(r, "Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
    CHECK_STR_EQ(HDR(r, "Cross-Origin-Resource-Policy"), "same-origin");
    CHECK(HDR(r, "Strict-Transport-Security") == NULL); /* plain HTTP: no HSTS */
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "session=");
    CHECK_CONTAINS(hv, "HttpOnly");
    CHECK_CONTAINS(hv, "SameSite=Lax");
    CHECK(!strstr(hv, "Secure")); /* Secure only over TLS */
    rs_free(&r);
}

static void test_product_and_checkout_pages(void)
{
    struct rs_response r;
    rs_get(&srv, "/products/5", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body, "SKU-00005");
    rs_free(&r);
    rs_get(&srv, "/products/99999", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(HDR(r, "Content-Type"), "text/html");
    rs_free(&r);
    rs_get(&srv, "/checkout", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body, "src=\"/static/app.js\"");
    CHECK_CONTAINS(r.body, "src=\"https://cdn.example.test/pay.js\" integrity=\"sha384-");
    CHECK_CONTAINS(r.body, "crossorigin=");
    rs_free(&r);
    rs_get(&srv, "/account", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(HDR(r, "Cache-Control"), "private, no-store");
    rs_free(&r);
}

static void test_static_assets(void)
{
    const char *paths[] = {"/static/app.css", "/static/app.js"};
    for (int i = 0; i < 2; i++) {
        struct rs_response r;
        rs_get(&srv, paths[i], &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK_STR_EQ(HDR(r, "Cache-Control"), "public, max-age=31536000, immutable");
        char etag[128], lm[128], h1[256], h2[256];
        CHECK(rs_header(&r, "ETag", etag, sizeof etag) && etag[0] == '"');
        CHECK(rs_header(&r, "Last-Modified", lm, sizeof lm));
        rs_free(&r);
        snprintf(h1, sizeof h1, "If-None-Match: %s", etag);
        struct rs_request req = {.url = rs_url(&srv, "http", paths[i]),
                                 .headers = (const char *const[]){h1, NULL}};
        rs_do(&req, &r);
        CHECK_INT_EQ(r.status, 304);
        CHECK_INT_EQ(r.body_len, 0);
        rs_free(&r);
        snprintf(h2, sizeof h2, "If-Modified-Since: %s", lm);
        req.headers = (const char *const[]){h2, NULL};
        rs_do(&req, &r);
        CHECK_INT_EQ(r.status, 304);
        rs_free(&r);
        req.headers = (const char *const[]){"If-None-Match: \"other\"", NULL};
        rs_do(&req, &r);
        CHECK_INT_EQ(r.status, 200);
        rs_free(&r);
    }
}

static cJSON *get_json(const char *path, long want_status, struct rs_response *r)
{
    rs_get(&srv, path, r);
    CHECK_INT_EQ(r->status, want_status);
    cJSON *j = cJSON_Parse(r->body);
    CHECK(j != NULL);
    return j;
}

static void test_products_api(void)
{
    struct rs_response r;
    cJSON *j = get_json("/api/v1/products?page=2&per_page=10", 200, &r);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 10);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "total")->valueint, 1000);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "page")->valueint, 2);
    CHECK_INT_EQ(
        cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0)
            ? cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "id")
                  ->valueint
            : 0,
        11);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "next")),
                 "/api/v1/products?page=3&per_page=10");
    CHECK_STR_EQ(HDR(r, "Link"), "</api/v1/products?page=3&per_page=10>; rel=\"next\"");
    CHECK_STR_EQ(HDR(r, "X-Content-Type-Options"), "nosniff");
    cJSON_Delete(j);
    rs_free(&r);

    j = get_json("/api/v1/products?per_page=1000", 200, &r);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 100);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "per_page")->valueint, 100);
    cJSON_Delete(j);
    rs_free(&r);

    j = get_json("/api/v1/products?page=100&per_page=10", 200, &r);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
    CHECK(HDR(r, "Link") == NULL);
    cJSON_Delete(j);
    rs_free(&r);

    j = get_json("/api/v1/products?page=0", 400, &r);
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    cJSON_Delete(j);
    rs_free(&r);
}

static void test_product_api(void)
{
    struct rs_response r;
    cJSON *j = get_json("/api/v1/products/42", 200, &r);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "id")->valueint, 42);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "sku")), "SKU-00042");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "currency")), "EUR");
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "name")));
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(j, "price_cents")));
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(j, "stock")));
    cJSON_Delete(j);
    char plain[512], etag[128], inm[160];
    snprintf(plain, sizeof plain, "%s", r.body);
    CHECK(rs_header(&r, "ETag", etag, sizeof etag));
    rs_free(&r);

    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    struct rs_request req = {.url = rs_url(&srv, "http", "/api/v1/products/42"),
                             .headers = (const char *const[]){inm, NULL}};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 304);
    rs_free(&r);

    /* gzip: encoded on the wire, the same document once decoded. */
    req = (struct rs_request){.url = rs_url(&srv, "http", "/api/v1/products/42"), .gzip = true};
    rs_do(&req, &r);
    CHECK_STR_EQ(HDR(r, "Content-Encoding"), "gzip");
    CHECK_CONTAINS(HDR(r, "Vary"), "Accept-Encoding");
    CHECK(r.body_len > 2 && (unsigned char)r.body[0] == 0x1f && (unsigned char)r.body[1] == 0x8b);
    rs_free(&r);

    j = get_json("/api/v1/products/100000", 404, &r);
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "status")->valueint, 404);
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "title")));
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "type")));
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "detail")));
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "instance")),
                 "/api/v1/products/100000");
    CHECK(!strstr(r.body, "Traceback"));
    cJSON_Delete(j);
    rs_free(&r);
}

static void test_search(void)
{
    struct rs_response r;
    cJSON *j = get_json("/api/v1/search?q=LaMp", 200, &r);
    cJSON *items = cJSON_GetObjectItem(j, "items");
    CHECK(cJSON_GetArraySize(items) > 0 && cJSON_GetArraySize(items) <= 20);
    cJSON *it;
    cJSON_ArrayForEach(it, items)
        CHECK(strstr(cJSON_GetObjectItem(it, "name")->valuestring, "Lamp") != NULL);
    cJSON_Delete(j);
    rs_free(&r);
    j = get_json("/api/v1/search?q=no%20such%20thing", 200, &r);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 0);
    cJSON_Delete(j);
    rs_free(&r);
}

static void test_login_rate_limit(void)
{
    int ok = 0, limited = 0, other = 0;
    bool headers_ok = true;
    for (int i = 0; i < 30; i++) {
        struct rs_response r;
        rs_post(&srv, "/api/v1/login", "{\"user\":\"a\",\"password\":\"b\"}", NULL, &r);
        if (r.status == 200) {
            ok++;
            headers_ok &= HDR(r, "RateLimit-Limit") && strcmp(hv, "20") == 0;
            headers_ok &= HDR(r, "RateLimit-Remaining") != NULL;
            headers_ok &= HDR(r, "RateLimit-Reset") != NULL;
            if (i == 0)
                CHECK_CONTAINS(r.body, "\"token\":\"");
        } else if (r.status == 429) {
            limited++;
            headers_ok &= HDR(r, "Retry-After") && atoi(hv) >= 1;
            headers_ok &= HDR(r, "RateLimit-Remaining") && strcmp(hv, "0") == 0;
            headers_ok &= HDR(r, "Content-Type") && strcmp(hv, "application/problem+json") == 0;
        } else {
            other++;
        }
        rs_free(&r);
    }
    CHECK(ok >= 20);
    CHECK(limited >= 1);
    CHECK_INT_EQ(other, 0);
    CHECK(headers_ok);
}

/* Creates a cart with one item; writes its id. */
static void make_cart(char *id, size_t n)
{
    struct rs_response r;
    rs_post(&srv, "/api/v1/carts", "", NULL, &r);
    CHECK_INT_EQ(r.status, 201);
    cJSON *j = cJSON_Parse(r.body);
    snprintf(id, n, "%s", j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")) : "");
    cJSON_Delete(j);
    rs_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/carts/%s/items", id);
    rs_post(&srv, path, "{\"product_id\":3,\"quantity\":2}", NULL, &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
}

static void test_carts(void)
{
    struct rs_response r;
    rs_post(&srv, "/api/v1/carts", "", NULL, &r);
    CHECK_INT_EQ(r.status, 201);
    CHECK_STR_EQ(HDR(r, "Cache-Control"), "private, no-store");
    CHECK_CONTAINS(HDR(r, "Set-Cookie"), "cart=c_");
    CHECK_CONTAINS(hv, "HttpOnly");
    CHECK_CONTAINS(hv, "SameSite=Lax");
    cJSON *j = cJSON_Parse(r.body);
    char id[64];
    snprintf(id, sizeof id, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
    CHECK(strncmp(id, "c_", 2) == 0);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 0);
    cJSON_Delete(j);
    rs_free(&r);

    char path[128];
    snprintf(path, sizeof path, "/api/v1/carts/%s/items", id);
    rs_post(&srv, path, "{\"product_id\":7,\"quantity\":3}", NULL, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body, "\"product_id\":7,\"quantity\":3");
    rs_free(&r);
    rs_post(&srv, path, "{\"product_id\":7}", NULL, &r);
    CHECK_INT_EQ(r.status, 422);
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    rs_free(&r);
    rs_post(&srv, path, "{\"product_id\":999999,\"quantity\":1}", NULL, &r);
    CHECK_INT_EQ(r.status, 422);
    rs_free(&r);
    rs_post(&srv, "/api/v1/carts/c_0000000100000000/items", "{\"product_id\":1,\"quantity\":1}",
            NULL, &r);
    CHECK_INT_EQ(r.status, 404);
    rs_free(&r);

    snprintf(path, sizeof path, "/api/v1/carts/%s", id);
    rs_get(&srv, path, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(HDR(r, "Cache-Control"), "private, no-store");
    CHECK_CONTAINS(r.body, "\"quantity\":3");
    rs_free(&r);
}

static int count_orders(const char *key)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/orders?idempotency_key=%s", key);
    struct rs_response r;
    rs_get(&srv, path, &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    int n = j ? cJSON_GetObjectItem(j, "count")->valueint : -1;
    CHECK_INT_EQ(n, cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")));
    cJSON_Delete(j);
    rs_free(&r);
    return n;
}

static size_t discard(char *p, size_t size, size_t n, void *userdata)
{
    return size * n;
}

static void test_checkout_idempotency(void)
{
    char cart[64], body[128], other[128];
    make_cart(cart, sizeof cart);
    snprintf(body, sizeof body, "{\"cart_id\":\"%s\"}", cart);
    snprintf(other, sizeof other, "{\"cart_id\":\"%s\",\"note\":\"x\"}", cart);
    struct rs_response r, r2;

    rs_post(&srv, "/api/v1/checkout", body, NULL, &r);
    CHECK_INT_EQ(r.status, 400);
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    rs_free(&r);

    const char *const key[] = {"Idempotency-Key: idem-test-1", NULL};
    rs_post(&srv, "/api/v1/checkout", body, key, &r);
    CHECK_INT_EQ(r.status, 201);
    CHECK_CONTAINS(r.body, "\"id\":\"o_");
    CHECK_CONTAINS(r.body, cart);
    CHECK(HDR(r, "Idempotent-Replayed") == NULL);
    rs_post(&srv, "/api/v1/checkout", body, key, &r2);
    CHECK_INT_EQ(r2.status, 201);
    CHECK_STR_EQ(r2.body, r.body);
    CHECK_STR_EQ(HDR(r2, "Idempotent-Replayed"), "true");
    cJSON *j = cJSON_Parse(r.body);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/orders/%s",
             cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "total_cents")->valueint,
                 2 * cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0),
                                         "price_cents")
                         ->valueint);
    cJSON_Delete(j);
    rs_free(&r2);
    rs_get(&srv, path, &r2);
    CHECK_INT_EQ(r2.status, 200);
    CHECK_STR_EQ(r2.body, r.body);
    rs_free(&r2);
    rs_free(&r);

    rs_post(&srv, "/api/v1/checkout", other, key, &r);
    CHECK_INT_EQ(r.status, 422);
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    rs_free(&r);
    CHECK_INT_EQ(count_orders("idem-test-1"), 1);

    /* Concurrent duplicates: eight at once with one key give one order. */
    CURLM *m = curl_multi_init();
    CURL *easy[8];
    struct curl_slist *hl = curl_slist_append(NULL, "Idempotency-Key: idem-concurrent");
    for (int i = 0; i < 8; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, rs_url(&srv, "http", "/api/v1/checkout"));
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(m, easy[i]);
    }
    int running = 1;
    while (running) {
        curl_multi_perform(m, &running);
        curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    for (int i = 0; i < 8; i++) {
        long status = 0;
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
        CHECK(status == 201 || status == 409);
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_slist_free_all(hl);
    curl_multi_cleanup(m);
    CHECK_INT_EQ(count_orders("idem-concurrent"), 1);
}

static void test_webhook_subscription_rules(void)
{
    struct rs_response r;
    rs_post(&srv, "/api/v1/webhooks",
            "{\"url\":\"http://203.0.113.5:8080/hook\",\"events\":[\"order.created\"]}", NULL, &r);
    CHECK_INT_EQ(r.status, 422);
    rs_free(&r);
    rs_post(&srv, "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"x\"]}",
            NULL, &r);
    CHECK_INT_EQ(r.status, 422);
    rs_free(&r);
    rs_post(&srv, "/api/v1/webhooks",
            "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"order.created\"]}", NULL, &r);
    CHECK_INT_EQ(r.status, 201);
    CHECK_CONTAINS(r.body, "\"url\":\"http://127.0.0.1:9/hook\"");
    rs_free(&r);
}

static void test_operations_endpoints(void)
{
    struct rs_response r;
    rs_get(&srv, "/healthz", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(r.body, "{\"status\":\"ok\"}");
    CHECK(r.seconds < 0.5);
    rs_free(&r);
    rs_get(&srv, "/readyz", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(r.body, "{\"status\":\"ready\"}");
    rs_free(&r);
    rs_get(&srv, "/metrics", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(HDR(r, "Content-Type"), "text/plain; version=0.0.4");
    CHECK_CONTAINS(r.body, "refstore_http_requests_total{route=\"product\",status=\"200\"}");
    CHECK_CONTAINS(r.body, "refstore_orders_total ");
    CHECK_CONTAINS(r.body, "refstore_webhook_deliveries_total{result=\"given_up\"}");
    CHECK(!strstr(r.body, "db_host"));
    rs_free(&r);

    rs_get(&srv, "/openapi.json", &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    CHECK(j != NULL);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "openapi")), "3.1.0");
    cJSON *paths = cJSON_GetObjectItem(j, "paths");
    const char *want[] = {"/api/v1/products",
                          "/api/v1/products/{id}",
                          "/api/v1/search",
                          "/api/v1/login",
                          "/api/v1/carts",
                          "/api/v1/carts/{id}",
                          "/api/v1/carts/{id}/items",
                          "/api/v1/checkout",
                          "/api/v1/orders",
                          "/api/v1/orders/{id}",
                          "/api/v1/webhooks",
                          "/api/v1/payments/callback"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK(cJSON_GetObjectItem(paths, want[i]) != NULL);
    cJSON_Delete(j);
    rs_free(&r);
}

static void test_api_versions(void)
{
    const char *unknown[] = {"/api/v2/products", "/api/v9/products/1"};
    for (int i = 0; i < 2; i++) {
        struct rs_response r;
        rs_get(&srv, unknown[i], &r);
        CHECK_INT_EQ(r.status, 404);
        CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
        CHECK_CONTAINS(r.body, "Unsupported API version");
        rs_free(&r);
    }
    struct rs_response r;
    rs_get(&srv, "/api/v0/products", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(HDR(r, "Deprecation"), "@1735689600");
    CHECK(HDR(r, "Sunset") != NULL);
    CHECK_CONTAINS(r.body, "\"items\":[");
    rs_free(&r);
    rs_get(&srv, "/api/v1/products", &r);
    CHECK(HDR(r, "Deprecation") == NULL);
    rs_free(&r);
}

static void test_unknown_paths_and_methods(void)
{
    const char *html404[] = {"/nope",      "/admin", "/wp-admin",   "/phpmyadmin", "/.git/config",
                             "/.git/HEAD", "/.env",  "/backup.sql", "/backup.zip"};
    for (size_t i = 0; i < sizeof html404 / sizeof html404[0]; i++) {
        struct rs_response r;
        rs_get(&srv, html404[i], &r);
        CHECK_INT_EQ(r.status, 404);
        CHECK_CONTAINS(HDR(r, "Content-Type"), "text/html");
        CHECK(!strstr(r.body, "Traceback") && !strstr(r.body, "DB_PASSWORD"));
        rs_free(&r);
    }
    struct rs_response r;
    rs_get(&srv, "/api/v1/nope", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    rs_free(&r);

    struct rs_request req = {.method = "DELETE", .url = rs_url(&srv, "http", "/")};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 405);
    CHECK_STR_EQ(HDR(r, "Allow"), "GET, HEAD, OPTIONS");
    rs_free(&r);
    req = (struct rs_request){
        .method = "PUT", .url = rs_url(&srv, "http", "/api/v1/checkout"), .body = "{}"};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 405);
    CHECK_STR_EQ(HDR(r, "Allow"), "POST, OPTIONS");
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    rs_free(&r);
    req = (struct rs_request){.method = "HEAD", .url = rs_url(&srv, "http", "/api/v1/products/1")};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_INT_EQ(r.body_len, 0);
    CHECK(HDR(r, "Content-Length") && atoi(hv) > 50);
    rs_free(&r);
}

static void test_cors(void)
{
    struct rs_response r;
    struct rs_request req = {.method = "OPTIONS",
                             .url = rs_url(&srv, "http", "/api/v1/checkout"),
                             .headers = (const char *const[]){"Origin: https://shop.example.test",
                                                              "Access-Control-Request-Method: POST",
                                                              NULL}};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 204);
    CHECK_STR_EQ(HDR(r, "Access-Control-Allow-Origin"), "https://shop.example.test");
    CHECK_STR_EQ(HDR(r, "Access-Control-Allow-Credentials"), "true");
    CHECK_CONTAINS(HDR(r, "Access-Control-Allow-Methods"), "POST");
    rs_free(&r);
    req.headers = (const char *const[]){"Origin: https://evil.example", NULL};
    rs_do(&req, &r);
    CHECK(HDR(r, "Access-Control-Allow-Origin") == NULL);
    CHECK(HDR(r, "Access-Control-Allow-Credentials") == NULL);
    rs_free(&r);
    req =
        (struct rs_request){.url = rs_url(&srv, "http", "/api/v1/products/1"),
                            .headers = (const char *const[]){"Origin: https://evil.example", NULL}};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(HDR(r, "Access-Control-Allow-Origin") == NULL);
    rs_free(&r);
}

static void test_gzip_html(void)
{
    struct rs_response r;
    struct rs_request req = {.url = rs_url(&srv, "http", "/"), .gzip = true};
    rs_do(&req, &r);
    CHECK_STR_EQ(HDR(r, "Content-Encoding"), "gzip");
    CHECK(r.body_len > 2 && (unsigned char)r.body[0] == 0x1f);
    rs_free(&r);
    rs_get(&srv, "/", &r);
    CHECK(HDR(r, "Content-Encoding") == NULL);
    CHECK_CONTAINS(HDR(r, "Vary"), "Accept-Encoding");
    rs_free(&r);
}

static void admin(const char *method, const char *path, long want)
{
    struct rs_response r;
    struct rs_request req = {.method = method, .url = rs_url(&srv, "admin", path)};
    rs_do(&req, &r);
    CHECK_INT_EQ(r.status, want);
    rs_free(&r);
}

static void test_orders_down_fault(void)
{
    char cart[64], body[128];
    make_cart(cart, sizeof cart);
    snprintf(body, sizeof body, "{\"cart_id\":\"%s\"}", cart);
    const char *const key[] = {"Idempotency-Key: during-fault", NULL};
    admin("POST", "/faults/orders_down", 200);
    struct rs_response r;
    struct rs_request req = {.url = rs_url(&srv, "admin", "/faults")};
    rs_do(&req, &r);
    CHECK_CONTAINS(r.body, "orders_down");
    rs_free(&r);

    rs_post(&srv, "/api/v1/checkout", body, key, &r);
    CHECK_INT_EQ(r.status, 503);
    CHECK_STR_EQ(HDR(r, "Retry-After"), "30");
    CHECK_STR_EQ(HDR(r, "Content-Type"), "application/problem+json");
    rs_free(&r);
    rs_get(&srv, "/api/v1/orders?idempotency_key=x", &r);
    CHECK_INT_EQ(r.status, 503);
    rs_free(&r);
    const char *up[] = {"/api/v1/products?page=1",
                        "/api/v1/products/1",
                        "/products/1",
                        "/api/v1/search?q=oak",
                        "/healthz",
                        "/readyz",
                        "/"};
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
        rs_get(&srv, up[i], &r);
        CHECK_INT_EQ(r.status, 200);
        rs_free(&r);
    }
    rs_post(&srv, "/api/v1/carts", "", NULL, &r);
    CHECK_INT_EQ(r.status, 201);
    rs_free(&r);

    admin("DELETE", "/faults/orders_down", 200);
    rs_post(&srv, "/api/v1/checkout", body, key, &r);
    CHECK_INT_EQ(r.status, 201);
    rs_free(&r);
    admin("GET", "/nothing", 404);
    admin("PATCH", "/faults/orders_down", 405);
}

/* Sends raw bytes and returns what came back (static buffer). */
static const char *raw(const char *data, size_t len, long timeout_ms, bool *closed)
{
    static char out[1 << 16];
    long n = rs_raw(srv.http, data, len ? len : strlen(data), out, sizeof out, timeout_ms, closed);
    CHECK(n >= 0);
    return out;
}

static void test_parser_limits(void)
{
    bool closed;
    /* A head over 16 KiB. */
    size_t big = 20 * 1024;
    char *req = malloc(big + 64);
    int n = snprintf(req, big + 64, "GET / HTTP/1.1\r\nHost: x\r\nX-Fill: ");
    memset(req + n, 'a', big);
    memcpy(req + n + big, "\r\n\r\n", 5);
    CHECK_CONTAINS(raw(req, 0, 3000, &closed), "HTTP/1.1 431 ");
    CHECK(closed);
    free(req);

    /* A declared body over 1 MiB is refused up front with problem+json. */
    const char *over =
        "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 2000000\r\n\r\n{";
    const char *out = raw(over, 0, 3000, &closed);
    CHECK_CONTAINS(out, "HTTP/1.1 413 ");
    CHECK_CONTAINS(out, "application/problem+json");
    CHECK(closed);

    /* A chunked body that grows past 1 MiB. */
    size_t chunk = 64 * 1024, count = 18;
    char *chunked = malloc(chunk * count + 4096);
    size_t len = (size_t)sprintf(chunked, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\n"
                                          "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t i = 0; i < count; i++) {
        len += (size_t)sprintf(chunked + len, "%zx\r\n", chunk);
        memset(chunked + len, 'b', chunk);
        len += chunk;
        len += (size_t)sprintf(chunked + len, "\r\n");
    }
    CHECK_CONTAINS(raw(chunked, len, 5000, &closed), "HTTP/1.1 413 ");
    free(chunked);

    CHECK_CONTAINS(raw("GARBAGE\r\n\r\n", 0, 3000, &closed), "HTTP/1.1 400 ");
    CHECK(closed);
    CHECK_CONTAINS(raw("GET / HTTP/2.0\r\n\r\n", 0, 3000, &closed), "HTTP/1.1 505 ");
    CHECK_CONTAINS(raw("GET /\x01 HTTP/1.1\r\n\r\n", 0, 3000, &closed), "HTTP/1.1 400 ");
    CHECK_CONTAINS(raw("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 0,
                       3000, &closed),
                   "HTTP/1.1 400 ");
    CHECK_CONTAINS(raw("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 3000, &closed),
                   "HTTP/1.1 501 ");
}

static void test_framing(void)
{
    bool closed;
    char cart[64], req[1024];
    make_cart(cart, sizeof cart);
    /* A chunked body, with an extension and a trailer. */
    int n =
        snprintf(req, sizeof req,
                 "POST /api/v1/carts/%s/items HTTP/1.1\r\nHost: x\r\n"
                 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                 "d;ext=1\r\n{\"product_id\"\r\n11\r\n:9,\"quantity\":4}\r\n0\r\nX-T: 1\r\n\r\n",
                 cart);
    const char *out = raw(req, (size_t)n, 3000, &closed);
    CHECK_CONTAINS(out, "HTTP/1.1 200 ");
    CHECK_CONTAINS(out, "\"product_id\":9,\"quantity\":4");
    CHECK(closed);

    /* Pipelined requests are answered in order on one connection. */
    out =
        raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\n\r\n"
            "GET /readyz HTTP/1.1\r\nHost: x\r\nX-Request-Id: second\r\n\r\n"
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: third\r\nConnection: close\r\n\r\n",
            0, 3000, &closed);
    CHECK_INT_EQ(rs_count(out, "HTTP/1.1 200 OK"), 3);
    const char *a = strstr(out, "first"), *b = strstr(out, "second"), *c = strstr(out, "third");
    CHECK(a && b && c && a < b && b < c);
    CHECK(closed);

    /* Keep-alive: the connection stays open after an answer; HTTP/1.0 closes by default. */
    out = raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 0, 400, &closed);
    CHECK_CONTAINS(out, "HTTP/1.1 200 ");
    CHECK(!closed);
    out = raw("GET /healthz HTTP/1.0\r\n\r\n", 0, 3000, &closed);
    CHECK_CONTAINS(out, "HTTP/1.1 200 ");
    CHECK(closed);

    /* A client that half-closes after its request still gets the answer. */
    int hc = rs_connect(srv.http);
    static const char get[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    char answer[2048];
    CHECK(send(hc, get, sizeof get - 1, 0) > 0);
    shutdown(hc, SHUT_WR);
    rs_read(hc, answer, sizeof answer, 3000, &closed);
    CHECK_CONTAINS(answer, "HTTP/1.1 200 ");
    CHECK(closed);
    close(hc);

    /* Expect: 100-continue gets the interim answer before the body is sent. */
    int fd = rs_connect(srv.http);
    static const char head[] = "POST /api/v1/carts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                               "Expect: 100-continue\r\nConnection: close\r\n\r\n";
    char buf[4096];
    CHECK(send(fd, head, sizeof head - 1, 0) > 0);
    rs_read(fd, buf, 64, 300, &closed);
    CHECK_CONTAINS(buf, "HTTP/1.1 100 Continue");
    CHECK(send(fd, "{}", 2, 0) == 2);
    rs_read(fd, buf, sizeof buf, 3000, &closed);
    CHECK_CONTAINS(buf, "HTTP/1.1 201 ");
    close(fd);
}

static void test_timeouts(void)
{
    /* This store runs with --request-timeout 1s. A request trickled a byte at a time is cut
     * off however active the client is, and an idle connection is closed too. */
    int fd = rs_connect(srv.http);
    const char *slow = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    bool cut = false;
    for (size_t i = 0; i < strlen(slow) && !cut; i++) {
        if (send(fd, slow + i, 1, MSG_NOSIGNAL) != 1)
            cut = true;
        char c[2];
        bool closed;
        rs_read(fd, c, sizeof c, 100, &closed);
        cut |= closed;
    }
    CHECK(cut);
    close(fd);

    fd = rs_connect(srv.http);
    char buf[64];
    bool closed;
    rs_read(fd, buf, sizeof buf, 3000, &closed);
    CHECK(closed);
    close(fd);

    /* Meanwhile the store kept serving. */
    struct rs_response r;
    rs_get(&srv, "/healthz", &r);
    CHECK_INT_EQ(r.status, 200);
    rs_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *args[] = {"--listen",          "127.0.0.1:0", "--admin", "127.0.0.1:0",
                          "--request-timeout", "1s",          NULL};
    if (!rs_start(&srv, args))
        return 1;
    RUN(test_common_headers);
    RUN(test_home_page);
    RUN(test_product_and_checkout_pages);
    RUN(test_static_assets);
    RUN(test_products_api);
    RUN(test_product_api);
    RUN(test_search);
    RUN(test_login_rate_limit);
    RUN(test_carts);
    RUN(test_checkout_idempotency);
    RUN(test_webhook_subscription_rules);
    RUN(test_operations_endpoints);
    RUN(test_api_versions);
    RUN(test_unknown_paths_and_methods);
    RUN(test_cors);
    RUN(test_gzip_html);
    RUN(test_orders_down_fault);
    RUN(test_parser_limits);
    RUN(test_framing);
    RUN(test_timeouts);
    CHECK_INT_EQ(rs_stop(&srv), 0);
    curl_global_cleanup();
    return check_summary();
}
