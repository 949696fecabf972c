#include "probes/store.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "probes/html.h"

static int json_id_of(const cJSON *obj, char *out, size_t len)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");
    if (cJSON_IsString(id) && id->valuestring[0])
        snprintf(out, len, "%s", id->valuestring);
    else if (cJSON_IsNumber(id))
        snprintf(out, len, "%.0f", id->valuedouble);
    else
        return -1;
    return 0;
}

int store_json_id(const char *body, char *out, size_t len)
{
    cJSON *doc = body ? cJSON_Parse(body) : NULL;
    int rc = doc ? json_id_of(doc, out, len) : -1;
    cJSON_Delete(doc);
    return rc;
}

/* The first product id of the catalog: a JSON array, or an object whose "items", "products"
 * or "data" member is one. */
static int catalog_first_id(struct probe_ctx *ctx, char *out, size_t len, char *err, size_t errlen)
{
    const char *path = ctx->cfg->target.endpoints[EP_CATALOG];
    if (!path) {
        snprintf(err, errlen, "{{id}} needs a product id and no catalog endpoint is configured");
        return -1;
    }
    struct http_request req = {.url = path, .headers = {"Accept: application/json"}};
    struct http_response r;
    int rc = -1;
    if (http_get1(ctx, &req, &r) != 0 || r.status != 200) {
        snprintf(err, errlen, "catalog %s: %s", r.request_line, r.status ? "not 200" : r.error);
        goto out;
    }
    cJSON *doc = cJSON_Parse(r.body ? r.body : "");
    const cJSON *list = doc;
    static const char *const keys[] = {"items", "products", "data"};
    for (size_t i = 0; doc && !cJSON_IsArray(list) && i < sizeof keys / sizeof *keys; i++)
        list = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
    if (cJSON_IsArray(list) && cJSON_GetArraySize(list) > 0 &&
        json_id_of(cJSON_GetArrayItem(list, 0), out, len) == 0)
        rc = 0;
    else
        snprintf(err, errlen, "catalog %s: no product id in the answer", r.request_line);
    cJSON_Delete(doc);
out:
    http_response_free(&r);
    return rc;
}

static int fill_url(struct probe_ctx *ctx, const char *path, const char *cart_id, char *out,
                    size_t len, char *err, size_t errlen)
{
    char id[128] = "";
    if (strstr(path, "{{id}}") && catalog_first_id(ctx, id, sizeof id, err, errlen) != 0)
        return -1;
    /* {{q}}: a search term that matches something in most catalogs. */
    const char *vars[] = {"id", id, "q", "a", "cart_id", cart_id ? cart_id : "", NULL};
    if (!cart_id)
        vars[4] = NULL;
    return http_endpoint_url(ctx, path, vars, out, len, err, errlen);
}

int store_endpoint_url(struct probe_ctx *ctx, enum endpoint ep, char *out, size_t len, char *err,
                       size_t errlen)
{
    const char *path = ctx->cfg->target.endpoints[ep];
    if (!path) {
        snprintf(err, errlen, "no %s endpoint in the config", endpoint_names[ep]);
        return -1;
    }
    return fill_url(ctx, path, NULL, out, len, err, errlen);
}

size_t store_fetch_pages(struct probe_ctx *ctx, const enum endpoint *eps, size_t n,
                         struct http_response *resps)
{
    struct http_request reqs[8];
    char urls[8][1024];
    size_t count = 0;
    for (size_t i = 0; i < n && count < 8; i++) {
        char err[300];
        if (store_endpoint_url(ctx, eps[i], urls[count], sizeof urls[count], err, sizeof err)) {
            if (ctx->cfg->target.endpoints[eps[i]])
                probe_evidence(ctx, NULL, 0, "%s page not checked: %s", endpoint_names[eps[i]],
                               err);
            continue;
        }
        reqs[count] = (struct http_request){
            .url = urls[count], .headers = {"Accept: text/html"}, .follow = 3};
        count++;
    }
    http_run(ctx, reqs, resps, count, 0);
    return count;
}

