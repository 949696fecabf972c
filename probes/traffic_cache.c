/* T group, caching: long-lived static assets, a cache in front that hits, private pages that
 * no shared cache keeps, sessions that never see each other's cart, conditional GETs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/answer_fit.h"
#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/store.h"

/* The seconds of a Cache-Control directive (max-age, s-maxage), or -1 when absent. */
static long long cc_seconds(const char *cc, const char *directive)
{
    size_t n = strlen(directive);
    for (const char *p = cc; p && (p = http_strcasestr(p, directive)); p += n) {
        int word_start = p == cc || p[-1] == ',' || p[-1] == ' ';
        if (word_start && p[n] == '=') {
            const char *v = p + n + 1 + (p[n + 1] == '"');
            if (isdigit((unsigned char)*v))
                return strtoll(v, NULL, 10);
        }
    }
    return -1;
}

/* 1 if Cache-Control has the bare directive (no-store, private, public, immutable). */
static int cc_has(const char *cc, const char *directive)
{
    size_t n = strlen(directive);
    for (const char *p = cc; p && (p = http_strcasestr(p, directive)); p += n) {
        int word_start = p == cc || p[-1] == ',' || p[-1] == ' ';
        int word_end = !p[n] || p[n] == ',' || p[n] == ' ' || p[n] == '=' || p[n] == ';';
        if (word_start && word_end)
            return 1;
    }
    return 0;
}

/*
 * What the response says about a cache in front: 1 when any cache signal is present, with
 * *hit set when it was served from the cache. Cache-Status (RFC 9211), X-Cache,
 * X-Cache-Status (nginx's $upstream_cache_status), CF-Cache-Status, X-Varnish (two ids on a
 * hit) and Age (> 0 only from a cache).
 */
static int cache_signal(const struct http_response *r, int *hit, char *desc, size_t len)
{
    *hit = 0;
    desc[0] = '\0';
    const char *v;
    int any = 0;
    if ((v = http_header(r, "Cache-Status"))) {
        any = 1;
        /* "ExampleCache; hit" vs "ExampleCache; fwd=uri-miss" */
        const char *semi = strchr(v, ';');
        *hit |= semi && http_strcasestr(semi, "hit") && !http_strcasestr(semi, "fwd=");
        snprintf(desc, len, "Cache-Status: %s", v);
    }
    static const char *const xs[] = {"X-Cache", "X-Cache-Status", "CF-Cache-Status"};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        if (!(v = http_header(r, xs[i])))
            continue;
        any = 1;
        *hit |= http_strcasestr(v, "HIT") || strncasecmp(v, "STALE", 5) == 0 ||
                strncasecmp(v, "UPDATING", 8) == 0 || strncasecmp(v, "REVALIDATED", 11) == 0;
        if (!desc[0])
            snprintf(desc, len, "%s: %s", xs[i], v);
    }
    if ((v = http_header(r, "X-Varnish"))) {
        any = 1;
        *hit |= strchr(v, ' ') != NULL;
        if (!desc[0])
            snprintf(desc, len, "X-Varnish: %s", v);
    }
    if ((v = http_header(r, "Age"))) {
        any = 1;
        *hit |= atol(v) > 0;
        if (!desc[0])
            snprintf(desc, len, "Age: %s", v);
    }
    return any;
}

enum { DAY = 86400, LONG_LIVED = 30 * DAY };

/* What the caching probes look at: the static asset, else (an API-only store, or pages
 * without one) the first configured API read answer, product then catalog (one resource
 * carries validators more often than a list), sent as its endpoint's own request. */
struct cache_target {
    struct ep_request rq; /* the asset's URL alone, or the endpoint's request */
    const char *what;     /* "static asset", "catalog", "product" */
    const char *key;      /* the config key that names it */
    int api;
};

