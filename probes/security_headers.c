/* S group: response headers a browser enforces (CSP, framing, Cross-Origin-Resource-Policy,
 * nosniff, Referrer-Policy, Permissions-Policy), headers that leak versions, and CORS. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/csp_judge.h"
#include "probes/embedding.h"
#include "probes/html.h"
#include "probes/http.h"
#include "probes/store.h"

/* Judges one response; writes why and returns PROBE_PASS, PROBE_WARN or PROBE_FAIL. */
typedef enum probe_status (*page_judge)(const struct http_response *r, char *why, size_t len);

static int rank(enum probe_status st)
{
    return st == PROBE_FAIL ? 2 : st == PROBE_WARN ? 1 : 0;
}

static const enum endpoint html_pages[] = {EP_HOME, EP_PRODUCT_PAGE, EP_CHECKOUT_PAGE};

/* What a judge looks at: HTML pages only (CSP, Referrer-Policy, Permissions-Policy guard what
 * a browser renders), or every answer, the API's included (nosniff). */
enum scope { PAGES_ONLY, ANY_ANSWER };

/* Fetch the endpoints, judge each answer in scope with judge, show `header` of each as
 * evidence, and set the worst verdict, naming the first answer that earned it. Each endpoint
 * is sent as its own request (api_fetch); an answer that is not its good one (api_answer_fits)
 * is never judged, and when nothing could be judged, the skip says which endpoint to fix. */
static void judge_pages(struct probe_ctx *ctx, const enum endpoint *eps, size_t n,
                        const char *header, page_judge judge, enum scope scope)
{
    struct http_response resps[8];
    enum endpoint got[8];
    size_t count = api_fetch(ctx, eps, n, NULL, got, resps);
    enum probe_status worst = PROBE_PASS;
    char worst_why[700] = "", worst_url[1100] = "", last_error[300] = "", wrong[1600] = "";
    char not_page[200] = "", why[700];
    size_t judged = 0;
    for (size_t i = 0; i < count; i++) {
        struct http_response *r = &resps[i];
        const char *key = endpoint_names[got[i]];
        if (!r->status) {
            http_evidence(ctx, r, NULL);
            snprintf(last_error, sizeof last_error, "%s", r->error);
        } else if (!api_answer_fits(ctx, got[i], key, r, why, sizeof why)) {
            http_evidence(ctx, r, "%s: not judged: %s", key, why);
            if (!wrong[0])
                snprintf(wrong, sizeof wrong, "%s", why);
        } else if (scope == PAGES_ONLY && !api_answer_is_html(r)) {
            const char *ct = http_header(r, "Content-Type");
            http_evidence(ctx, r, "%s answers %s: not an HTML page, not judged", key,
                          ct ? ct : "without a Content-Type");
            if (!not_page[0])
                snprintf(not_page, sizeof not_page, "%s answers %s", key, ct ? ct : "no HTML");
        } else {
            enum probe_status st = judge(r, why, sizeof why);
            const char *v = http_header(r, header);
            http_evidence(ctx, r, "%s: %s: %s -> %s", key, header, v ? v : "(none)", why);
            judged++;
            if (judged == 1 || rank(st) > rank(worst)) {
                worst = st;
                snprintf(worst_why, sizeof worst_why, "%s", why);
                snprintf(worst_url, sizeof worst_url, "%s", r->request_line);
            }
        }
        http_response_free(r);
    }
    if (judged == 0 && wrong[0])
        probe_set(ctx, PROBE_SKIP, "%s", wrong);
    else if (judged == 0 && not_page[0])
        probe_set(ctx, PROBE_SKIP,
                  "no HTML page to judge (%s): %s guards pages a browser renders; set "
                  "target.endpoints.home, product_page or checkout_page to the store's pages",
                  not_page, header);
    else if (count == 0)
        probe_set(ctx, PROBE_SKIP,
                  scope == PAGES_ONLY
                      ? "no HTML page in the config: set target.endpoints.home, product_page or "
                        "checkout_page (an API-only store has none, and %s guards pages)"
                      : "nothing to judge in the config: set target.endpoints.home or catalog "
                        "(or product, search) to judge %s",
                  header);
    else if (judged == 0)
        probe_set(ctx, PROBE_ERROR, "no answer: %s", last_error);
    else if (worst == PROBE_PASS)
        probe_set(ctx, PROBE_PASS, "%s on all %zu answers", worst_why, judged);
    else
        probe_set(ctx, worst, "%s (%s)", worst_why, worst_url);
}

