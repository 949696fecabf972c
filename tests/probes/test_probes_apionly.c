/*
 * Probes against API-only stores: no HTML page, a home that answers JSON, and a catalog,
 * product, search, health and cart API. A good store (nosniff, request ids, gzip, a cacheable
 * catalog with an ETag, clean problem+json errors) passes what applies to it; a broken one
 * (none of that, and an internal source path in the answer to malformed JSON) gets those
 * findings; the page-only header checks skip and name the keys that would make them apply.
 * GraphQL stores are judged by GraphQL's conventions, never failed for lacking REST's.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "probes/answer_fit.h"
#include "probes/leaks.h"
#include "tests/probes/support.h"
#include "tests/support/check.h"

/* How the test store behaves. */
struct api_store {
    int good;    /* the headers, caching, compression and error answers a store should give */
    int graphql; /* a GraphQL API at /graphql beside a REST catalog without REST conventions */
    int introspection; /* GraphQL: introspection answered */
    int codes;         /* GraphQL: errors carry extensions.code */
    int sloppy;        /* GraphQL: a deprecated field without a reason, a list without paging */
};

enum { CATALOG_ITEMS = 40 };

/* A catalog page well over a kilobyte: the list compression is judged on. */
static size_t catalog_json(char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "{\"items\":[");
    for (int i = 1; i <= CATALOG_ITEMS && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n,
                              "%s{\"id\":%d,\"name\":\"Product number %d\",\"price_cents\":%d}",
                              i > 1 ? "," : "", i, i, 100 * i);
    n += (size_t)snprintf(out + n, cap - n, "],\"next\":\"/api/products?page=2\"}");
    return n;
}

/* body gzip-compressed into out; its length, or 0 when it does not fit. */
static size_t gzip_into(const char *body, size_t len, char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)body;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? n : 0;
}

/* An answer: status line, the store's own headers, extra headers, and the body. */
static size_t reply(const struct sup_request *req, const struct api_store *s, char *out, size_t cap,
                    int status, const char *type, const char *extra, const char *body, size_t len,
                    int compressible)
{
    char common[256] = "", rid[128] = "", accept[128] = "";
    if (s->good) {
        if (sup_request_header(req, "X-Request-Id", rid, sizeof rid) != 0)
            snprintf(rid, sizeof rid, "api-%d", status);
        snprintf(common, sizeof common, "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n",
                 rid);
    }
    char gz[65536];
    int gzip = s->good && compressible && status == 200 &&
               sup_request_header(req, "Accept-Encoding", accept, sizeof accept) == 0 &&
               strstr(accept, "gzip");
    if (gzip && (len = gzip_into(body, len, gz, sizeof gz)) > 0)
        body = gz;
    else
        gzip = 0;
    int n = snprintf(out, cap,
                     "HTTP/1.1 %d Test\r\nContent-Type: %s\r\n%s%s%sContent-Length: %zu\r\n\r\n",
                     status, type, common, extra ? extra : "",
                     gzip ? "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n" : "", len);
    if (n < 0 || (size_t)n + len > cap)
        return 0;
    memcpy(out + n, body, len);
    return (size_t)n + len;
}

static size_t reply_text(const struct sup_request *req, const struct api_store *s, char *out,
                         size_t cap, int status, const char *type, const char *extra,
                         const char *body)
{
    return reply(req, s, out, cap, status, type, extra, body, strlen(body), 1);
}

/* An error answer: problem+json from a good store, bare JSON from the others. */
static size_t reply_error(const struct sup_request *req, const struct api_store *s, char *out,
                          size_t cap, int status, const char *title, const char *bad_body)
{
    char body[256];
    if (!s->good)
        return reply_text(req, s, out, cap, status, "application/json", NULL, bad_body);
    snprintf(body, sizeof body, "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d}", title,
             status);
    return reply_text(req, s, out, cap, status, "application/problem+json", NULL, body);
}

/* The schema a GraphQL store shows through introspection: a connection with pageInfo, a list
 * with a limit argument and a field retired with a reason; the sloppy one retires a field
 * without a reason and lists without paging. Deprecated fields come only with
 * includeDeprecated, as GraphQL servers give them. */