/* Find the target; -1 when there is none (the verdict, a skip naming the keys, is set). */
static int find_cache_target(struct probe_ctx *ctx, struct cache_target *t)
{
    char err[512], api_err[300], skipped[700] = "";
    memset(&t->rq.req, 0, sizeof t->rq.req);
    if (store_static_asset(ctx, t->rq.url, sizeof t->rq.url, err, sizeof err) == 0) {
        t->rq.req.url = t->rq.url;
        t->what = "static asset";
        t->key = "static_asset";
        t->api = 0;
        return 0;
    }
    static const enum endpoint eps[] = {EP_PRODUCT, EP_CATALOG};
    static const struct ep_defaults json = {NULL, NULL, "Accept: application/json"};
    const struct store_values in = {.defaults = &json};
    for (size_t i = 0; i < sizeof eps / sizeof *eps; i++) {
        if (store_request(ctx, eps[i], &in, &t->rq, api_err, sizeof api_err))
            continue;
        const char *method = t->rq.req.method ? t->rq.req.method : "GET";
        if (strcasecmp(method, "GET") != 0 || t->rq.req.body) {
            /* A POST (a GraphQL read) is not kept by HTTP caches: nothing to judge here. */
            snprintf(skipped, sizeof skipped,
                     "; the %s is sent as %s %s, whose answers HTTP caches do not keep",
                     endpoint_names[eps[i]], method, t->rq.url);
            continue;
        }
        t->what = t->key = endpoint_names[eps[i]];
        t->api = 1;
        probe_evidence(ctx, NULL, 0, "%s: the %s API answer is judged instead", err, t->what);
        return 0;
    }
    probe_set(ctx, PROBE_SKIP,
              "%s, and no product or catalog API read by GET to judge instead%s: set "
              "target.endpoints.static_asset (or product, catalog)",
              err, skipped);
    return -1;
}

/* The target's request, with header added when not NULL. */
static struct http_request cache_request(const struct cache_target *t, const char *header)
{
    struct http_request req = t->rq.req;
    size_t h = 0;
    while (req.headers[h])
        h++;
    req.headers[h] = header;
    return req;
}

/* GET the target into r. 0 on a 200; otherwise the verdict (skip: no target or a request
 * the store did not take, error: no 200) is set and r is freed. */
static int get_target(struct probe_ctx *ctx, struct cache_target *t, struct http_response *r)
{
    memset(r, 0, sizeof *r);
    if (find_cache_target(ctx, t) != 0)
        return -1;
    struct http_request req = cache_request(t, NULL);
    if (http_get1(ctx, &req, r) != 0 || r->status != 200) {
        if (!answer_fit_skip(ctx, r, t->key)) {
            http_evidence(ctx, r, NULL);
            probe_set(ctx, PROBE_ERROR, "%s: %s", t->what,
                      r->status ? "the answer was not 200" : r->error);
        }
        http_response_free(r);
        return -1;
    }
    return 0;
}

/* The freshness lifetime Cache-Control gives shared caches, in seconds; -1 for none. */
static long long cc_lifetime(const char *cc)
{
    long long age = cc ? cc_seconds(cc, "max-age") : -1;
    long long sage = cc ? cc_seconds(cc, "s-maxage") : -1;
    return sage > age ? sage : age;
}

/* A catalog read is the bulk of a peak's requests: a cache (CDN) in front can take it off the
 * origin only when the answer says how long it stays fresh (pass). Not caching it is the
 * store's choice (warn); a shared-cacheable answer that sets a cookie hands that cookie to
 * every shopper behind the cache (fail). */
static void judge_api_cache(struct probe_ctx *ctx, const struct cache_target *t,
                            const struct http_response *r)
{
    const char *cc = http_header(r, "Cache-Control");
    const char *etag = http_header(r, "ETag"), *lm = http_header(r, "Last-Modified");
    long long age = cc_lifetime(cc);
    int unstored = cc && (cc_has(cc, "no-store") || cc_has(cc, "private"));
    int shared = cc && !unstored && (cc_has(cc, "public") || age > 0);
    if (shared && http_header(r, "Set-Cookie"))
        probe_set(ctx, PROBE_FAIL,
                  "the %s answer is shared-cacheable (Cache-Control: %s) and sets a cookie: a "
                  "cache hands that cookie to every shopper",
                  t->what, cc);
    else if (unstored)
        probe_set(ctx, PROBE_WARN,
                  "the %s answer is not cacheable (Cache-Control: %s): every catalog read of a "
                  "peak reaches the origin; anonymous catalog reads can be public for a while",
                  t->what, cc);
    else if (age > 0)
        probe_set(ctx, PROBE_PASS, "the %s answer is cacheable for %lld s%s%s", t->what, age,
                  etag || lm ? " with " : "",
                  etag ? "ETag"
                  : lm ? "Last-Modified"
                       : "");
    else if (etag || lm)
        probe_set(ctx, PROBE_WARN,
                  "the %s answer has %s but no lifetime (%s): every read reaches the origin, "
                  "a 304 at best",
                  t->what, etag ? "an ETag" : "Last-Modified", cc ? cc : "no Cache-Control");
    else
        probe_set(ctx, PROBE_WARN,
                  "the %s answer has no Cache-Control and no validator: caches guess or keep "
                  "nothing",
                  t->what);
}