static enum probe_status judge_csp(const struct http_response *r, char *why, size_t len)
{
    struct csp_set policies = {0};
    csp_set_of_page(&policies, r);
    enum probe_status st;
    if (policies.n) {
        st = csp_judge(&policies, why, len);
    } else {
        snprintf(why, len, "no Content-Security-Policy%s",
                 http_header(r, "Content-Security-Policy-Report-Only")
                     ? " (only a Report-Only policy, which enforces nothing)"
                     : "");
        st = PROBE_FAIL;
    }
    csp_set_free(&policies);
    return st;
}

static enum probe_status judge_framing(const struct http_response *r, char *why, size_t len)
{
    struct csp_set policies = {0};
    csp_set_of_page(&policies, r);
    enum probe_status st = framing_judge(&policies, http_header(r, "X-Frame-Options"), why, len);
    csp_set_free(&policies);
    return st;
}

static enum probe_status judge_corp(const struct http_response *r, char *why, size_t len)
{
    return corp_judge(http_header(r, "Cross-Origin-Resource-Policy"), why, len);
}

static enum probe_status judge_nosniff(const struct http_response *r, char *why, size_t len)
{
    const char *v = http_header(r, "X-Content-Type-Options");
    if (v && strcasecmp(v, "nosniff") == 0) {
        snprintf(why, len, "X-Content-Type-Options: nosniff");
        return PROBE_PASS;
    }
    snprintf(why, len, v ? "X-Content-Type-Options is not 'nosniff'" : "no X-Content-Type-Options");
    return PROBE_FAIL;
}

static enum probe_status judge_referrer(const struct http_response *r, char *why, size_t len)
{
    const char *v = http_header(r, "Referrer-Policy");
    if (!v) {
        snprintf(why, len, "no Referrer-Policy");
        return PROBE_FAIL;
    }
    /* A comma list: browsers use the last value they understand. */
    const char *last = strrchr(v, ',');
    last = last ? last + 1 : v;
    while (isspace((unsigned char)*last))
        last++;
    static const char *const good[] = {"no-referrer", "same-origin", "strict-origin",
                                       "strict-origin-when-cross-origin"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (strcasecmp(last, good[i]) == 0) {
            snprintf(why, len, "Referrer-Policy %s", good[i]);
            return PROBE_PASS;
        }
    if (strcasecmp(last, "origin") == 0 || strcasecmp(last, "origin-when-cross-origin") == 0) {
        snprintf(why, len, "Referrer-Policy %s sends the origin over plain HTTP too", last);
        return PROBE_WARN;
    }
    snprintf(why, len, "Referrer-Policy '%s' leaks full URLs (cart and order ids) to other sites",
             last);
    return PROBE_FAIL;
}

static enum probe_status judge_permissions(const struct http_response *r, char *why, size_t len)
{
    const char *v = http_header(r, "Permissions-Policy");
    if (v && strchr(v, '=')) {
        snprintf(why, len, "Permissions-Policy present");
        return PROBE_PASS;
    }
    if (http_header(r, "Feature-Policy")) {
        snprintf(why, len, "only the obsolete Feature-Policy");
        return PROBE_WARN;
    }
    snprintf(why, len, v ? "Permissions-Policy has no directive" : "no Permissions-Policy");
    return PROBE_FAIL;
}

static void run_csp(struct probe_ctx *ctx)
{
    judge_pages(ctx, html_pages, 3, "Content-Security-Policy", judge_csp, PAGES_ONLY);
}

/* The pages and the API answers a browser may load from another site. */
static const enum endpoint any_answers[] = {EP_HOME,    EP_PRODUCT_PAGE, EP_CHECKOUT_PAGE,
                                            EP_CATALOG, EP_PRODUCT,      EP_SEARCH};

static void run_nosniff(struct probe_ctx *ctx)
{
    judge_pages(ctx, any_answers, sizeof any_answers / sizeof *any_answers,
                "X-Content-Type-Options", judge_nosniff, ANY_ANSWER);
}

static void run_framing(struct probe_ctx *ctx)
{
    judge_pages(ctx, html_pages, 3, "X-Frame-Options", judge_framing, PAGES_ONLY);
}

static void run_corp(struct probe_ctx *ctx)
{
    judge_pages(ctx, any_answers, sizeof any_answers / sizeof *any_answers,
                "Cross-Origin-Resource-Policy", judge_corp, ANY_ANSWER);
}

static void run_referrer(struct probe_ctx *ctx)
{
    judge_pages(ctx, html_pages, 3, "Referrer-Policy", judge_referrer, PAGES_ONLY);
}

static void run_permissions(struct probe_ctx *ctx)
{
    judge_pages(ctx, html_pages, 3, "Permissions-Policy", judge_permissions, PAGES_ONLY);
}

/* Headers that name software; a digit in them is a version. */
static const char *const leaky[] = {"Server",
                                    "X-Powered-By",
                                    "X-AspNet-Version",
                                    "X-AspNetMvc-Version",
                                    "X-Generator",
                                    "X-Runtime-Version",
                                    "Via"};

static void run_version_leak(struct probe_ctx *ctx)
{
    /* Error pages leak as often as pages do: a path that does not exist is asked too. */
    char missing[128];
    snprintf(missing, sizeof missing, "/storecheck-%08x-missing", (unsigned)probe_now_ms());
    const char *home = ctx->cfg->target.endpoints[EP_HOME];
    struct http_request reqs[3] = {{.url = home ? home : "/"}, {.url = missing}};
    /* The API's answer to the catalog's own request (a GraphQL catalog is its POST). */
    static const enum endpoint catalog[] = {EP_CATALOG};
    enum endpoint api[1];
    struct ep_request *rq = malloc(sizeof *rq);
    size_t n = 2 + (rq ? api_requests(ctx, catalog, 1, NULL, api, rq, &reqs[2]) : 0);
    struct http_response resps[3];
    size_t got = http_run(ctx, reqs, resps, n, 0);
    free(rq);
    int leaks = 0, named = 0;
    char first[512] = "";
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        if (!r->status) {
            http_evidence(ctx, r, NULL);
            http_response_free(r);
            continue;
        }
        for (size_t h = 0; h < sizeof leaky / sizeof *leaky; h++) {
            for (size_t k = 0;; k++) {
                const char *v = http_header_nth(r, leaky[h], k);
                if (!v)
                    break;
                int versioned = strpbrk(v, "0123456789") != NULL;
                /* Via carries protocol versions ("1.1 varnish"): only a product/1.2 counts. */
                if (strcasecmp(leaky[h], "Via") == 0)
                    versioned = strchr(v, '/') && strpbrk(strchr(v, '/'), "0123456789");
                if (versioned) {
                    if (!leaks++)
                        snprintf(first, sizeof first, "%s: %s", leaky[h], v);
                    http_evidence(ctx, r, "%s: %s", leaky[h], v);
                } else if (strcasecmp(leaky[h], "X-Powered-By") == 0) {
                    named++;
                    http_evidence(ctx, r, "%s: %s (names the software)", leaky[h], v);
                }
            }
        }
        http_response_free(r);
    }
    if (got == 0)
        probe_set(ctx, PROBE_ERROR, "no answer: %s", resps[0].error);
    else if (leaks)
        probe_set(ctx, PROBE_FAIL, "%d header(s) give software versions, e.g. %s", leaks, first);
    else if (named)
        probe_set(ctx, PROBE_WARN, "X-Powered-By names the software stack (no version)");
    else
        probe_set(ctx, PROBE_PASS, "no version in Server, X-Powered-By or similar headers");
}

