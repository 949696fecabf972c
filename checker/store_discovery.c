#include "checker/store_discovery.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/probe.h"
#include "probes/prometheus.h"

enum {
    DISCOVERY_DEADLINE_MS = 60000, /* the whole look, whatever the per-request timeout */
    HOME_REDIRECTS = 3,            /* same-host hops followed from the URL given */
    PARALLEL = 4,                  /* requests in flight at once */
    PAGE_BYTES = 256 << 10,        /* enough of an HTML page to see what it is */
};

/* What a GET candidate may turn out to be. */
enum kind { K_HEALTH, K_READY, K_METRICS, K_OPENAPI, K_CATALOG };

struct candidate {
    const char *path;
    enum kind kind;
};

/* Common places, most likely first: the first that answers as its kind wins. */
static const struct candidate get_candidates[] = {
    {"/healthz", K_HEALTH},
    {"/health", K_HEALTH},
    {"/health/live", K_HEALTH},
    {"/livez", K_HEALTH},
    {"/api/health", K_HEALTH},
    {"/readyz", K_READY},
    {"/ready", K_READY},
    {"/health/ready", K_READY},
    {"/metrics", K_METRICS},
    {"/openapi.json", K_OPENAPI},
    {"/openapi.yaml", K_OPENAPI},
    {"/swagger.json", K_OPENAPI},
    {"/v3/api-docs", K_OPENAPI},
    {"/api-docs", K_OPENAPI},
    {"/api/openapi.json", K_OPENAPI},
    {"/.well-known/openapi.json", K_OPENAPI},
    {"/api/v1/products", K_CATALOG},
    {"/api/products", K_CATALOG},
    {"/products", K_CATALOG},
    {"/store/products", K_CATALOG},
    {"/api/v2/products", K_CATALOG},
    {"/v1/products", K_CATALOG},
};
enum { GET_CANDIDATES = sizeof get_candidates / sizeof get_candidates[0] };

static const char *const graphql_candidates[] = {
    "/graphql", "/graphql/", "/api/graphql", "/shop-api", "/graphql/v1", "/v1/graphql", "/query",
};
enum { GRAPHQL_CANDIDATES = sizeof graphql_candidates / sizeof graphql_candidates[0] };

/* Home (with its redirects), the baseline, every candidate once (their redirects are not
 * followed): within the bound by construction. */
_Static_assert(1 + HOME_REDIRECTS + 1 + GET_CANDIDATES + GRAPHQL_CANDIDATES <=
                   DISCOVERY_MAX_REQUESTS,
               "store discovery sends more requests than it promises");

static const enum endpoint kind_endpoint[] = {
    [K_HEALTH] = EP_HEALTH, [K_READY] = EP_READINESS, [K_METRICS] = EP_METRICS,
    [K_OPENAPI] = EP_OPENAPI, [K_CATALOG] = EP_CATALOG,
};

/* The client's context: a config allowing the URL's host alone. */
struct look {
    struct config cfg;
    const char *allowed[1];
    struct probe_result result;
    atomic_int cancelled;
    struct probe_ctx ctx;
    struct discovery *d;
    char baseline_path[64];        /* a path no store has ... */
    struct http_response baseline; /* ... and its answer, for answers given to any path */
};

static void note(struct discovery *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct discovery *d, const char *fmt, ...)
{
    if (d->note_count == DISCOVERY_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->notes[d->note_count++], DISCOVERY_NOTE_MAX, fmt, ap);
    va_end(ap);
}

static void set_base(struct look *k, const struct url *u)
{
    k->d->base = *u;
    k->cfg.target.base = *u;
    k->allowed[0] = k->d->base.host;
}

static size_t send_all(struct look *k, const struct http_request *reqs, struct http_response *resps,
                   size_t n)
{
    memset(resps, 0, n * sizeof *resps);
    k->d->requests += n;
    return http_run(&k->ctx, reqs, resps, n, PARALLEL);
}