static void run_static_cache(struct probe_ctx *ctx)
{
    struct cache_target t;
    struct http_response r;
    if (get_target(ctx, &t, &r) != 0)
        return;
    const char *cc = http_header(&r, "Cache-Control");
    const char *etag = http_header(&r, "ETag"), *lm = http_header(&r, "Last-Modified");
    http_evidence(ctx, &r, "%s: Cache-Control: %s; ETag: %s; Last-Modified: %s", t.what,
                  cc ? cc : "(none)", etag ? etag : "(none)", lm ? lm : "(none)");
    long long age = cc_lifetime(cc);
    if (t.api)
        judge_api_cache(ctx, &t, &r);
    else if (!cc)
        probe_set(ctx, PROBE_FAIL, "no Cache-Control on the static asset%s",
                  http_header(&r, "Expires") ? " (only Expires)" : "");
    else if (cc_has(cc, "no-store") || cc_has(cc, "no-cache") || age == 0)
        probe_set(ctx, PROBE_FAIL, "the static asset is not cacheable (Cache-Control: %s)", cc);
    else if (age < 0)
        probe_set(ctx, PROBE_FAIL, "Cache-Control: %s gives no max-age: caches guess a lifetime",
                  cc);
    else if (age < DAY)
        probe_set(ctx, PROBE_FAIL, "max-age %lld s is under a day for a static asset", age);
    else if (age < LONG_LIVED)
        probe_set(ctx, PROBE_WARN,
                  "max-age %lld s is under 30 days; fingerprinted assets can "
                  "be cached for a year",
                  age);
    else if (!etag && !lm)
        probe_set(ctx, PROBE_WARN,
                  "long-lived (max-age %lld s) but no ETag or Last-Modified "
                  "to revalidate with",
                  age);
    else
        probe_set(ctx, PROBE_PASS, "max-age %lld s%s with %s", age,
                  cc_has(cc, "immutable") ? ", immutable," : "", etag ? "ETag" : "Last-Modified");
    http_response_free(&r);
}

enum { CACHE_FETCHES = 3 };

static void run_cache_hit(struct probe_ctx *ctx)
{
    struct cache_target t;
    if (find_cache_target(ctx, &t) != 0)
        return;
    int signals = 0, hits = 0, answered = 0, wrong = 0, uncacheable = 0;
    char last_error[300] = "", cc_seen[300] = "";
    /* One after another: the first fetch may fill the cache, the later ones should hit. */
    for (int i = 0; i < CACHE_FETCHES && !probe_should_stop(ctx); i++) {
        struct http_request req = cache_request(&t, NULL);
        struct http_response r;
        if (http_get1(ctx, &req, &r) == 0 && i == 0 && answer_fit_skip(ctx, &r, t.key)) {
            wrong = 1;
        } else if (r.status) {
            answered++;
            const char *cc = http_header(&r, "Cache-Control");
            /* An API answer without a shared lifetime is not meant to be a hit. */
            if (t.api &&
                (!cc || cc_has(cc, "no-store") || cc_has(cc, "private") || cc_lifetime(cc) <= 0)) {
                uncacheable = 1;
                snprintf(cc_seen, sizeof cc_seen, "%s", cc ? cc : "no Cache-Control");
            }
            int hit;
            char desc[300];
            if (cache_signal(&r, &hit, desc, sizeof desc)) {
                signals++;
                hits += hit && i > 0;
            }
            http_evidence(ctx, &r, "fetch %d: %s", i + 1, desc[0] ? desc : "no cache header");
        } else {
            snprintf(last_error, sizeof last_error, "%s", r.error);
            http_evidence(ctx, &r, NULL);
        }
        http_response_free(&r);
        if (wrong)
            return;
    }
    if (answered == 0)
        probe_set(ctx, PROBE_ERROR, "%s", last_error);
    else if (!hits && uncacheable)
        probe_set(ctx, PROBE_SKIP,
                  "the %s answer is not meant for a shared cache (%s), so no hit is expected "
                  "(T-STATIC-CACHE judges its caching)",
                  t.what, cc_seen);
    else if (!signals)
        probe_set(ctx, PROBE_SKIP,
                  "no cache signal (Cache-Status, X-Cache, X-Cache-Status, "
                  "CF-Cache-Status, X-Varnish, Age): no cache or CDN seems to "
                  "be in front");
    else if (hits)
        probe_set(ctx, PROBE_PASS, "the cache in front served the %s on a repeat fetch", t.what);
    else
        probe_set(ctx, PROBE_FAIL,
                  "a cache is in front but the %s was never a hit in %d "
                  "fetches",
                  t.what, CACHE_FETCHES);
}