/* An origin nobody owns (RFC 6761 .invalid), fresh per run. */
static void hostile_origin(char *buf, size_t len)
{
    snprintf(buf, len, "https://storecheck-%08x.invalid", (unsigned)(probe_now_ms() * 2654435761u));
}

/* The requests S-CORS sends: home, catalog and account each as its own request (the home
 * page "/" when not configured) with each Origin, and a preflight of the cart's request. */
struct cors_asks {
    struct http_request reqs[8];
    const char *keys[8], *sent[8];
    enum endpoint eps[8]; /* the endpoint whose request reqs[i] is; EP_COUNT: none */
    size_t n;
    struct ep_request rqs[4];
    char method_line[64];
};

static void cors_build(struct probe_ctx *ctx, const char *evil, const char *origin_hdr,
                       struct cors_asks *a)
{
    static const enum endpoint read[] = {EP_HOME, EP_CATALOG, EP_ACCOUNT};
    static const struct http_request root = {.url = "/"};
    char err[300];
    for (size_t i = 0; i < 3; i++) {
        int own = ctx->cfg->target.endpoints[read[i]] != NULL;
        if (!own && read[i] != EP_HOME)
            continue;
        if (own && store_request(ctx, read[i], NULL, &a->rqs[i], err, sizeof err)) {
            probe_evidence(ctx, NULL, 0, "%s not checked: %s", endpoint_names[read[i]], err);
            continue;
        }
        const char *origins[2][2] = {{evil, origin_hdr}, {"null", "Origin: null"}};
        for (size_t k = 0; k < 2; k++) {
            struct http_request *r = &a->reqs[a->n];
            *r = own ? a->rqs[i].req : root;
            size_t h = 0;
            while (r->headers[h])
                h++;
            r->headers[h] = origins[k][1];
            a->keys[a->n] = endpoint_names[read[i]];
            a->sent[a->n] = origins[k][0];
            a->eps[a->n++] = own ? read[i] : EP_COUNT;
        }
    }
    if (!ctx->cfg->target.endpoints[EP_CART])
        return;
    if (store_request(ctx, EP_CART, NULL, &a->rqs[3], err, sizeof err)) {
        probe_evidence(ctx, NULL, 0, "cart not checked: %s", err);
        return;
    }
    /* What a browser asks before sending the cart's own request from another site. */
    snprintf(a->method_line, sizeof a->method_line, "Access-Control-Request-Method: %s",
             a->rqs[3].req.method ? a->rqs[3].req.method : "POST");
    a->keys[a->n] = "cart";
    a->sent[a->n] = evil;
    a->eps[a->n] = EP_COUNT;
    a->reqs[a->n++] = (struct http_request){
        .method = "OPTIONS",
        .url = a->rqs[3].url,
        .headers = {origin_hdr, a->method_line, "Access-Control-Request-Headers: content-type"}};
}

