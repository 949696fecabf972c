#include "probes/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "probes/html.h"
#include "scenario/jsonpath.h"

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

int store_answer_id(const struct probe_ctx *ctx, enum endpoint ep, const struct http_response *resp,
                    char *out, size_t len, char *why, size_t whylen)
{
    const struct endpoint_request *r = &ctx->cfg->target.requests[ep];
    const char *what = ep == EP_CART ? "the cart" : "the order";
    if (!r->id_path) {
        if (store_json_id(resp->body, out, len) == 0)
            return 0;
        snprintf(why, whylen,
                 "without an \"id\" (top-level, or of the one object it wraps) to name %s by "
                 "(give target.endpoints.%s an id: the JSON path where it names it)",
                 what, endpoint_names[ep]);
        return -1;
    }
    struct parse_error perr;
    struct jsonpath *p = jsonpath_compile(r->id_path, strlen(r->id_path), &perr);
    size_t n = 0;
    int found = p && len > 0 &&
                jsonpath_eval(p, resp->body ? resp->body : "", resp->body_len, NULL, out, len - 1,
                              &n) == JP_MATCH &&
                n > 0;
    jsonpath_free(p);
    out[found ? n : 0] = '\0';
    if (!found)
        snprintf(why, whylen, "with nothing at %s (the id of target.endpoints.%s)", r->id_path,
                 endpoint_names[ep]);
    return found ? 0 : -1;
}

/* The id of the one object member of doc that has one ({"cart": {"id": ...}}); -1 when none
 * or more than one has. */
static int wrapped_id_of(const cJSON *doc, char *out, size_t len)
{
    const cJSON *m, *found = NULL;
    char id[2][128];
    cJSON_ArrayForEach(m, doc)
    {
        if (!cJSON_IsObject(m) || json_id_of(m, id[found != NULL], sizeof id[0]) != 0)
            continue;
        if (found)
            return -1;
        found = m;
    }
    if (!found)
        return -1;
    snprintf(out, len, "%s", id[0]);
    return 0;
}

int store_json_id(const char *body, char *out, size_t len)
{
    cJSON *doc = body ? cJSON_Parse(body) : NULL;
    int rc = !cJSON_IsObject(doc)             ? -1
             : json_id_of(doc, out, len) == 0 ? 0
                                              : wrapped_id_of(doc, out, len);
    cJSON_Delete(doc);
    return rc;
}

/* The first product id of the catalog: a JSON array, or an object whose "items", "products"
 * or "data" member is one. */