/* Judge one private response: 0 ok, 1 warn, 2 fail; why says what. */
static int judge_private(const struct http_response *r, char *why, size_t len)
{
    const char *cc = http_header(r, "Cache-Control");
    int cookie = http_header(r, "Set-Cookie") != NULL;
    int hit;
    char desc[300];
    if (cache_signal(r, &hit, desc, sizeof desc) && hit) {
        snprintf(why, len, "served from a shared cache (%s)", desc);
        return 2;
    }
    if (!cc) {
        snprintf(why, len, "no Cache-Control: shared caches may apply heuristics");
        return 1;
    }
    if (cc_has(cc, "private") || cc_has(cc, "no-store"))
        return snprintf(why, len, "Cache-Control: %s", cc), 0;
    if (cc_has(cc, "public") || cc_seconds(cc, "s-maxage") > 0 || cc_seconds(cc, "max-age") > 0) {
        snprintf(why, len, "shared caches may keep it (Cache-Control: %s)%s", cc,
                 cookie ? " together with its Set-Cookie" : "");
        return 2;
    }
    if (cc_has(cc, "no-cache"))
        return snprintf(why, len, "Cache-Control: %s (revalidated, but stored)", cc), 1;
    snprintf(why, len, "Cache-Control: %s has neither private nor no-store", cc);
    return 1;
}

/* The account and checkout pages as the shopper, each twice (the second fetch would be the
 * shared-cache hit): the endpoint's request (its headers, the session's values and cookies)
 * with the cookies the cart answers set. Fills resps and, for each, its endpoint in eps;
 * returns the count (at most 4). */
static size_t fetch_shopper_pages(struct probe_ctx *ctx, const struct http_response *cart,
                                  size_t ncart, struct http_response *resps, enum endpoint *eps)
{
    static const enum endpoint pages[] = {EP_ACCOUNT, EP_CHECKOUT_PAGE};
    static const struct ep_defaults page = {NULL, NULL, "Accept: text/html"};
    const struct http_response *given[] = {&cart[0], &cart[1]};
    char cookie[2048] = "";
    http_cookie_header(given, ncart, cookie, sizeof cookie);
    struct store_values in = {.defaults = &page, .cookie = cookie};
    struct ep_request *rq = malloc(2 * sizeof *rq);
    size_t n = 0;
    for (size_t round = 0; rq && round < 2; round++) {
        struct http_request reqs[2];
        size_t k = 0;
        for (size_t i = 0; i < 2; i++) {
            char err[300];
            if (!ctx->cfg->target.endpoints[pages[i]])
                continue;
            if (store_request(ctx, pages[i], &in, &rq[k], err, sizeof err)) {
                if (!round)
                    probe_evidence(ctx, NULL, 0, "%s page not checked: %s",
                                   endpoint_names[pages[i]], err);
                continue;
            }
            reqs[k] = rq[k].req;
            reqs[k].follow = 3;
            eps[n + k++] = pages[i];
        }
        http_run(ctx, reqs, resps + n, k, 0);
        n += k;
    }
    free(rq);
    return n;
}

