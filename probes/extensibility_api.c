/* E group, the API's contract: an OpenAPI document that lists the configured endpoints, and
 * error bodies in RFC 9457 problem+json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "probes/answer_fit.h"
#include "probes/api_answers.h"
#include "probes/api_path.h"
#include "probes/catalog.h"
#include "probes/gql_conventions.h"
#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/problem.h"
#include "probes/store.h"

/* Does a configured path ("/api/v1/carts/{{cart_id}}/items?x=1") match an OpenAPI path
 * ("/carts/{id}/items") under the server prefix ("/api/v1")? A {{var}} segment matches any
 * {param} segment; a {param} segment matches any segment. */
static int path_matches(const char *cfg_path, const char *prefix, const char *spec)
{
    size_t plen = strlen(prefix);
    while (plen && prefix[plen - 1] == '/')
        plen--;
    if (strncmp(cfg_path, prefix, plen) != 0)
        return 0;
    const char *c = cfg_path + plen, *s = spec;
    size_t cend = strcspn(c, "?");
    const char *ce = c + cend;
    while (c < ce && *s) {
        if (*c != '/' || *s != '/')
            return 0;
        c++, s++;
        size_t cn = strcspn(c, "/?"), sn = strcspn(s, "/");
        if (c + cn > ce)
            cn = (size_t)(ce - c);
        int ctpl = cn >= 4 && c[0] == '{' && c[1] == '{';
        int stpl = sn >= 2 && s[0] == '{' && s[sn - 1] == '}';
        if (!stpl && (ctpl || cn != sn || strncmp(c, s, cn) != 0))
            return 0;
        c += cn;
        s += sn;
    }
    while (c < ce && *c == '/')
        c++;
    return c == ce && (*s == '\0' || strcmp(s, "/") == 0);
}

/* The path part of each servers[].url, "" for none or a bare origin. */
static size_t server_prefixes(const cJSON *doc, const char *out[8])
{
    size_t n = 0;
    const cJSON *servers = cJSON_GetObjectItemCaseSensitive(doc, "servers"), *sv;
    cJSON_ArrayForEach(sv, servers)
    {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(sv, "url");
        if (!cJSON_IsString(u) || n == 7)
            continue;
        const char *p = u->valuestring, *scheme = strstr(p, "://");
        if (scheme)
            p = strchr(scheme + 3, '/') ? strchr(scheme + 3, '/') : "";
        out[n++] = p;
    }
    out[n++] = "";
    return n;
}

static int listed(const cJSON *paths, const char *const *prefixes, size_t np, const char *path)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, paths)
    {
        for (size_t i = 0; i < np; i++)
            if (path_matches(path, prefixes[i], p->string))
                return 1;
    }
    return 0;
}

static void run_openapi(struct probe_ctx *ctx)
{
    const struct target *t = &ctx->cfg->target;
    char url[1024], err[300];
    if (store_endpoint_url(ctx, EP_OPENAPI, url, sizeof url, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_SKIP, "no OpenAPI document to read: set target.endpoints.openapi");
        return;
    }
    struct http_request req = {
        .url = url, .headers = {"Accept: application/json"}, .max_body = 8 << 20};
    struct http_response r;
    http_get1(ctx, &req, &r);
    cJSON *doc = r.status == 200 ? cJSON_Parse(r.body) : NULL;
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "openapi");
    if (!version)
        version = cJSON_GetObjectItemCaseSensitive(doc, "swagger");
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
    if (!r.status) {
        http_evidence(ctx, &r, NULL);
        probe_set(ctx, PROBE_ERROR, "no answer: %s", r.error);
    } else if (answer_fit_skip(ctx, &r, "openapi")) {
    } else if (r.status != 200) {
        http_evidence(ctx, &r, "no document");
        probe_set(ctx, PROBE_FAIL, "the OpenAPI document answered %d", r.status);
    } else if (!doc) {
        http_evidence(ctx, &r, "not JSON: %.80s", r.body);
        probe_set(ctx, PROBE_FAIL, "the OpenAPI document is not JSON (YAML is not read)");
    } else if (!cJSON_IsString(version) || !cJSON_IsObject(paths)) {
        http_evidence(ctx, &r, "no \"openapi\" version string or no \"paths\" object");
        probe_set(ctx, PROBE_FAIL, "the document is JSON but not an OpenAPI description");
    } else {
        static const enum endpoint api[] = {EP_CATALOG, EP_PRODUCT,       EP_SEARCH,
                                            EP_CART,    EP_CART_ITEMS,    EP_CHECKOUT,
                                            EP_LOGIN,   EP_WEBHOOK_INTAKE};
        const char *prefixes[8];
        size_t np = server_prefixes(doc, prefixes);
        int checked = 0, missing = 0;
        char first[300] = "";
        for (size_t i = 0; i <= sizeof api / sizeof *api; i++) {
            const char *path =
                i < sizeof api / sizeof *api ? t->endpoints[api[i]] : t->webhooks.subscribe;
            const char *name =
                i < sizeof api / sizeof *api ? endpoint_names[api[i]] : "webhooks.subscribe";
            if (!path || strncmp(path, "http", 4) == 0)
                continue;
            checked++;
            if (!listed(paths, prefixes, np, path)) {
                missing++;
                probe_evidence(ctx, r.request_line, 200, "%s %s is not in \"paths\"", name, path);
                if (!first[0])
                    snprintf(first, sizeof first, "%s (%s)", path, name);
            }
        }
        http_evidence(ctx, &r, "OpenAPI %s, %d paths; %d of %d configured API paths listed",
                      version->valuestring, cJSON_GetArraySize(paths), checked - missing, checked);
        if (missing)
            probe_set(ctx, PROBE_FAIL,
                      "%d configured API path%s missing from the OpenAPI "
                      "document, e.g. %s",
                      missing, missing == 1 ? " is" : "s are", first);
        else
            probe_set(ctx, PROBE_PASS, "OpenAPI %s document lists all %d configured API paths",
                      version->valuestring, checked);
    }
    cJSON_Delete(doc);
    http_response_free(&r);
}