static void run_cors(struct probe_ctx *ctx)
{
    char evil[96], origin_hdr[128];
    hostile_origin(evil, sizeof evil);
    snprintf(origin_hdr, sizeof origin_hdr, "Origin: %s", evil);
    struct cors_asks *a = calloc(1, sizeof *a);
    if (!a) {
        probe_set(ctx, PROBE_ERROR, "out of memory");
        return;
    }
    cors_build(ctx, evil, origin_hdr, a);
    const struct http_request *reqs = a->reqs;
    const char *const *keys = a->keys;
    size_t n = a->n;
    struct http_response resps[8];
    size_t got = http_run(ctx, reqs, resps, n, 0);
    enum probe_status worst = PROBE_PASS;
    char why[512] = "no arbitrary Origin is reflected", wrong[1600] = "";
    size_t fitting = 0;
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        if (!r->status) {
            http_evidence(ctx, r, NULL);
            http_response_free(r);
            continue;
        }
        /* A reflected Origin is a finding on any answer; a pass needs answers that fit: an
         * endpoint's good answer, or any answer that does not call the request wrong. */
        char bad[700];
        int fits = api_answer_fits(ctx, a->eps[i], keys[i], r, bad, sizeof bad);
        if (!fits && !wrong[0])
            snprintf(wrong, sizeof wrong, "%s", bad);
        fitting += fits;
        const char *sent = a->sent[i];
        const char *acao = http_header(r, "Access-Control-Allow-Origin");
        const char *acac = http_header(r, "Access-Control-Allow-Credentials");
        int creds = acac && strcasecmp(acac, "true") == 0;
        http_evidence(ctx, r,
                      "%s: Origin: %s -> Access-Control-Allow-Origin: %s, "
                      "Access-Control-Allow-Credentials: %s%s%s",
                      keys[i], sent, acao ? acao : "(none)", acac ? acac : "(none)",
                      fits ? "" : "; not counted for a pass: ", fits ? "" : bad);
        if (acao && strcmp(acao, sent) == 0) {
            enum probe_status st = creds ? PROBE_FAIL : PROBE_WARN;
            if (rank(st) > rank(worst)) {
                worst = st;
                snprintf(why, sizeof why, "Origin %s reflected%s on %s %s", sent,
                         creds ? " with credentials: any site can read shoppers' data"
                               : " (without credentials)",
                         reqs[i].method ? reqs[i].method : "GET", r->url);
            }
        }
        http_response_free(r);
    }
    if (got == 0)
        probe_set(ctx, PROBE_ERROR, "no answer: %s", n ? resps[0].error : "no request");
    else if (worst == PROBE_PASS && !fitting)
        probe_set(ctx, PROBE_SKIP, "%s", wrong);
    else
        probe_set(ctx, worst, "%s", why);
    free(a);
}

const struct probe probe_s_csp = {
    .id = "S-CSP",
    .group = GROUP_S,
    .title = "Content-Security-Policy restricts scripts, plugins and form targets",
    .severity = SEV_MEDIUM,
    .rationale = "A CSP without 'unsafe-inline', data: or any-host script sources stops "
                 "injected scripts (card skimmers) from running; object-src stops plugins, "
                 "form-action stops injected forms posting card data elsewhere, base-uri stops "
                 "a <base> moving trusted scripts.",
    .remediation = "Send Content-Security-Policy with script-src listing your own and your "
                   "payment provider's origins, or nonces with 'strict-dynamic' (hashes for "
                   "inline code), object-src 'none', base-uri 'self' and form-action 'self', "
                   "as a header (a <meta> policy cannot set frame-ancestors).",
    .references = "https://www.w3.org/TR/CSP3/ "
                  "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
    .run = run_csp,
};