static const char *schema_json(const struct api_store *s, int deprecated)
{
    static char buf[4096];
    const char *retired =
        !deprecated ? ""
        : s->sloppy ? ",{\"name\":\"oldPrice\",\"isDeprecated\":true,\"deprecationReason\":null}"
                    : ",{\"name\":\"oldPrice\",\"isDeprecated\":true,\"deprecationReason\":"
                      "\"Use price.\"}";
    const char *categories_args = s->sloppy ? "[]" : "[{\"name\":\"limit\"}]";
    snprintf(buf, sizeof buf,
             "{\"data\":{\"__schema\":{\"queryType\":{\"name\":\"Query\"},\"types\":["
             "{\"name\":\"Query\",\"fields\":["
             "{\"name\":\"products\",\"isDeprecated\":false,\"args\":[{\"name\":\"first\"},"
             "{\"name\":\"after\"}],\"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":"
             "{\"kind\":\"OBJECT\",\"name\":\"ProductConnection\",\"ofType\":null}}},"
             "{\"name\":\"categories\",\"isDeprecated\":false,\"args\":%s,\"type\":{\"kind\":"
             "\"LIST\",\"name\":null,\"ofType\":{\"kind\":\"OBJECT\",\"name\":\"Category\"}}}]},"
             "{\"name\":\"ProductConnection\",\"fields\":[{\"name\":\"edges\",\"isDeprecated\":"
             "false},{\"name\":\"pageInfo\",\"isDeprecated\":false}]},"
             "{\"name\":\"Product\",\"fields\":[{\"name\":\"price\",\"isDeprecated\":false}%s]},"
             "{\"name\":\"__Type\",\"fields\":[{\"name\":\"name\",\"isDeprecated\":false}]}"
             "]}}}",
             categories_args, retired);
    return buf;
}

static size_t answer_graphql(const struct sup_request *req, const struct api_store *s, char *out,
                             size_t cap)
{
    char body[512];
    const char *q = req->body;
    if (strcmp(req->method, "POST") != 0)
        return reply_text(req, s, out, cap, 405, "application/json", "Allow: POST\r\n", "{}");
    if (strstr(q, "__schema") && s->introspection)
        return reply_text(req, s, out, cap, 200, "application/json", NULL,
                          schema_json(s, strstr(q, "includeDeprecated: true") != NULL));
    const char *message = strstr(q, "__schema") ? "GraphQL introspection is not allowed"
                          : strstr(q, "(\"")    ? "Syntax Error: Expected Name, found <EOF>."
                                                : "Cannot query field on type Query.";
    const char *code =
        strstr(message, "Syntax") ? "GRAPHQL_PARSE_FAILED" : "GRAPHQL_VALIDATION_FAILED";
    if (s->codes)
        snprintf(body, sizeof body,
                 "{\"errors\":[{\"message\":\"%s\",\"extensions\":{\"code\":\"%s\"}}]}", message,
                 code);
    else
        snprintf(body, sizeof body, "{\"errors\":[{\"message\":\"%s\"}]}", message);
    return reply_text(req, s, out, cap, 400, "application/json", NULL, body);
}

static size_t answer_api(const struct sup_request *req, const void *arg, char *out, size_t cap)
{
    const struct api_store *s = arg;
    char path[1024];
    snprintf(path, sizeof path, "%.*s", (int)strcspn(req->target, "?"), req->target);
    int get = strcmp(req->method, "GET") == 0;
    if (s->graphql && strcmp(path, "/graphql") == 0)
        return answer_graphql(req, s, out, cap);
    if (strcmp(req->method, "TRACE") == 0)
        return reply_error(req, s, out, cap, 405, "Method Not Allowed", "{\"error\":\"method\"}");
    if (get && strcmp(path, "/") == 0)
        return reply_text(req, s, out, cap, 200, "application/json", NULL,
                          "{\"name\":\"test store API\",\"catalog\":\"/api/products\"}");
    if (get && strcmp(path, "/health") == 0)
        return reply_text(req, s, out, cap, 200, "application/json", NULL, "{\"status\":\"ok\"}");
    if (get && s->graphql && strcmp(path, "/api/products") == 0)
        /* A REST catalog with none of REST's conventions: no version, no next link. */
        return reply_text(req, s, out, cap, 200, "application/json", NULL,
                          "{\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}]}");
    if (get && (strncmp(path, "/api/products", 13) == 0 || strcmp(path, "/api/search") == 0)) {
        char inm[128] = "";
        if (s->good && sup_request_header(req, "If-None-Match", inm, sizeof inm) == 0 &&
            strcmp(inm, "\"catalog-1\"") == 0)
            return reply(req, s, out, cap, 304, "application/json", "ETag: \"catalog-1\"\r\n", "",
                         0, 0);
        char body[8192];
        size_t len = strcmp(path, "/api/products/1") == 0
                         ? (size_t)snprintf(body, sizeof body, "{\"id\":1,\"name\":\"One\"}")
                         : catalog_json(body, sizeof body);
        const char *cache = s->good ? "Cache-Control: public, max-age=60\r\nETag: \"catalog-1\"\r\n"
                                    : "Cache-Control: no-store\r\n";
        return reply(req, s, out, cap, 200, "application/json", cache, body, len, 1);
    }
    if (strcmp(req->method, "POST") == 0 && strcmp(path, "/api/carts") == 0) {
        if (!strchr(req->body, '}'))
            /* The broken store answers a JSON syntax error with where it happened. */
            return reply_error(req, s, out, cap, 400, "Bad Request",
                               "{\"error\":\"SyntaxError: Unexpected token m in JSON\","
                               "\"at\":\"parse (/srv/api/src/middleware/json.js:41:17)\"}");
        return reply_text(req, s, out, cap, 201, "application/json", "Cache-Control: no-store\r\n",
                          "{\"id\":\"c1\"}");
    }
    return reply_error(req, s, out, cap, 404, "Not Found", "{\"error\":\"not found\"}");
}