static void run_problem_json(struct probe_ctx *ctx)
{
    if (ctx->cfg->target.graphql.path) {
        gql_conventions_errors(ctx);
        return;
    }
    const char *cat = ctx->cfg->target.endpoints[EP_CATALOG];
    char prefix[512], missing[600], bad_page[1100], hex[17];
    /* Three wrong requests, each the catalog's own (its headers, the shopper's values): at a
     * missing path, with a method no API serves, with page parameters that are no numbers. */
    static const enum endpoint catalog_ep[] = {EP_CATALOG};
    enum endpoint got[1];
    struct http_request reqs[3];
    struct ep_request *rq = malloc(sizeof *rq);
    if (!cat || !rq || api_requests(ctx, catalog_ep, 1, NULL, got, rq, reqs) == 0) {
        free(rq);
        probe_set(ctx, PROBE_SKIP,
                  "no API to find: set target.endpoints.catalog (or target.graphql.path for a "
                  "GraphQL API)");
        return;
    }
    const char *catalog = rq->url;
    nonce_hex(hex, 8);
    api_path_prefix(cat, prefix, sizeof prefix);
    snprintf(missing, sizeof missing, "%sstorecheck-missing-%s", prefix, hex);
    snprintf(bad_page, sizeof bad_page, "%s%spage=-1&per_page=not-a-number", catalog,
             strchr(catalog, '?') ? "&" : "?");
    reqs[1] = reqs[2] = reqs[0];
    reqs[0].url = missing;
    reqs[1].method = "TRACE";
    reqs[1].body = NULL;
    reqs[2].url = bad_page;
    struct http_response resps[3];
    http_run(ctx, reqs, resps, 3, 0);
    free(rq);
    int errors = 0, bad = 0;
    char first[300] = "";
    for (size_t i = 0; i < 3; i++) {
        struct http_response *r = &resps[i];
        char why[200];
        /* Only error answers are judged: a store may accept the odd page parameter. */
        if (r->status >= 400) {
            errors++;
            if (problem_check(r, why, sizeof why) != 0) {
                bad++;
                if (!first[0])
                    snprintf(first, sizeof first, "%d: %s", r->status, why);
            }
            http_evidence(ctx, r, "%s", why);
        } else {
            http_evidence(ctx, r, "not an error answer: not judged");
        }
        http_response_free(r);
    }
    if (!errors)
        probe_set(ctx, PROBE_ERROR, "no API error answer to judge");
    else if (bad)
        probe_set(ctx, PROBE_FAIL, "%d of %d API errors are not RFC 9457 problem+json (%s)", bad,
                  errors, first);
    else
        probe_set(ctx, PROBE_PASS, "%d API errors in valid problem+json", errors);
}

const struct probe probe_e_openapi = {
    .id = "E-OPENAPI",
    .group = GROUP_E,
    .title = "An OpenAPI document describes the configured API",
    .severity = SEV_LOW,
    .rationale = "Partners, apps and the store's own front end generate clients and tests "
                 "from the API description; an outdated one breaks them quietly.",
    .remediation = "Publish the OpenAPI document from the code (or check it in CI) so every "
                   "route is listed.",
    .references = "https://spec.openapis.org/oas/v3.1.0",
    .run = run_openapi,
};

const struct probe probe_e_problem_json = {
    .id = "E-PROBLEM-JSON",
    .group = GROUP_E,
    .title = "API errors are RFC 9457 problem+json",
    .severity = SEV_LOW,
    .rationale = "Clients handle errors by their machine-readable type and status; HTML or "
                 "plain-text errors from an API end up as 'unexpected token <' in the app.",
    .remediation = "Answer every API error with application/problem+json: type, title, status "
                   "(equal to the HTTP status), detail.",
    .references = "https://www.rfc-editor.org/rfc/rfc9457",
    .run = run_problem_json,
};