const struct probe probe_s_x_frame_options = {
    .id = "S-X-FRAME-OPTIONS",
    .group = GROUP_S,
    .title = "Pages cannot be framed by other sites (frame-ancestors or X-Frame-Options)",
    .severity = SEV_MEDIUM,
    .rationale = "A store page another site can frame can be overlaid with a decoy "
                 "(clickjacking): shoppers click 'pay' or 'change address' without knowing.",
    .remediation = "Send Content-Security-Policy: frame-ancestors 'none' (or 'self'), and "
                   "X-Frame-Options: DENY (or SAMEORIGIN) for older browsers.",
    .references = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options "
                  "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
    .run = run_framing,
};

const struct probe probe_s_corp = {
    .id = "S-CORP",
    .group = GROUP_S,
    .title = "Cross-Origin-Resource-Policy keeps answers to the store's own pages",
    .severity = SEV_LOW,
    .rationale = "Without it, any site may load the store's pages and API answers into its own "
                 "process (<img>, <script>), where side channels such as Spectre can read a "
                 "signed-in shopper's data.",
    .remediation = "Send Cross-Origin-Resource-Policy: same-origin (or same-site when the "
                   "store's own subdomains load each other's answers) on pages and API answers.",
    .references = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/"
                  "Cross-Origin-Resource-Policy "
                  "https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header",
    .run = run_corp,
};

const struct probe probe_s_nosniff = {
    .id = "S-NOSNIFF",
    .group = GROUP_S,
    .title = "X-Content-Type-Options: nosniff",
    .severity = SEV_LOW,
    .rationale = "Without nosniff, browsers may execute an uploaded or API response as script.",
    .remediation = "Send X-Content-Type-Options: nosniff on every response.",
    .references = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/"
                  "X-Content-Type-Options",
    .run = run_nosniff,
};

const struct probe probe_s_referrer_policy = {
    .id = "S-REFERRER-POLICY",
    .group = GROUP_S,
    .title = "Referrer-Policy keeps URLs private",
    .severity = SEV_LOW,
    .rationale = "Cart, order and password-reset URLs leak to third parties in the Referer "
                 "header unless a strict policy is set.",
    .remediation = "Send Referrer-Policy: strict-origin-when-cross-origin (or stricter).",
    .references = "https://www.w3.org/TR/referrer-policy/",
    .run = run_referrer,
};

const struct probe probe_s_permissions_policy = {
    .id = "S-PERMISSIONS-POLICY",
    .group = GROUP_S,
    .title = "Permissions-Policy limits powerful features",
    .severity = SEV_LOW,
    .rationale = "Third-party scripts on store pages should not get the camera, microphone, "
                 "geolocation or payment APIs unless the store needs them.",
    .remediation = "Send Permissions-Policy, e.g. camera=(), microphone=(), geolocation=().",
    .references = "https://www.w3.org/TR/permissions-policy/",
    .run = run_permissions,
};

const struct probe probe_s_version_leak = {
    .id = "S-VERSION-LEAK",
    .group = GROUP_S,
    .title = "Server and X-Powered-By do not leak versions",
    .severity = SEV_LOW,
    .rationale = "Version numbers tell attackers which known vulnerabilities to try first.",
    .remediation = "Keep versions out of the answers: the web server's and proxy's product "
                   "without a version in Server and Via, and no X-Powered-By, X-AspNet-Version "
                   "or X-Generator from the application (a recognised stack's own setting is "
                   "given first).",
    .references = "https://owasp.org/www-project-secure-headers/",
    .run = run_version_leak,
};

const struct probe probe_s_cors = {
    .id = "S-CORS",
    .group = GROUP_S,
    .title = "CORS does not reflect arbitrary origins with credentials",
    .severity = SEV_HIGH,
    .rationale = "Reflecting any Origin with Access-Control-Allow-Credentials lets every "
                 "website read a logged-in shopper's cart, orders and account through their "
                 "browser.",
    .remediation = "Allow-list the store's own front-end origins; never echo the Origin header "
                   "back, and never allow 'null', when credentials are allowed.",
    .references = "https://portswigger.net/web-security/cors "
                  "https://fetch.spec.whatwg.org/#http-cors-protocol",
    .run = run_cors,
};