/* The kinds of answer judged (cart, account, checkout), as a reason names them: "cart",
 * "account and checkout", "cart, account and checkout". */
static void judged_names(const int judged[3], char *out, size_t len)
{
    static const char *const names[] = {"cart", "account", "checkout"};
    int total = judged[0] + judged[1] + judged[2], count = 0;
    out[0] = '\0';
    for (size_t i = 0; i < 3; i++) {
        if (!judged[i])
            continue;
        size_t used = strlen(out);
        count++;
        snprintf(out + used, len - used, "%s%s",
                 count == 1       ? ""
                 : count == total ? " and "
                                  : ", ",
                 names[i]);
    }
}

static void run_private_cache(struct probe_ctx *ctx)
{
    if (ep_need_shopper(ctx, 0))
        return;
    struct http_response resps[8];
    memset(resps, 0, sizeof resps);
    size_t n = 0;
    char cart_id[128], err[512] = "";
    n += store_add_to_cart(ctx, 0, "", resps, cart_id, sizeof cart_id, err, sizeof err);
    size_t ncart = n;
    if (err[0])
        probe_evidence(ctx, NULL, 0, "%s", err);
    enum endpoint eps[8] = {EP_CART, EP_CART_ITEMS};
    n += fetch_shopper_pages(ctx, resps, ncart, resps + n, eps + n);
    int worst = -1, answered = 0, judged[3] = {0};
    char why[512] = "", worst_why[700] = "", last_error[300] = "", cart_why[512] = "",
         page_why[512] = "", what[40];
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        if (!r->status) {
            http_evidence(ctx, r, NULL);
            snprintf(last_error, sizeof last_error, "%s", r->error);
            continue;
        }
        /* An answer to a request the store did not take says nothing of its caching. */
        if (!ep_answer_good(ctx, eps[i], r, why, sizeof why)) {
            http_evidence(ctx, r, "not judged: %s", why);
            snprintf(i < ncart ? cart_why : page_why, sizeof cart_why, "%s", why);
            continue;
        }
        answered++;
        judged[eps[i] == EP_ACCOUNT ? 1 : eps[i] == EP_CHECKOUT_PAGE ? 2 : 0] = 1;
        int v = judge_private(r, why, sizeof why);
        http_evidence(ctx, r, "%s", why);
        if (v > worst) {
            worst = v;
            snprintf(worst_why, sizeof worst_why, "%s: %s", r->request_line, why);
        }
    }
    for (size_t i = 0; i < n; i++)
        http_response_free(&resps[i]);
    judged_names(judged, what, sizeof what);
    if (n == 0)
        probe_set(ctx, PROBE_SKIP, "no cart, account or checkout_page endpoint in the config");
    else if (!answered && ncart == n && cart_why[0])
        probe_set(ctx, PROBE_SKIP, "no cart answer to judge, and no account or checkout_page "
                                   "endpoint: %s", cart_why);
    else if (!answered && (cart_why[0] || page_why[0]))
        probe_set(ctx, PROBE_SKIP, "no cart, account or checkout answer to judge: %s",
                  page_why[0] ? page_why : cart_why);
    else if (!answered)
        probe_set(ctx, PROBE_ERROR, "no cart, account or checkout response: %s", last_error);
    else if (worst == 2)
        probe_set(ctx, PROBE_FAIL, "%s", worst_why);
    else if (worst == 1)
        probe_set(ctx, PROBE_WARN, "%s", worst_why);
    else if (page_why[0])
        probe_set(ctx, PROBE_PASS,
                  "the responses judged are private or no-store; a page was not judged: %s",
                  page_why);
    else if (cart_why[0])
        probe_set(ctx, PROBE_PASS,
                  "%s responses are private or no-store; the cart was not judged: %s", what,
                  cart_why);
    else
        probe_set(ctx, PROBE_PASS, "%s responses are private or no-store", what);
}

/* A session: its home page, account page and cart, and what identifies it. */
struct session {
    struct http_response resps[4];
    size_t n;
    char cookie[2048];
    char cart_id[128];
    const struct shopper *who; /* the audit.session run it acts as; NULL: none */
};