/* 1 if the Content-Type's media type is type, or (type "+json") ends in +json. */
static int media_is(const struct http_response *r, const char *type)
{
    const char *ct = http_header(r, "content-type");
    if (!ct)
        return 0;
    size_t n = strcspn(ct, "; \t");
    size_t tn = strlen(type);
    if (type[0] == '+')
        return n > tn && strncasecmp(ct + n - tn, type, tn) == 0;
    return n == tn && strncasecmp(ct, type, n) == 0;
}

static int is_json(const struct http_response *r)
{
    return media_is(r, "application/json") || media_is(r, "+json");
}

static int ok(const struct http_response *r)
{
    return r->status >= 200 && r->status < 300;
}

/* 1 when the store answers a path nobody has as it answered r: then r proves nothing. */
static int like_any_path(const struct look *k, const struct http_response *r)
{
    const struct http_response *b = &k->baseline;
    const char *bt = http_header(b, "content-type"), *rt = http_header(r, "content-type");
    return b->status == r->status &&
           (bt && rt ? strcasecmp(bt, rt) == 0 : bt == NULL && rt == NULL);
}

/* Where a redirect's Location leads from url: an absolute URL, or a path on url's origin.
 * -1 for any other form (not followed). */
static int redirect_target(const struct url *from, const char *location, struct url *to)
{
    char abs[URL_PATH_MAX + URL_HOST_MAX + 32], why[128];
    if (location[0] == '/' && location[1] != '/') {
        url_origin(from, abs, sizeof abs);
        size_t n = strlen(abs);
        snprintf(abs + n, sizeof abs - n, "%s", location);
    } else {
        snprintf(abs, sizeof abs, "%s", location);
    }
    return url_parse(abs, to, why, sizeof why);
}

/* The home page, from the URL given: redirects on the same host are followed one by one (to
 * HTTPS among them) and the address where they end is the store's. */
static int look_home(struct look *k, const char *given, char *err, size_t errlen)
{
    struct discovery *d = k->d;
    const char *headers[] = {"Accept: text/html,application/json;q=0.9,*/*;q=0.8", NULL};
    struct http_request req = {.url = given, .max_body = PAGE_BYTES, .truncate_ok = 1};
    memcpy(req.headers, headers, sizeof headers);
    char url[sizeof d->http_url];
    struct http_response r;
    for (int hop = 0;; hop++) {
        memset(&r, 0, sizeof r);
        d->requests++;
        if (http_get1(&k->ctx, &req, &r) != 0) {
            snprintf(err, errlen, "%s gave no HTTP answer: %s", r.url, r.error);
            http_response_free(&r);
            return -1;
        }
        const char *location = http_header(&r, "location");
        struct url next;
        if (r.status < 300 || r.status >= 400 || !location || hop == HOME_REDIRECTS)
            break;
        if (redirect_target(&d->base, location, &next) != 0 ||
            strcasecmp(next.host, d->base.host) != 0) {
            note(d, "GET %s answered %d, a redirect to another host or an address init cannot "
                    "follow: not followed",
                 d->base.path, r.status);
            break;
        }
        if (!d->base.tls && next.tls)
            snprintf(d->http_url, sizeof d->http_url, "%s", given);
        set_base(k, &next);
        char origin[URL_HOST_MAX + 32];
        url_origin(&next, origin, sizeof origin);
        snprintf(url, sizeof url, "%s%s", origin, next.path);
        req.url = url;
        http_response_free(&r);
    }
    d->unverified = r.unverified;
    /* The client would retry each request without verification: once is enough to know. */
    k->cfg.target.insecure = r.unverified;
    const char *type = http_header(&r, "content-type");
    if (ok(&r) && media_is(&r, "text/html"))
        snprintf(d->endpoints[EP_HOME], sizeof d->endpoints[EP_HOME], "%s", d->base.path);
    else
        note(d, "GET %s answered %d%s%s: not an HTML home page", d->base.path, r.status,
             type ? ", " : "", type ? type : "");
    http_response_free(&r);
    return 0;
}