static int catalog_first_id(struct probe_ctx *ctx, char *out, size_t len, char *err, size_t errlen)
{
    if (!ctx->cfg->target.endpoints[EP_CATALOG]) {
        snprintf(err, errlen, "{{id}} needs a product id and no catalog endpoint is configured");
        return -1;
    }
    /* The catalog's own request (its headers, a publishable key...), without {{id}}: it is
     * where ids come from. */
    static const struct ep_defaults get_json = {NULL, NULL, "Accept: application/json"};
    static const char *const vars[] = {"q", "a", NULL};
    struct ep_request *rq = malloc(sizeof *rq);
    if (!rq || ep_request_build(ctx, EP_CATALOG, &get_json, vars, ep_shopper(ctx, 0), NULL, NULL,
                                rq, err, errlen) != 0) {
        if (!rq)
            snprintf(err, errlen, "out of memory");
        free(rq);
        return -1;
    }
    struct http_response r;
    int rc = -1;
    int got = http_get1(ctx, &rq->req, &r);
    free(rq);
    if (got != 0 || r.status != 200) {
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

/* 1 when one of endpoint ep's templates asks for a product id. */
static int needs_id(const struct target *t, enum endpoint ep)
{
    const struct endpoint_request *r = &t->requests[ep];
    int needs = t->endpoints[ep] && strstr(t->endpoints[ep], "{{id}}");
    needs |= r->body && strstr(r->body, "{{id}}") != NULL;
    for (size_t i = 0; i < r->headers.count; i++)
        needs |= strstr(r->headers.items[i].value, "{{id}}") != NULL;
    return needs;
}

int store_request(struct probe_ctx *ctx, enum endpoint ep, const struct store_values *in,
                  struct ep_request *out, char *err, size_t errlen)
{
    char id[128] = "";
    if (ctx->cfg->target.endpoints[ep] && needs_id(&ctx->cfg->target, ep) &&
        catalog_first_id(ctx, id, sizeof id, err, errlen) != 0)
        return -1;
    /* The pairs handed in first: a later pair of the same name wins, and the probe's own
     * follow. */
    const char *vars[2 * STORE_VALUES_MAX + 10];
    size_t n = 0;
    for (size_t i = 0; in && in->values && in->values[i] && n < 2 * STORE_VALUES_MAX; i += 2) {
        vars[n++] = in->values[i];
        vars[n++] = in->values[i + 1];
    }
    /* {{q}}: a search term that matches something in most catalogs. */
    vars[n++] = "id";
    vars[n++] = id;
    vars[n++] = "q";
    vars[n++] = "a";
    if (in && in->cart_id) {
        vars[n++] = "cart_id";
        vars[n++] = in->cart_id;
    }
    if (in && in->key) {
        vars[n++] = "key";
        vars[n++] = in->key;
    }
    vars[n] = NULL;
    const struct ep_defaults none = {0};
    return ep_request_build(ctx, ep, in && in->defaults ? in->defaults : &none, vars,
                            ep_shopper(ctx, in ? in->shopper : 0), in ? in->cookie : NULL,
                            in ? in->extra : NULL, out, err, errlen);
}

int store_endpoint_url(struct probe_ctx *ctx, enum endpoint ep, char *out, size_t len, char *err,
                       size_t errlen)
{
    struct ep_request *rq = malloc(sizeof *rq);
    if (!rq) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = store_request(ctx, ep, NULL, rq, err, errlen);
    if (rc == 0)
        snprintf(out, len, "%s", rq->url);
    free(rq);
    return rc;
}

int store_request_instead(struct probe_ctx *ctx, enum endpoint ep, const char *method,
                          const char *body, struct ep_request *out, char *err, size_t errlen)
{
    static const struct ep_defaults json = {"POST", "{}", "Accept: application/json"};
    const struct store_values in = {.defaults = &json};
    if (store_request(ctx, ep, &in, out, err, errlen))
        return -1;
    const char *own = out->req.method;
    out->req.method = method ? method : own && strcasecmp(own, "GET") != 0 ? own : "POST";
    out->req.body = body;
    return 0;
}

size_t store_fetch_pages(struct probe_ctx *ctx, const enum endpoint *eps, size_t n,
                         struct http_response *resps)
{
    static const struct ep_defaults page = {NULL, NULL, "Accept: text/html"};
    const struct store_values in = {.defaults = &page};
    struct http_request reqs[8];
    struct ep_request *rqs = malloc(8 * sizeof *rqs);
    size_t count = 0;
    for (size_t i = 0; rqs && i < n && count < 8; i++) {
        char err[300];
        if (store_request(ctx, eps[i], &in, &rqs[count], err, sizeof err)) {
            if (ctx->cfg->target.endpoints[eps[i]])
                probe_evidence(ctx, NULL, 0, "%s page not checked: %s", endpoint_names[eps[i]],
                               err);
            continue;
        }
        reqs[count] = rqs[count].req;
        reqs[count].follow = 3;
        count++;
    }
    http_run(ctx, reqs, resps, count, 0);
    free(rqs);
    return count;
}

static const struct ep_defaults cart_defaults = {"POST", "{}", "Accept: application/json"};

/* Send endpoint ep as built from in; resp is filled either way. 0, or -1 with err set when
 * the request could not be built (resp then holds that reason). */
static int send_endpoint(struct probe_ctx *ctx, enum endpoint ep, const struct store_values *in,
                         struct http_response *resp, char *err, size_t errlen)
{
    struct ep_request *rq = malloc(sizeof *rq);
    memset(resp, 0, sizeof *resp);
    if (!rq || store_request(ctx, ep, in, rq, err, errlen)) {
        if (!rq)
            snprintf(err, errlen, "out of memory");
        free(rq);
        return -1;
    }
    http_get1(ctx, &rq->req, resp);
    free(rq);
    return 0;
}

size_t store_add_to_cart(struct probe_ctx *ctx, size_t shopper, const char *cookie,
                         struct http_response *resps, char *cart_id, size_t idlen, char *err,
                         size_t errlen)
{
    cart_id[0] = '\0';
    struct store_values create = {.defaults = &cart_defaults, .cookie = cookie, .shopper = shopper};
    if (send_endpoint(ctx, EP_CART, &create, &resps[0], err, errlen))
        return 0;
    char why[700];
    if (!ep_answer_good(ctx, EP_CART, &resps[0], why, sizeof why)) {
        snprintf(err, errlen, "cart not created: %s", why);
        return 1;
    }
    if (store_answer_id(ctx, EP_CART, &resps[0], cart_id, idlen, why, sizeof why) != 0) {
        snprintf(err, errlen, "no item added: %s answered %d, a good answer, but %s",
                 resps[0].request_line, resps[0].status, why);
        return 1;
    }
    if (!ctx->cfg->target.endpoints[EP_CART_ITEMS]) {
        snprintf(err, errlen, "no cart_items endpoint in the config: no item added");
        return 1;
    }
    /* A product id for the default body, or for an own body that asks for {{id}}. */
    char id[128] = "";
    char catalog_err[300];
    const struct target *t = &ctx->cfg->target;
    if ((!t->requests[EP_CART_ITEMS].body || needs_id(t, EP_CART_ITEMS)) &&
        catalog_first_id(ctx, id, sizeof id, catalog_err, sizeof catalog_err) != 0) {
        snprintf(err, errlen, "no item added: %s", catalog_err);
        return 1;
    }
    /* The body shape most cart APIs take, unless the endpoint gives its own. */
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
    const struct ep_defaults add_defaults = {"POST", body, "Accept: application/json"};
    struct store_values add = {
        .defaults = &add_defaults, .cart_id = cart_id, .cookie = cookie2, .shopper = shopper};
    if (send_endpoint(ctx, EP_CART_ITEMS, &add, &resps[1], err, errlen))
        return 1;
    if (!ep_answer_good(ctx, EP_CART_ITEMS, &resps[1], why, sizeof why))
        snprintf(err, errlen, "no item added: %s", why);
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
