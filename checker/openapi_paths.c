#include "checker/openapi_paths.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/url.h"

enum { MAX_SEGMENTS = 32 };

/* A path split at '/': segments point into a copy, so "{id}" stays recognisable. */
struct segments {
    char buf[OPENAPI_PATH_MAX];
    const char *seg[MAX_SEGMENTS];
    size_t n;
};

static int path_char(char c)
{
    return isalnum((unsigned char)c) || strchr("-._~/", c) != NULL;
}

static int is_template(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || s[0] != '{' || s[n - 1] != '}')
        return 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (!path_char(s[i]) || s[i] == '/')
            return 0;
    return 1;
}

/* Split a path that starts with '/' and holds URL path characters and {templates} only. */
static int split(const char *path, struct segments *s)
{
    size_t len = strlen(path);
    if (path[0] != '/' || len >= sizeof s->buf)
        return -1;
    memcpy(s->buf, path, len + 1);
    s->n = 0;
    for (char *p = s->buf + 1; *p;) {
        if (s->n == MAX_SEGMENTS)
            return -1;
        char *end = strchr(p, '/');
        if (end)
            *end = '\0';
        for (const char *c = p; *c; c++)
            if (!path_char(*c) && !is_template(p))
                return -1;
        s->seg[s->n++] = p;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* Segment i from the end (0: the last), or "". */
static const char *from_end(const struct segments *s, size_t i)
{
    return i < s->n ? s->seg[s->n - 1 - i] : "";
}

static int one_of(const char *seg, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(seg, *names) == 0)
            return 1;
    return 0;
}

/* The number of {template} segments. */
static size_t templates(const struct segments *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += is_template(s->seg[i]);
    return n;
}

static const char *const product_names[] = {"products", "product", NULL};
static const char *const cart_names[] = {"carts", "cart", NULL};

/* The endpoint a GET or POST on this path is, and which {template} (0 from the end) becomes
 * which storecheck variable; EP_COUNT when it is none storecheck knows. */
static enum endpoint classify(const struct segments *s, int post, const char **var)
{
    static const char *const item_names[] = {"items", "line-items", "line_items", "lines", NULL};
    static const char *const checkout_names[] = {"checkout", "checkouts", NULL};
    static const char *const login_names[] = {"login", "signin", "sign-in", "sign_in", NULL};
    static const char *const health_names[] = {"health", "healthz", "livez", "live", "liveness",
                                               NULL};
    static const char *const ready_names[] = {"ready", "readyz", "readiness", NULL};
    static const char *const search_names[] = {"search", NULL};
    static const char *const metrics_names[] = {"metrics", NULL};
    const char *last = from_end(s, 0), *prev = from_end(s, 1);
    size_t t = templates(s);
    *var = NULL;
    if (post) {
        if (t == 1 && one_of(last, item_names) && is_template(prev) &&
            one_of(from_end(s, 2), cart_names)) {
            *var = "cart_id";
            return EP_CART_ITEMS;
        }
        if (t)
            return EP_COUNT;
        if (one_of(last, cart_names))
            return EP_CART;
        if (one_of(last, checkout_names))
            return EP_CHECKOUT;
        return one_of(last, login_names) ? EP_LOGIN : EP_COUNT;
    }
    if (t == 1 && is_template(last) && one_of(prev, product_names)) {
        *var = "id";
        return EP_PRODUCT;
    }
    if (t)
        return EP_COUNT;
    if (one_of(last, product_names))
        return EP_CATALOG;
    if (one_of(last, search_names))
        return EP_SEARCH;
    if (one_of(last, ready_names))
        return EP_READINESS;
    if (one_of(last, health_names))
        return EP_HEALTH;
    return one_of(last, metrics_names) ? EP_METRICS : EP_COUNT;
}

/* The name of the search's query parameter: the first required one, else the first. */
static const char *query_param(const cJSON *path_item, const cJSON *op)
{
    const char *first = NULL;
    const cJSON *lists[] = {cJSON_GetObjectItemCaseSensitive(op, "parameters"),
                            cJSON_GetObjectItemCaseSensitive(path_item, "parameters")};
    for (size_t l = 0; l < 2; l++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, lists[l]) {
            const cJSON *in = cJSON_GetObjectItemCaseSensitive(p, "in");
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
            if (!cJSON_IsString(in) || strcmp(in->valuestring, "query") != 0 ||
                !cJSON_IsString(name) || !name->valuestring[0] ||
                strspn(name->valuestring,
                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") !=
                    strlen(name->valuestring))
                continue;
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "required")))
                return name->valuestring;
            if (!first)
                first = name->valuestring;
        }
    }
    return first;
}