/* A JSON answer holding a list: the root, or a member of the root object. */
static int json_list(const struct http_response *r)
{
    cJSON *doc = cJSON_ParseWithLength(r->body, r->body_len);
    int found = cJSON_IsArray(doc);
    const cJSON *m;
    if (cJSON_IsObject(doc))
        cJSON_ArrayForEach(m, doc) found |= cJSON_IsArray(m);
    cJSON_Delete(doc);
    return found;
}

/* A YAML document whose top level has an openapi: or swagger: key. */
static int yaml_openapi(const struct http_response *r)
{
    if (!media_is(r, "application/yaml") && !media_is(r, "application/x-yaml") &&
        !media_is(r, "text/yaml") && !media_is(r, "application/vnd.oai.openapi"))
        return 0;
    for (const char *line = r->body; line; line = strchr(line, '\n'), line = line ? line + 1 : 0)
        if (strncmp(line, "openapi:", 8) == 0 || strncmp(line, "swagger:", 8) == 0)
            return 1;
    return 0;
}

/* Whether a GET answer is a candidate's kind; an OpenAPI document's paths go to api. */
static int recognise(const struct candidate *c, const struct http_response *r,
                     struct openapi_paths *api, int *yaml)
{
    struct prom_stats st;
    char why[200];
    switch (c->kind) {
    case K_HEALTH:
    case K_READY:
        return ok(r) && !media_is(r, "text/html");
    case K_METRICS:
        return ok(r) && prom_parse(r->body, r->body_len, &st, why, sizeof why) == 0 &&
               st.samples > 0;
    case K_OPENAPI:
        *yaml = ok(r) && yaml_openapi(r);
        return ok(r) && !*yaml && openapi_paths_read(r->body, r->body_len, api, why, sizeof why) == 0;
    case K_CATALOG:
        return ok(r) && is_json(r) && json_list(r);
    }
    return 0;
}

static void look_paths(struct look *k, struct openapi_paths *api)
{
    struct discovery *d = k->d;
    struct http_request reqs[GET_CANDIDATES];
    struct http_response resps[GET_CANDIDATES];
    for (size_t i = 0; i < GET_CANDIDATES; i++)
        reqs[i] = (struct http_request){
            .url = get_candidates[i].path,
            .max_body = get_candidates[i].kind == K_OPENAPI ? OPENAPI_MAX_BYTES : 0,
            .headers = {"Accept: application/json, text/plain;q=0.9, */*;q=0.8"},
        };
    send_all(k, reqs, resps, GET_CANDIDATES);
    int any_path_ok = ok(&k->baseline);
    for (size_t i = 0; i < GET_CANDIDATES; i++) {
        const struct candidate *c = &get_candidates[i];
        const struct http_response *r = &resps[i];
        enum endpoint ep = kind_endpoint[c->kind];
        int yaml = 0;
        if (d->endpoints[ep][0])
            continue;
        if (any_path_ok && like_any_path(k, r))
            continue;
        if (recognise(c, r, api, &yaml)) {
            snprintf(d->endpoints[ep], sizeof d->endpoints[ep], "%s", c->path);
            d->source[ep] = FOUND_ANSWER;
        } else if (yaml && !d->openapi_yaml[0]) {
            snprintf(d->openapi_yaml, sizeof d->openapi_yaml, "%s", c->path);
        } else if ((r->status == 400 || r->status == 401 || r->status == 403) &&
                   !like_any_path(k, r)) {
            note(d, "GET %s answered %d: if the store wants a key or credentials there, "
                    "set them in target.headers and run init again",
                 c->path, r->status);
        }
    }
    if (any_path_ok)
        note(d, "GET %s (a path no store has) answered %d: answers like it were not taken "
                "as endpoints",
             k->baseline_path, k->baseline.status);
    for (size_t i = 0; i < GET_CANDIDATES; i++)
        http_response_free(&resps[i]);
}