size_t store_add_to_cart(struct probe_ctx *ctx, const char *cookie, struct http_response *resps,
                         char *cart_id, size_t idlen, char *err, size_t errlen)
{
    char url[1024];
    if (store_endpoint_url(ctx, EP_CART, url, sizeof url, err, errlen))
        return 0;
    struct http_request create = {.method = "POST",
                                  .url = url,
                                  .body = "{}",
                                  .headers = {"Content-Type: application/json",
                                              "Accept: application/json",
                                              cookie && *cookie ? cookie : NULL}};
    http_get1(ctx, &create, &resps[0]);
    cart_id[0] = '\0';
    if (resps[0].status / 100 != 2 || store_json_id(resps[0].body, cart_id, idlen) != 0) {
        snprintf(err, errlen, "cart not created (%s answered %d)", resps[0].request_line,
                 resps[0].status);
        return 1;
    }
    const char *items = ctx->cfg->target.endpoints[EP_CART_ITEMS];
    if (!items) {
        snprintf(err, errlen, "no cart_items endpoint in the config: no item added");
        return 1;
    }
    char id[128] = "";
    char catalog_err[300];
    if (catalog_first_id(ctx, id, sizeof id, catalog_err, sizeof catalog_err) != 0) {
        snprintf(err, errlen, "no item added: %s", catalog_err);
        return 1;
    }
    char item_url[1024];
    if (fill_url(ctx, items, cart_id, item_url, sizeof item_url, err, errlen))
        return 1;
    /* The body shape most cart APIs take; a store that wants another one answers 4xx, which
     * the caller sees in resps[1]. */
    char body[256];
    int numeric = strspn(id, "0123456789") == strlen(id);
    snprintf(body, sizeof body,
             numeric ? "{\"product_id\":%s,\"quantity\":1}"
                     : "{\"product_id\":\"%s\",\"quantity\":1}",
             id);
    char cookie2[2048];
    const struct http_response *first[] = {&resps[0]};
    http_cookie_header(first, 1, cookie2, sizeof cookie2);
    if (cookie && *cookie) {
        char merged[2048];
        snprintf(merged, sizeof merged, "%s%s%s", cookie, cookie2[0] ? "; " : "",
                 cookie2[0] ? cookie2 + strlen("Cookie: ") : "");
        snprintf(cookie2, sizeof cookie2, "%s", merged);
    }
    struct http_request add = {.method = "POST",
                               .url = item_url,
                               .body = body,
                               .headers = {"Content-Type: application/json",
                                           "Accept: application/json",
                                           cookie2[0] ? cookie2 : NULL}};
    http_get1(ctx, &add, &resps[1]);
    if (resps[1].status / 100 != 2)
        snprintf(err, errlen, "add-to-cart %s answered %d%s%s", resps[1].request_line,
                 resps[1].status, resps[1].status ? "" : ": ",
                 resps[1].status ? "" : resps[1].error);
    else
        err[0] = '\0';
    return 2;
}

int store_static_asset(struct probe_ctx *ctx, char *out, size_t len, char *err, size_t errlen)
{
    if (ctx->cfg->target.endpoints[EP_STATIC_ASSET])
        return store_endpoint_url(ctx, EP_STATIC_ASSET, out, len, err, errlen);
    static const enum endpoint home[] = {EP_HOME};
    struct http_response r = {0};
    if (!ctx->cfg->target.endpoints[EP_HOME]) {
        snprintf(err, errlen, "no static_asset or home endpoint in the config");
        return -1;
    }
    if (store_fetch_pages(ctx, home, 1, &r) != 1 || r.status != 200) {
        snprintf(err, errlen,
                 "no static_asset endpoint, and the home page (to find one) "
                 "answered %d",
                 r.status);
        http_response_free(&r);
        return -1;
    }
    size_t pos = 0;
    struct html_tag tag;
    int rc = -1;
    while (rc != 0 && html_next_tag(r.body, &pos, &tag)) {
        int script = strcmp(tag.name, "script") == 0;
        int sheet = strcmp(tag.name, "link") == 0 && http_strcasestr(tag.rel, "stylesheet");
        /* Same origin only: a root-relative path. */
        if ((script || sheet) && tag.src[0] == '/' && tag.src[1] != '/') {
            rc = http_endpoint_url(ctx, tag.src, NULL, out, len, err, errlen);
        }
    }
    if (rc != 0)
        snprintf(err, errlen,
                 "no static_asset endpoint, and no same-origin stylesheet or "
                 "script on the home page");
    http_response_free(&r);
    return rc;
}