static size_t answer_api_fn(const struct sup_request *req, char *out, size_t cap, const void *arg)
{
    return answer_api(req, arg, out, cap);
}

static void serve_api(int fd, const void *arg)
{
    sup_serve_requests(fd, answer_api_fn, arg);
}

/* A run of probes against a test store. */
struct run {
    struct engine_report rep;
    struct config cfg;
    pid_t srv;
};

/* Start the store, load a config for it and run the probes in only. 0, or -1. */
static int run_store(const struct api_store *s, const char *only, struct run *run)
{
    int port;
    int fd = sup_listen_loopback(&port);
    run->srv = fd < 0 ? -1 : sup_fork_server(fd, serve_api, s);
    CHECK(run->srv > 0);
    if (run->srv <= 0)
        return -1;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: http://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  endpoints: { home: /, catalog: /api/products, product: \"/api/products/{{id}}\",\n"
             "               search: \"/api/search?q={{q}}\", health: /health, cart: /api/carts }\n"
             "%s"
             "audit: { probe_timeout: 10s, deadline: 30s }\n",
             port, s->graphql ? "  graphql: /graphql\n" : "");
    if (sup_config_yaml(&run->cfg, yaml) != 0) {
        CHECK(!"config loads");
        sup_stop(run->srv);
        return -1;
    }
    sup_run(&run->cfg, only, &run->rep);
    return 0;
}

static void done(struct run *run)
{
    engine_report_free(&run->rep);
    config_free(&run->cfg);
    sup_stop(run->srv);
}

static const char api_probes[] = "S-NOSNIFF,S-CSP,S-REFERRER-POLICY,S-PERMISSIONS-POLICY,"
                                 "T-COMPRESSION,T-STATIC-CACHE,T-CONDITIONAL-GET,T-CACHE-HIT,"
                                 "O-REQUEST-ID,O-ERROR-PAGES";