/* A GraphQL answer to {__typename}: data.__typename, or an errors list of messages (the
 * GraphQL over HTTP answer to a request it refuses, with 200 or 400). */
static int graphql_answer(const struct http_response *r)
{
    if (!is_json(r) && !media_is(r, "application/graphql-response+json"))
        return 0;
    cJSON *doc = cJSON_ParseWithLength(r->body, r->body_len);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
    const cJSON *first = cJSON_GetArrayItem(errors, 0);
    int yes = (ok(r) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(data, "__typename"))) ||
              ((r->status == 200 || r->status == 400) && cJSON_IsArray(errors) &&
               cJSON_IsString(cJSON_GetObjectItemCaseSensitive(first, "message")) &&
               (!data || cJSON_IsNull(data) || cJSON_IsObject(data)));
    cJSON_Delete(doc);
    return yes;
}

static void look_graphql(struct look *k)
{
    struct http_request reqs[GRAPHQL_CANDIDATES];
    struct http_response resps[GRAPHQL_CANDIDATES];
    for (size_t i = 0; i < GRAPHQL_CANDIDATES; i++)
        reqs[i] = (struct http_request){
            .method = "POST",
            .url = graphql_candidates[i],
            .body = "{\"query\":\"{__typename}\"}",
            .headers = {"Content-Type: application/json",
                        "Accept: application/graphql-response+json, application/json"},
        };
    send_all(k, reqs, resps, GRAPHQL_CANDIDATES);
    for (size_t i = 0; i < GRAPHQL_CANDIDATES; i++) {
        if (!k->d->graphql[0] && graphql_answer(&resps[i]))
            snprintf(k->d->graphql, sizeof k->d->graphql, "%s", graphql_candidates[i]);
        http_response_free(&resps[i]);
    }
}

/* Endpoints the answers did not show, as the OpenAPI document names them. */
static void take_openapi(struct discovery *d, const struct openapi_paths *api)
{
    for (int ep = 0; ep < EP_COUNT; ep++)
        if (!d->endpoints[ep][0] && api->paths[ep][0]) {
            snprintf(d->endpoints[ep], sizeof d->endpoints[ep], "%s", api->paths[ep]);
            d->source[ep] = FOUND_OPENAPI;
        }
}

int store_discover(const struct discovery_options *o, struct discovery *d, char *err,
                   size_t errlen)
{
    memset(d, 0, sizeof *d);
    struct url given;
    char why[128];
    if (url_parse(o->url, &given, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    struct look k;
    memset(&k, 0, sizeof k);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    config_init(&k.cfg);
    arena_init(&k.result.arena);
    k.d = d;
    set_base(&k, &given);
    k.cfg.target.base_url = o->url;
    k.cfg.target.allowed_hosts = (struct strv){k.allowed, 1};
    k.cfg.target.ca_file = o->ca_file;
    k.cfg.target.timeout_ms = o->timeout_ms;
    k.cfg.audit.max_connections_per_host = PARALLEL;
    k.ctx = (struct probe_ctx){.cfg = &k.cfg, .result = &k.result,
                               .deadline_ms = probe_now_ms() + DISCOVERY_DEADLINE_MS,
                               .cancelled = &k.cancelled};
    int rc = look_home(&k, o->url, err, errlen);
    if (rc == 0) {
        char nonce[17];
        nonce_hex(nonce, 8);
        snprintf(k.baseline_path, sizeof k.baseline_path, "/storecheck-no-such-path-%s", nonce);
        struct http_request base = {.url = k.baseline_path};
        send_all(&k, &base, &k.baseline, 1);
        struct openapi_paths api;
        memset(&api, 0, sizeof api);
        look_paths(&k, &api);
        look_graphql(&k);
        take_openapi(d, &api);
        http_response_free(&k.baseline);
    }
    arena_free(&k.result.arena);
    config_free(&k.cfg);
    return rc;
}