/* Shopper `who` of audit.session when there is one: a fresh shopper otherwise. */
static void session_run(struct probe_ctx *ctx, struct session *s, size_t who)
{
    memset(s, 0, sizeof *s);
    s->who = ep_shopper(ctx, who);
    struct http_request home = {
        .url = ctx->cfg->target.endpoints[EP_HOME] ? ctx->cfg->target.endpoints[EP_HOME] : "/"};
    http_get1(ctx, &home, &s->resps[s->n++]);
    const struct http_response *first[] = {&s->resps[0]};
    http_cookie_header(first, 1, s->cookie, sizeof s->cookie);
    char err[512];
    s->n += store_add_to_cart(ctx, who, s->cookie, s->resps + s->n, s->cart_id,
                              sizeof s->cart_id, err, sizeof err);
    /* The account page as this shopper: its cookies and the session's. */
    struct store_values in = {.shopper = who, .cookie = s->cookie};
    struct ep_request *acc = malloc(sizeof *acc);
    if (acc && store_request(ctx, EP_ACCOUNT, &in, acc, err, sizeof err) == 0)
        http_get1(ctx, &acc->req, &s->resps[s->n++]);
    free(acc);
}

/* The longest identifier compared: a JWT handed out as a token runs to a kilobyte. */
enum { SESSION_ID_MAX = 2048 };

/* Keep the value of a Set-Cookie line (8+ characters: short ones match by chance) as the
 * next identifier; the new count. */
static size_t keep_cookie_value(const char *set_cookie, const char **vals, size_t k,
                                char store[][SESSION_ID_MAX])
{
    const char *eq = strchr(set_cookie, '=');
    size_t vlen = eq ? strcspn(eq + 1, ";") : 0;
    if (vlen < 8 || vlen >= SESSION_ID_MAX)
        return k;
    snprintf(store[k], SESSION_ID_MAX, "%.*s", (int)vlen, eq + 1);
    vals[k] = store[k];
    return k + 1;
}

/* What identifies a session: the cookie values set for it (by its own requests and by its
 * audit.session run), its cart id, and the values its audit.session run was handed. */
static size_t session_secrets(const struct session *s, const char **vals, size_t cap,
                              char store[][SESSION_ID_MAX])
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *sc;
        for (size_t j = 0; k < cap && (sc = http_header_nth(&s->resps[i], "Set-Cookie", j)); j++)
            k = keep_cookie_value(sc, vals, k, store);
    }
    for (size_t i = 0; s->who && i < s->who->set_cookie_count && k < cap; i++)
        k = keep_cookie_value(s->who->set_cookies[i].value, vals, k, store);
    if (s->cart_id[0] && strlen(s->cart_id) >= 4 && k < cap)
        vals[k++] = s->cart_id;
    /* What the store handed the shopper session (a token, its cart) identifies it too. */
    for (size_t i = 0; s->who && s->who->vars && i < s->who->plan.schema.count && k < cap; i++)
        if (shopper_var(s->who, s->who->plan.schema.names[i], store[k], SESSION_ID_MAX) == 0 &&
            strlen(store[k]) >= 8) {
            vals[k] = store[k];
            k++;
        }
    return k;
}

/* Where in b's responses does one of a's identifiers show up? */
static const char *leaked(const struct session *b, const char *const *vals, size_t nvals,
                          const struct http_response **where)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct http_response *r = &b->resps[i];
        if (!r->status)
            continue;
        for (size_t v = 0; v < nvals; v++) {
            int in_body = r->body && strstr(r->body, vals[v]);
            int in_header = 0;
            for (size_t h = 0; h < r->header_count && !in_header; h++)
                in_header = strstr(r->headers[h].value, vals[v]) != NULL;
            if (in_body || in_header) {
                *where = r;
                return vals[v];
            }
        }
    }
    return NULL;
}

/* The name of the cookie r sets to value, in name (empty when no Set-Cookie of r has it). */
static void cookie_named(const struct http_response *r, const char *value, char *name, size_t len)
{
    name[0] = '\0';
    const char *sc;
    for (size_t j = 0; (sc = http_header_nth(r, "Set-Cookie", j)); j++) {
        const char *eq = strchr(sc, '=');
        size_t vlen = eq ? strcspn(eq + 1, ";") : 0;
        if (eq && vlen == strlen(value) && strncmp(eq + 1, value, vlen) == 0) {
            snprintf(name, len, "%.*s", (int)(eq - sc), sc);
            return;
        }
    }
}