/* prefix + the path with its {template} segment replaced by {{var}}, and ?param={{q}} for a
 * search; 0, or -1 when it would not fit. */
static int render(char *out, const char *prefix, const struct segments *s, const char *var,
                  const char *param)
{
    size_t used = (size_t)snprintf(out, OPENAPI_PATH_MAX, "%s", prefix);
    for (size_t i = 0; i < s->n && used < OPENAPI_PATH_MAX; i++) {
        int tpl = var && is_template(s->seg[i]);
        used += (size_t)snprintf(out + used, OPENAPI_PATH_MAX - used, tpl ? "/{{%s}}" : "/%s",
                                 tpl ? var : s->seg[i]);
    }
    if (s->n == 0 && used < OPENAPI_PATH_MAX)
        used += (size_t)snprintf(out + used, OPENAPI_PATH_MAX - used, "/");
    if (param && used < OPENAPI_PATH_MAX)
        used += (size_t)snprintf(out + used, OPENAPI_PATH_MAX - used, "?%s={{q}}", param);
    if (used >= OPENAPI_PATH_MAX) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* Where the paths hang: the path of servers[0].url (3.x) or basePath (2.0), without a
 * trailing '/'; "" when there is none or it is not a plain path. */
static void base_path(const cJSON *doc, char *out, size_t len)
{
    out[0] = '\0';
    const cJSON *servers = cJSON_GetObjectItemCaseSensitive(doc, "servers");
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(servers, 0), "url");
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(doc, "basePath");
    const char *p = cJSON_IsString(url) ? url->valuestring
                    : cJSON_IsString(base) ? base->valuestring
                                           : NULL;
    struct url u;
    char err[128];
    if (p && p[0] != '/' && url_parse(p, &u, err, sizeof err) == 0)
        p = u.path;
    struct segments s;
    if (!p || split(p, &s) != 0 || templates(&s) || strchr(p, '?'))
        return;
    snprintf(out, len, "%s", p);
    size_t n = strlen(out);
    while (n && out[n - 1] == '/')
        out[--n] = '\0';
}

static int is_openapi(const cJSON *doc)
{
    const cJSON *v3 = cJSON_GetObjectItemCaseSensitive(doc, "openapi");
    const cJSON *v2 = cJSON_GetObjectItemCaseSensitive(doc, "swagger");
    return (cJSON_IsString(v3) && strncmp(v3->valuestring, "3.", 2) == 0) ||
           (cJSON_IsString(v2) && strcmp(v2->valuestring, "2.0") == 0);
}

int openapi_paths_read(const char *text, size_t len, struct openapi_paths *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len > OPENAPI_MAX_BYTES) {
        snprintf(err, errlen, "larger than %d bytes", OPENAPI_MAX_BYTES);
        return -1;
    }
    cJSON *doc = cJSON_ParseWithLength(text, len);
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
    if (!cJSON_IsObject(doc) || !is_openapi(doc) || !cJSON_IsObject(paths)) {
        snprintf(err, errlen, "%s", doc ? "JSON, but no OpenAPI 3 or Swagger 2.0 document"
                                        : "not JSON");
        cJSON_Delete(doc);
        return -1;
    }
    char prefix[OPENAPI_PATH_MAX];
    base_path(doc, prefix, sizeof prefix);
    size_t seen = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, paths) {
        struct segments s;
        if (seen++ == OPENAPI_MAX_PATHS)
            break;
        if (!cJSON_IsObject(item) || split(item->string, &s) != 0)
            continue;
        for (int post = 0; post < 2; post++) {
            const cJSON *op = cJSON_GetObjectItemCaseSensitive(item, post ? "post" : "get");
            const char *var;
            enum endpoint ep = classify(&s, post, &var);
            if (!cJSON_IsObject(op) || ep == EP_COUNT || out->paths[ep][0] ||
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(op, "deprecated")))
                continue;
            render(out->paths[ep], prefix, &s, var, ep == EP_SEARCH ? query_param(item, op) : NULL);
        }
    }
    cJSON_Delete(doc);
    return 0;
}