/* The page-only header checks skip on a store whose home answers JSON, naming the keys. */
static void expect_pages_skipped(const struct engine_report *rep)
{
    static const char *const ids[] = {"S-CSP", "S-REFERRER-POLICY", "S-PERMISSIONS-POLICY"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        CHECK(sup_expect(rep, ids[i], PROBE_SKIP,
                         "no HTML page to judge (home answers application/json)"));
    CHECK(sup_expect(rep, "S-CSP", PROBE_SKIP,
                     "set target.endpoints.home, product_page or "
                     "checkout_page"));
}

/* An API-only store whose answers lack nosniff and request ids, send large JSON uncompressed,
 * cannot be cached or revalidated and show an internal path for malformed JSON. */
static void test_broken_api_store(void)
{
    const struct api_store s = {0};
    struct run run;
    if (run_store(&s, api_probes, &run) != 0)
        return;
    CHECK(sup_expect(&run.rep, "S-NOSNIFF", PROBE_FAIL, "no X-Content-Type-Options"));
    CHECK(sup_expect(&run.rep, "S-NOSNIFF", PROBE_FAIL, "search: X-Content-Type-Options: (none)"));
    expect_pages_skipped(&run.rep);
    CHECK(sup_expect(&run.rep, "T-COMPRESSION", PROBE_FAIL, "uncompressed despite"));
    CHECK(sup_expect(&run.rep, "T-COMPRESSION", PROBE_FAIL,
                     "search: Content-Type: application/json; "
                     "Content-Encoding: (none)"));
    CHECK(sup_expect(&run.rep, "T-STATIC-CACHE", PROBE_WARN,
                     "the product answer is not cacheable (Cache-Control: no-store)"));
    CHECK(sup_expect(&run.rep, "T-CONDITIONAL-GET", PROBE_WARN,
                     "no ETag or Last-Modified on the product"));
    CHECK(sup_expect(&run.rep, "T-CACHE-HIT", PROBE_SKIP, "not meant for a shared cache"));
    CHECK(sup_expect(&run.rep, "O-REQUEST-ID", PROBE_FAIL, "no request id"));
    CHECK(sup_expect(&run.rep, "O-ERROR-PAGES", PROBE_FAIL,
                     "the malformed JSON answer shows a server source path"));
    done(&run);
}

/* The same store giving good answers passes everything that applies to it. */
static void test_good_api_store(void)
{
    const struct api_store s = {.good = 1};
    struct run run;
    if (run_store(&s, api_probes, &run) != 0)
        return;
    CHECK(sup_expect(&run.rep, "S-NOSNIFF", PROBE_PASS, "on all 4 answers"));
    expect_pages_skipped(&run.rep);
    CHECK(sup_expect(&run.rep, "T-COMPRESSION", PROBE_PASS, "compressed"));
    CHECK(sup_expect(&run.rep, "T-STATIC-CACHE", PROBE_PASS,
                     "the product answer is cacheable for 60 s"));
    CHECK(sup_expect(&run.rep, "T-CONDITIONAL-GET", PROBE_PASS, "answered 304"));
    CHECK(sup_expect(&run.rep, "T-CACHE-HIT", PROBE_SKIP, "no cache signal"));
    CHECK(sup_expect(&run.rep, "O-REQUEST-ID", PROBE_PASS, "echoed"));
    CHECK(sup_expect(&run.rep, "O-ERROR-PAGES", PROBE_PASS, "malformed JSON: no stack trace"));
    done(&run);
}

static const char rest_conventions[] = "E-PROBLEM-JSON,E-API-VERSION,E-PAGINATION";

/* No probe of REST conventions fails a GraphQL store, though its REST catalog has neither a
 * version, nor a next link, nor problem+json errors. */
static void expect_not_failed(const struct engine_report *rep)
{
    static const char *const ids[] = {"E-PROBLEM-JSON", "E-API-VERSION", "E-PAGINATION"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        const struct probe_result *r = sup_result(rep, ids[i]);
        CHECK(r != NULL);
        if (r && (r->status == PROBE_FAIL || r->status == PROBE_ERROR)) {
            CHECK(!"a GraphQL store is judged by GraphQL's conventions");
            sup_print(ids[i], r);
        }
    }
}

/* Introspection off, as in production: errors are judged (errors[] with codes), versioning and
 * pagination skip and say why. */
static void test_graphql_introspection_off(void)
{
    const struct api_store s = {.good = 1, .graphql = 1, .codes = 1};
    struct run run;
    if (run_store(&s, rest_conventions, &run) != 0)
        return;
    expect_not_failed(&run.rep);
    CHECK(sup_expect(&run.rep, "E-PROBLEM-JSON", PROBE_PASS, "errors[] with extensions.code"));
    CHECK(sup_expect(&run.rep, "E-PROBLEM-JSON", PROBE_PASS, "GRAPHQL_PARSE_FAILED"));
    CHECK(sup_expect(&run.rep, "E-API-VERSION", PROBE_SKIP, "introspection is off"));
    CHECK(sup_expect(&run.rep, "E-API-VERSION", PROBE_SKIP, "@deprecated"));
    CHECK(sup_expect(&run.rep, "E-PAGINATION", PROBE_SKIP, "introspection is off"));
    done(&run);
}

/* Introspection on: a schema retiring a field with a reason and paging its lists passes. */
static void test_graphql_schema(void)
{
    const struct api_store s = {.good = 1, .graphql = 1, .codes = 1, .introspection = 1};
    struct run run;
    if (run_store(&s, rest_conventions, &run) != 0)
        return;
    expect_not_failed(&run.rep);
    CHECK(sup_expect(&run.rep, "E-API-VERSION", PROBE_PASS,
                     "the schema evolves by deprecation: 1 deprecated field, each with a reason"));
    CHECK(sup_expect(&run.rep, "E-PAGINATION", PROBE_PASS,
                     "1 connections with pageInfo, 1 with a paging argument"));
    done(&run);
}

/* GraphQL's own conventions broken: errors without a code, a retired field without a reason,
 * a list without paging. Warnings that say so, still no failure for REST's conventions. */
static void test_graphql_sloppy(void)
{
    const struct api_store s = {.good = 1, .graphql = 1, .introspection = 1, .sloppy = 1};
    struct run run;
    if (run_store(&s, rest_conventions, &run) != 0)
        return;
    expect_not_failed(&run.rep);
    CHECK(sup_expect(&run.rep, "E-PROBLEM-JSON", PROBE_WARN, "errors[] has no extensions.code"));
    CHECK(
        sup_expect(&run.rep, "E-API-VERSION", PROBE_WARN,
                   "1 of 1 deprecated fields carry no deprecationReason (e.g. Product.oldPrice)"));
    CHECK(sup_expect(&run.rep, "E-PAGINATION", PROBE_WARN,
                     "1 list field of the query type takes no paging argument (e.g. categories)"));
    done(&run);
}

/* A config for the reference store in --api-only mode, over TLS: API endpoints only. */
static int refstore_api_config(struct config *cfg, const struct refstore *rs)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: https://127.0.0.1:%d\n"
             "  http_url: http://127.0.0.1:%d/\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  tls: { ca_file: %s }\n"
             "  endpoints:\n"
             "    home: /\n"
             "    catalog: /api/v1/products\n"
             "    product: \"/api/v1/products/{{id}}\"\n"
             "    search: \"/api/v1/search?q={{q}}\"\n"
             "    cart: /api/v1/carts\n"
             "    cart_items: \"/api/v1/carts/{{cart_id}}/items\"\n"
             "    login: /api/v1/login\n"
             "    health: /healthz\n"
             "    readiness: /readyz\n"
             "    metrics: /metrics\n"
             "    openapi: /openapi.json\n"
             "audit: { probe_timeout: 10s, deadline: 60s, skip: [O-ATTESTATIONS] }\n",
             rs->https, rs->http, sup_cert("ca.pem"));
    return sup_config_yaml(cfg, yaml);
}