/* The second session's response `where` carries one of the first session's identifiers: say
 * what was seen. A cache hit shows a cache shared a private answer; the same value in the
 * second session's own Set-Cookie without a hit is a cookie the store gives everyone. */
static void report_leak(struct probe_ctx *ctx, const struct http_response *where, const char *leak,
                        int is_cart)
{
    int hit;
    char cache[300], cookie[128] = "";
    cache_signal(where, &hit, cache, sizeof cache);
    if (!is_cart)
        cookie_named(where, leak, cookie, sizeof cookie);
    http_evidence(ctx, where, "a fresh session received the first session's %s%s%s%s",
                  is_cart ? "cart id" : "cookie value (hidden)", cookie[0] ? " in Set-Cookie " : "",
                  cookie, hit ? "; served by a cache" : "; no sign of a cache hit");
    if (hit)
        probe_set(ctx, PROBE_FAIL,
                  "a second shopper got the first shopper's %s from a cache (%s): the cache "
                  "shares private responses",
                  is_cart ? "cart" : "session cookie", cache);
    else if (cookie[0])
        probe_set(ctx, PROBE_WARN,
                  "the store sets cookie %s to the same value for two fresh sessions, with no "
                  "cache hit: a fixed cookie, harmless unless it identifies the session",
                  cookie);
    else
        probe_set(ctx, PROBE_FAIL,
                  "a second shopper got the first shopper's %s with no cache hit seen: the "
                  "store itself mixes the sessions",
                  is_cart ? "cart" : "cookie value");
}

static void run_session_isolation(struct probe_ctx *ctx)
{
    struct session *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        probe_set(ctx, PROBE_ERROR, "out of memory");
        return;
    }
    if (ep_need_shopper(ctx, 0) || ep_need_shopper(ctx, 1)) {
        free(a);
        free(b);
        return;
    }
    session_run(ctx, a, 0);
    session_run(ctx, b, 1);
    const char *vals[40];
    char(*store)[SESSION_ID_MAX] = malloc(40 * sizeof *store);
    size_t nvals = store ? session_secrets(a, vals, 40, store) : 0;
    size_t answered = 0;
    for (size_t i = 0; i < a->n; i++)
        answered += a->resps[i].status != 0;
    const struct http_response *where = NULL;
    const char *leak = nvals ? leaked(b, vals, nvals, &where) : NULL;
    if (leak) {
        report_leak(ctx, where, leak, leak == a->cart_id);
    } else if (!answered) {
        probe_set(ctx, PROBE_ERROR, "no answer: %s", a->resps[0].error);
    } else if (nvals == 0) {
        probe_set(ctx, PROBE_SKIP,
                  "the store set no session cookie and created no cart: "
                  "nothing to tell sessions apart by%s",
                  ctx->cfg->audit.session ? ""
                                          : " (a store that hands out tokens: set audit.session "
                                            "and write target.endpoints.cart as a request)");
    } else {
        for (size_t i = 0; i < b->n; i++)
            if (b->resps[i].status)
                http_evidence(ctx, &b->resps[i], "none of the first session's %zu identifiers",
                              nvals);
        probe_set(ctx, PROBE_PASS,
                  "two sessions never saw each other's cookies or cart (%zu identifiers of the "
                  "first compared)",
                  nvals);
    }
    free(store);
    for (size_t i = 0; i < a->n; i++)
        http_response_free(&a->resps[i]);
    for (size_t i = 0; i < b->n; i++)
        http_response_free(&b->resps[i]);
    free(a);
    free(b);
}

