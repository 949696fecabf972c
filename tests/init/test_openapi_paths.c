/* The OpenAPI path reader: which endpoint each path and method is, templates, prefixes,
 * deprecated operations, and documents or paths it must refuse. */
#include <string.h>

#include "checker/openapi_paths.h"
#include "tests/support/check.h"

static int read_doc(const char *doc, struct openapi_paths *p)
{
    char err[200];
    return openapi_paths_read(doc, strlen(doc), p, err, sizeof err);
}

static void test_store_paths(void)
{
    struct openapi_paths p;
    /* The deprecated v0 list comes first and is passed over. */
    CHECK(read_doc("{\"openapi\":\"3.1.0\",\"paths\":{"
                   "\"/api/v0/products\":{\"get\":{\"deprecated\":true}},"
                   "\"/api/v1/products\":{\"get\":{}},"
                   "\"/api/v1/products/{productId}\":{\"get\":{}},"
                   "\"/api/v1/search\":{\"get\":{\"parameters\":[{\"name\":\"limit\",\"in\":"
                   "\"query\"},{\"name\":\"q\",\"in\":\"query\",\"required\":true}]}},"
                   "\"/api/v1/carts\":{\"post\":{}},"
                   "\"/api/v1/carts/{id}\":{\"get\":{}},"
                   "\"/api/v1/carts/{id}/items\":{\"post\":{}},"
                   "\"/api/v1/checkout\":{\"post\":{}},"
                   "\"/api/v1/login\":{\"post\":{}},"
                   "\"/healthz\":{\"get\":{}},\"/health/ready\":{\"get\":{}},"
                   "\"/metrics\":{\"get\":{}}}}",
                   &p) == 0);
    CHECK_STR_EQ(p.paths[EP_CATALOG], "/api/v1/products");
    CHECK_STR_EQ(p.paths[EP_PRODUCT], "/api/v1/products/{{id}}");
    CHECK_STR_EQ(p.paths[EP_SEARCH], "/api/v1/search?q={{q}}");
    CHECK_STR_EQ(p.paths[EP_CART], "/api/v1/carts");
    CHECK_STR_EQ(p.paths[EP_CART_ITEMS], "/api/v1/carts/{{cart_id}}/items");
    CHECK_STR_EQ(p.paths[EP_CHECKOUT], "/api/v1/checkout");
    CHECK_STR_EQ(p.paths[EP_LOGIN], "/api/v1/login");
    CHECK_STR_EQ(p.paths[EP_HEALTH], "/healthz");
    CHECK_STR_EQ(p.paths[EP_READINESS], "/health/ready");
    CHECK_STR_EQ(p.paths[EP_METRICS], "/metrics");
    CHECK_STR_EQ(p.paths[EP_HOME], "");
    CHECK_STR_EQ(p.paths[EP_ORDERS], "");
}

static void test_methods_matter(void)
{
    struct openapi_paths p;
    /* A GET on /carts is no cart creation; a POST on /products no product list. */
    CHECK(read_doc("{\"openapi\":\"3.0.3\",\"paths\":{\"/carts\":{\"get\":{}},"
                   "\"/products\":{\"post\":{}},\"/search\":{\"get\":{\"parameters\":[{\"name\":"
                   "\"term\",\"in\":\"query\"}]}}}}",
                   &p) == 0);
    CHECK_STR_EQ(p.paths[EP_CART], "");
    CHECK_STR_EQ(p.paths[EP_CATALOG], "");
    CHECK_STR_EQ(p.paths[EP_SEARCH], "/search?term={{q}}");
}

static void test_prefixes(void)
{
    struct openapi_paths p;
    CHECK(read_doc("{\"openapi\":\"3.0.0\",\"servers\":[{\"url\":\"https://shop.test/store/\"}],"
                   "\"paths\":{\"/products/{id}\":{\"get\":{}},"
                   "\"/carts/{id}/line-items\":{\"post\":{}}}}",
                   &p) == 0);
    CHECK_STR_EQ(p.paths[EP_PRODUCT], "/store/products/{{id}}");
    CHECK_STR_EQ(p.paths[EP_CART_ITEMS], "/store/carts/{{cart_id}}/line-items");
    CHECK(read_doc("{\"swagger\":\"2.0\",\"basePath\":\"/api\",\"paths\":{\"/products\":{\"get\""
                   ":{}}}}",
                   &p) == 0);
    CHECK_STR_EQ(p.paths[EP_CATALOG], "/api/products");
    /* A server URL with a variable is no plain prefix: the paths stand as they are. */
    CHECK(read_doc("{\"openapi\":\"3.0.0\",\"servers\":[{\"url\":\"/{version}\"}],"
                   "\"paths\":{\"/products\":{\"get\":{}}}}",
                   &p) == 0);
    CHECK_STR_EQ(p.paths[EP_CATALOG], "/products");
}

static void test_refused(void)
{
    struct openapi_paths p;
    CHECK(read_doc("not json", &p) == -1);
    CHECK(read_doc("[]", &p) == -1);
    CHECK(read_doc("{\"paths\":{\"/products\":{\"get\":{}}}}", &p) == -1);
    CHECK(read_doc("{\"openapi\":\"2.0\",\"paths\":{}}", &p) == -1);
    CHECK(read_doc("{\"openapi\":\"3.1.0\",\"paths\":[]}", &p) == -1);
    CHECK(read_doc("{\"openapi\":\"3.1.0\",\"paths\":{}}", &p) == 0);
}

static void test_unsafe_paths(void)
{
    struct openapi_paths p;
    /* Paths that could break out of a YAML string, templates where storecheck has no value,
     * and a path longer than the bound are all passed over. */
    char doc[1200];
    char long_path[OPENAPI_PATH_MAX + 20];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    memcpy(long_path + sizeof long_path - 10, "/products", 10);
    snprintf(doc, sizeof doc,
             "{\"openapi\":\"3.1.0\",\"paths\":{\"/x\\\"\\n/products\":{\"get\":{}},"
             "\"/{shop}/products\":{\"get\":{}},\"/products/{a}/{b}\":{\"get\":{}},"
             "\"%s\":{\"get\":{}},\"/carts/{id}/checkout\":{\"post\":{}},"
             "\"/search\":{\"get\":{\"parameters\":[{\"name\":\"q\\\"\",\"in\":\"query\"}]}}}}",
             long_path);
    CHECK(read_doc(doc, &p) == 0);
    CHECK_STR_EQ(p.paths[EP_CATALOG], "");
    CHECK_STR_EQ(p.paths[EP_PRODUCT], "");
    CHECK_STR_EQ(p.paths[EP_CHECKOUT], "");
    CHECK_STR_EQ(p.paths[EP_SEARCH], "/search");
}

int main(void)
{
    RUN(test_store_paths);
    RUN(test_methods_matter);
    RUN(test_prefixes);
    RUN(test_refused);
    RUN(test_unsafe_paths);
    return check_summary();
}