/* Start the reference store headless (--api-only) with the broken variants (NULL: none), and
 * run the whole audit but the attestations (config, not store). 0, or -1. */
static int run_refstore_api_only(const char *broken, struct refstore *rs, struct config *cfg,
                                 struct engine_report *rep)
{
    const char *const extra[] = {"--api-only", NULL};
    if (sup_refstore_start(rs, NULL, broken, extra) != 0) {
        CHECK(!"refstore started");
        return -1;
    }
    if (refstore_api_config(cfg, rs) != 0) {
        CHECK(!"config loads");
        sup_refstore_stop(rs);
        return -1;
    }
    sup_run(cfg, NULL, rep);
    return 0;
}

/* Skips that are not for want of a config key: what cannot be seen from outside. */
static int skip_without_key(const char *id)
{
    /* The test CA's certificate names no OCSP responder and asks no must-staple; the target
     * is an IP address, which has no CAA records. */
    return strcmp(id, "R-REDUNDANCY") == 0 || strcmp(id, "T-CACHE-HIT") == 0 ||
           strcmp(id, "S-TLS-OCSP") == 0 || strcmp(id, "S-TLS-MUST-STAPLE") == 0 ||
           strcmp(id, "S-CAA") == 0;
}

/* The whole audit of the reference store run headless: nothing fails or errs, the warnings
 * are the full store's (HTTP/1.1 only, public metrics, a test certificate without SCTs), and
 * every skip names the key that would make its probe apply. */
