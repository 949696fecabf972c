#include "api_catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "broken.h"
#include "catalog.h"
#include "problem.h"

#define JSON           "application/json"
#define PER_PAGE_MAX   100
#define SEARCH_MAX     20
#define DEFAULT_PER_PG 20
/* Catalog reads are the same for every shopper: a CDN may keep them a minute. */
#define CATALOG_CACHE "public, max-age=60"

/* A positive integer query parameter; def when absent; false when malformed. */
static bool query_uint(struct exchange *x, const char *name, unsigned long def, unsigned long *v)
{
    char s[32];
    if (!exchange_query(x, name, s, sizeof s)) {
        *v = def;
        return true;
    }
    char *end;
    if (!isdigit((unsigned char)s[0]) || strlen(s) > 9)
        return false;
    *v = strtoul(s, &end, 10);
    return *end == '\0' && *v >= 1;
}

void api_products(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_PRODUCTS;
    unsigned long page, per_page;
    if (!query_uint(x, "page", 1, &page) || !query_uint(x, "per_page", DEFAULT_PER_PG, &per_page)) {
        problem_reply(x, 400, "Bad Request", "page and per_page must be positive integers");
        return;
    }
    bool capped = !broken(BROKEN_NO_PAGINATION_CAP);
    if (capped && per_page > PER_PAGE_MAX)
        per_page = PER_PAGE_MAX;
    unsigned long total = catalog_count();
    unsigned long first = (page - 1) * per_page + 1; /* page, per_page < 1e9: no overflow */
    struct buf *b = exchange_body(x, 200, JSON);
    exchange_header(x, "Cache-Control", CATALOG_CACHE);
    buf_puts(b, "{\"items\":[");
    for (unsigned long id = first; id <= total && id < first + per_page; id++) {
        const struct product *p = catalog_get(id);
        if (id != first)
            buf_append(b, ",", 1);
        buf_append(b, p->json, p->json_len);
    }
    buf_printf(b, "],\"page\":%lu,\"per_page\":%lu,\"total\":%lu", page, per_page, total);
    /* The version prefix of the request, so /api/v0 pages link to /api/v0. */
    const char *base = x->req->path;
    size_t base_len = x->req->path_len;
    if (capped && first + per_page <= total) {
        buf_printf(b, ",\"next\":\"%.*s?page=%lu&per_page=%lu\"", (int)base_len, base, page + 1,
                   per_page);
        exchange_headerf(x, "Link", "<%.*s?page=%lu&per_page=%lu>; rel=\"next\"", (int)base_len,
                         base, page + 1, per_page);
    } else if (capped) {
        buf_puts(b, ",\"next\":null");
    }
    buf_puts(b, "}");
}

void api_product(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_PRODUCT;
    const struct product *p = catalog_lookup(param, plen);
    if (!p) {
        problem_reply(x, 404, "Not Found", "no product with this id");
        return;
    }
    exchange_static(x, 200, JSON, p->json, p->json_len);
    x->body_gz = p->json_gz;
    x->body_gz_len = p->json_gz_len;
    x->etag = p->etag;
    exchange_header(x, "Cache-Control", CATALOG_CACHE);
}

void api_index(struct exchange *x, const char *param, size_t plen)
{
    static const char index[] = "{\"name\":\"refstore\",\"api\":\"/api/v1\","
                                "\"products\":\"/api/v1/products\",\"openapi\":\"/openapi.json\"}";
    x->route = ROUTE_HOME;
    exchange_static(x, 200, JSON, index, sizeof index - 1);
}

void api_search(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_SEARCH;
    char q[128];
    if (!exchange_query(x, "q", q, sizeof q) || !q[0]) {
        problem_reply(x, 400, "Bad Request", "the q parameter is required");
        return;
    }
    for (char *c = q; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    struct buf *b = exchange_body(x, 200, JSON);
    buf_puts(b, "{\"items\":[");
    unsigned found = 0;
    for (unsigned long id = 1; id <= catalog_count() && found < SEARCH_MAX; id++) {
        const struct product *p = catalog_get(id);
        if (!strstr(p->lower, q))
            continue;
        if (found++)
            buf_append(b, ",", 1);
        buf_append(b, p->json, p->json_len);
    }
    buf_printf(b, "],\"count\":%u}", found);
}