static void run_conditional_get(struct probe_ctx *ctx)
{
    struct cache_target t;
    struct http_response r, c;
    if (get_target(ctx, &t, &r) != 0)
        return;
    memset(&c, 0, sizeof c);
    const char *etag = http_header(&r, "ETag"), *lm = http_header(&r, "Last-Modified");
    if (!etag && !lm) {
        http_evidence(ctx, &r, "%s: no ETag, no Last-Modified", t.what);
        /* An API answer need not be revalidated; an asset every page loads should be. */
        probe_set(ctx, t.api ? PROBE_WARN : PROBE_FAIL,
                  "no ETag or Last-Modified on the %s: every %s downloads it again", t.what,
                  t.api ? "read" : "visit");
        goto out;
    }
    char cond[600];
    snprintf(cond, sizeof cond, etag ? "If-None-Match: %s" : "If-Modified-Since: %s",
             etag ? etag : lm);
    struct http_request creq = cache_request(&t, cond);
    if (http_get1(ctx, &creq, &c) != 0) {
        http_evidence(ctx, &c, NULL);
        probe_set(ctx, PROBE_ERROR, "%s", c.error);
        goto out;
    }
    http_evidence(ctx, &c, "%s -> %d", cond, c.status);
    if (c.status == 304)
        probe_set(ctx, PROBE_PASS, "%s answered 304 Not Modified",
                  etag ? "If-None-Match" : "If-Modified-Since");
    else
        probe_set(ctx, PROBE_FAIL, "a conditional GET with %s answered %d, not 304",
                  etag ? "If-None-Match" : "If-Modified-Since", c.status);
out:
    http_response_free(&r);
    http_response_free(&c);
}

const struct probe probe_t_static_cache = {
    .id = "T-STATIC-CACHE",
    .group = GROUP_T,
    .title = "Static assets are cacheable for a long time, with validators",
    .severity = SEV_MEDIUM,
    .rationale = "Long-lived caching of fingerprinted assets takes most requests of a flash "
                 "sale off the origin and speeds up every page view.",
    .remediation = "Cache-Control: public, max-age=31536000, immutable for fingerprinted "
                   "assets, with ETag or Last-Modified.",
    .references = "https://www.rfc-editor.org/rfc/rfc9111 https://web.dev/articles/http-cache",
    .run = run_static_cache,
};

const struct probe probe_t_cache_hit = {
    .id = "T-CACHE-HIT",
    .group = GROUP_T,
    .title = "The cache or CDN in front serves repeat requests",
    .severity = SEV_LOW,
    .rationale = "A cache that never hits only adds latency; the origin takes the full load.",
    .remediation = "Check the cache key (cookies, query strings, Vary) and that the origin's "
                   "Cache-Control lets the cache store static assets.",
    .references = "https://www.rfc-editor.org/rfc/rfc9211",
    .run = run_cache_hit,
};

const struct probe probe_t_private_cache = {
    .id = "T-PRIVATE-CACHE",
    .group = GROUP_T,
    .title = "Cart, checkout and account responses are private",
    .severity = SEV_CRITICAL,
    .rationale = "A shared cache that keeps a cart or account response (or its Set-Cookie) "
                 "shows one shopper's data, or session, to the next.",
    .remediation = "Cache-Control: private, no-store on every cart, checkout and account "
                   "response; never public or s-maxage with Set-Cookie.",
    .references = "https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.7",
    .run = run_private_cache,
};

const struct probe probe_t_session_isolation = {
    .id = "T-SESSION-ISOLATION",
    .group = GROUP_T,
    .title = "Two sessions never see each other's cart or cookies",
    .severity = SEV_CRITICAL,
    .rationale = "The end-to-end check behind private caching: a second shopper must never "
                 "receive the first one's session cookie or cart.",
    .remediation = "Mark private responses private/no-store, keep Set-Cookie responses out of "
                   "shared caches, and key any cache on the session.",
    .references = "https://www.rfc-editor.org/rfc/rfc9111#section-7",
    .run = run_session_isolation,
};

const struct probe probe_t_conditional_get = {
    .id = "T-CONDITIONAL-GET",
    .group = GROUP_T,
    .title = "Conditional GET answers 304",
    .severity = SEV_LOW,
    .rationale = "Revalidation with 304 saves bandwidth and origin work once max-age runs out.",
    .remediation = "Send ETag or Last-Modified and answer If-None-Match / If-Modified-Since "
                   "with 304.",
    .references = "https://www.rfc-editor.org/rfc/rfc9110#section-13",
    .run = run_conditional_get,
};