static void test_refstore_api_only(void)
{
    struct refstore rs;
    struct config cfg;
    struct engine_report rep;
    if (run_refstore_api_only(NULL, &rs, &cfg, &rep) != 0)
        return;
    CHECK(rep.count > 40);
    for (size_t i = 0; i < rep.count; i++) {
        const char *id = rep.items[i].probe->id;
        const struct probe_result *r = &rep.items[i].result;
        int ok = r->status == PROBE_PASS ||
                 (r->status == PROBE_WARN &&
                  (strcmp(id, "T-HTTP2") == 0 || strcmp(id, "O-METRICS-PUBLIC") == 0 ||
                   strcmp(id, "S-TLS-CT") == 0)) ||
                 (r->status == PROBE_SKIP &&
                  (skip_without_key(id) || strstr(r->reason, "set target.") ||
                   strstr(r->reason, "audit.allow_orders") || strstr(r->reason, "target.faults")));
        if (!ok) {
            CHECK(!"a headless store passes, or the skip names a key");
            sup_print(id, r);
        }
    }
    CHECK(sup_expect(&rep, "S-CSP", PROBE_SKIP, "home answers application/json"));
    CHECK(sup_expect(&rep, "S-NOSNIFF", PROBE_PASS, "on all 4 answers"));
    CHECK(sup_expect(&rep, "S-HSTS", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-STATIC-CACHE", PROBE_PASS,
                     "the product answer is cacheable for 60 s with ETag"));
    CHECK(sup_expect(&rep, "T-CONDITIONAL-GET", PROBE_PASS, "304"));
    CHECK(sup_expect(&rep, "T-COMPRESSION", PROBE_PASS, "catalog: Content-Type: application/json"));
    CHECK(sup_expect(&rep, "O-ERROR-PAGES", PROBE_PASS, "malformed JSON: no stack trace"));
    CHECK(sup_expect(&rep, "O-REQUEST-ID", PROBE_PASS, "echoed"));
    CHECK(sup_expect(&rep, "E-PROBLEM-JSON", PROBE_PASS, "valid problem+json"));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_refstore_stop(&rs);
}

/* The headless reference store with its API's headers, compression, request ids and error
 * answers broken: each is found on the API answers. */
static void test_refstore_api_only_broken(void)
{
    struct refstore rs;
    struct config cfg;
    struct engine_report rep;
    if (run_refstore_api_only("weak-headers,no-gzip,no-request-id,stack-traces", &rs, &cfg, &rep) !=
        0)
        return;
    CHECK(sup_expect(&rep, "S-NOSNIFF", PROBE_FAIL, "catalog: X-Content-Type-Options: (none)"));
    CHECK(sup_expect(&rep, "T-COMPRESSION", PROBE_FAIL, "uncompressed despite"));
    CHECK(sup_expect(&rep, "O-REQUEST-ID", PROBE_FAIL, "no request id"));
    CHECK(sup_expect(&rep, "O-ERROR-PAGES", PROBE_FAIL, "stack trace"));
    CHECK(sup_expect(&rep, "S-CSP", PROBE_SKIP, "home answers application/json"));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_refstore_stop(&rs);
}

/* The shared pieces on their own: which statuses say the request was wrong, and internal
 * source paths as debug output. */
static void test_units(void)
{
    CHECK(answer_fit_mismatch(404) && answer_fit_mismatch(405) && answer_fit_mismatch(406) &&
          answer_fit_mismatch(415));
    CHECK(!answer_fit_mismatch(200) && !answer_fit_mismatch(400) && !answer_fit_mismatch(401) &&
          !answer_fit_mismatch(500));
    CHECK(answer_fit_request_error(422) && answer_fit_request_error(400) &&
          !answer_fit_request_error(401) && !answer_fit_request_error(429));
    char ex[160];
    CHECK_STR_EQ(leak_find("at parse (/srv/api/src/json.js:41:17)", LEAK_DEBUG, ex, sizeof ex),
                 "server source path");
    CHECK_STR_EQ(leak_find("File \"/srv/shop/views.py\", line 7", LEAK_DEBUG, ex, sizeof ex),
                 "server source path");
    CHECK(leak_find("{\"href\":\"/static/app.js\",\"v\":\"/api/v1/products:2\"}", LEAK_DEBUG, ex,
                    sizeof ex) == NULL);
    CHECK(leak_find("see /docs/errors.html", LEAK_DEBUG, ex, sizeof ex) == NULL);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    engine_global_init();
    RUN(test_units);
    RUN(test_refstore_api_only);
    RUN(test_refstore_api_only_broken);
    RUN(test_broken_api_store);
    RUN(test_good_api_store);
    RUN(test_graphql_introspection_off);
    RUN(test_graphql_schema);
    RUN(test_graphql_sloppy);
    engine_global_cleanup();
    return check_summary();
}
