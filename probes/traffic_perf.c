/* T group, delivery: compression, HTTP/2, the latency of key pages, rate limiting under a
 * bounded burst. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/answer_fit.h"
#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/conn_gate.h"
#include "probes/figure.h"
#include "probes/http.h"
#include "probes/store.h"
#include "probes/tls.h"

enum { COMPRESS_MIN_BYTES = 1024 };

static int is_text(const char *ctype)
{
    return ctype && (strncasecmp(ctype, "text/", 5) == 0 || http_strcasestr(ctype, "json") ||
                     http_strcasestr(ctype, "javascript") || http_strcasestr(ctype, "xml") ||
                     http_strcasestr(ctype, "svg"));
}

static void run_compression(struct probe_ctx *ctx)
{
    /* Pages and the API's read answers: large JSON lists cost as much as pages. */
    static const enum endpoint eps[] = {EP_HOME, EP_PRODUCT_PAGE, EP_CATALOG, EP_PRODUCT,
                                        EP_SEARCH};
    static const char *const accept_encoding = "Accept-Encoding: gzip, br";
    struct http_response resps[6];
    enum endpoint got[6];
    size_t n = api_fetch(ctx, eps, sizeof eps / sizeof *eps, accept_encoding, got, resps);
    const char *keys[6];
    size_t napi = n;
    for (size_t i = 0; i < n; i++)
        keys[i] = endpoint_names[got[i]];
    char asset[1024], err[300];
    if (store_static_asset(ctx, asset, sizeof asset, err, sizeof err) == 0) {
        struct http_request req = {.url = asset, .headers = {accept_encoding}};
        http_get1(ctx, &req, &resps[n]);
        keys[n++] = "static asset";
    }
    int judged = 0, plain = 0, answered = 0;
    char first[1200] = "", wrong[1600] = "", last_error[300] = "";
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        if (!r->status) {
            http_evidence(ctx, r, NULL);
            snprintf(last_error, sizeof last_error, "%s", r->error);
            http_response_free(r);
            continue;
        }
        answered++;
        const char *ce = http_header(r, "Content-Encoding");
        const char *ct = http_header(r, "Content-Type");
        int encoded = ce && strcasecmp(ce, "identity") != 0;
        /* An endpoint's answer is judged when it is the endpoint's good one; the asset's
         * when it does not call the request wrong. */
        char bad[700];
        if (!api_answer_fits(ctx, i < napi ? got[i] : EP_COUNT, keys[i], r, bad, sizeof bad)) {
            http_evidence(ctx, r, "%s: not judged: %s", keys[i], bad);
            if (!wrong[0])
                snprintf(wrong, sizeof wrong, "%s", bad);
            http_response_free(r);
            continue;
        }
        if (r->status == 200 && is_text(ct) && (encoded || r->body_len >= COMPRESS_MIN_BYTES)) {
            judged++;
            if (!encoded && !plain++)
                snprintf(first, sizeof first, "%s (%zu bytes of %s)", r->url, r->body_len, ct);
        }
        http_evidence(ctx, r, "%s: Content-Type: %s; Content-Encoding: %s; %zu bytes", keys[i],
                      ct ? ct : "(none)", ce ? ce : "(none)", r->body_len);
        http_response_free(r);
    }
    if (n == 0)
        probe_set(ctx, PROBE_SKIP,
                  "nothing to fetch: set target.endpoints.home, catalog, product, search or "
                  "static_asset");
    else if (answered == 0)
        probe_set(ctx, PROBE_ERROR, "no answer: %s", last_error);
    else if (judged == 0 && wrong[0])
        probe_set(ctx, PROBE_SKIP, "%s", wrong);
    else if (judged == 0)
        probe_set(ctx, PROBE_SKIP, "no text response of %d bytes or more to judge",
                  COMPRESS_MIN_BYTES);
    else if (plain)
        probe_set(ctx, PROBE_FAIL,
                  "%d of %d text responses uncompressed despite "
                  "Accept-Encoding: gzip, br, e.g. %s",
                  plain, judged, first);
    else
        probe_set(ctx, PROBE_PASS, "all %d text responses compressed", judged);
}

static void run_http2(struct probe_ctx *ctx)
{
    if (!ctx->cfg->target.base.tls) {
        probe_set(ctx, PROBE_SKIP,
                  "target.base_url is plain http: browsers use HTTP/2 only over "
                  "TLS (ALPN)");
        ctx->result->cause = CAUSE_NO_TLS;
        return;
    }
    struct tls_attempt a = {.alpn = "h2,http/1.1"};
    struct tls_outcome o;
    char label[400];
    snprintf(label, sizeof label, "TLS handshake %s:%u (ALPN h2, http/1.1)",
             ctx->cfg->target.base.host, ctx->cfg->target.base.port);
    if (tls_try(ctx, &a, &o) != 0) {
        probe_evidence(ctx, label, 0, "%s", o.error);
        probe_set(ctx, PROBE_ERROR, "%s", o.error);
    } else {
        probe_evidence(ctx, label, 0, "ALPN selected: %s", o.alpn[0] ? o.alpn : "(none)");
        if (strcmp(o.alpn, "h2") == 0)
            probe_set(ctx, PROBE_PASS, "HTTP/2 offered through ALPN");
        else
            probe_set(ctx, PROBE_WARN,
                      "HTTP/2 not offered (ALPN: %s): page loads multiplex "
                      "nothing over one connection",
                      o.alpn[0] ? o.alpn : "none");
    }
    tls_outcome_free(&o);
}

enum { LATENCY_SAMPLES = 5, LATENCY_PAGES = 4, DEFAULT_BUDGET_MS = 800 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void run_latency(struct probe_ctx *ctx)
{
    static const enum endpoint eps[] = {EP_HOME, EP_PRODUCT_PAGE, EP_CATALOG, EP_SEARCH};
    uint64_t budget =
        ctx->cfg->audit.latency_budget_ms ? ctx->cfg->audit.latency_budget_ms : DEFAULT_BUDGET_MS;
    /* Each endpoint's own request: a catalog read over GraphQL is its POST, not a GET of
     * the GraphQL path. */
    struct ep_request *rqs[LATENCY_PAGES];
    const char *names[LATENCY_PAGES];
    size_t n = 0;
    for (size_t i = 0; i < LATENCY_PAGES; i++) {
        char err[300];
        rqs[n] = malloc(sizeof *rqs[n]);
        if (rqs[n] && store_request(ctx, eps[i], NULL, rqs[n], err, sizeof err) == 0)
            names[n++] = endpoint_names[eps[i]];
        else
            free(rqs[n]);
    }
    if (n == 0) {
        probe_set(ctx, PROBE_SKIP,
                  "nothing to time: set target.endpoints.home, product_page, catalog or search");
        return;
    }
    double samples[LATENCY_PAGES][LATENCY_SAMPLES];
    int count[LATENCY_PAGES] = {0}, over[LATENCY_PAGES] = {0};
    char error[300] = "", wrong[1600] = "";
    /* Rounds of one request per page, the pages in parallel. A page's median is settled once
     * more than half its samples are over budget: no need to wait for the rest. */
    for (int round = 0; round < LATENCY_SAMPLES && !probe_should_stop(ctx); round++) {
        struct http_request reqs[LATENCY_PAGES];
        struct http_response resps[LATENCY_PAGES];
        size_t idx[LATENCY_PAGES], m = 0;
        for (size_t i = 0; i < n; i++) {
            if (over[i] > LATENCY_SAMPLES / 2)
                continue;
            reqs[m] = rqs[i]->req;
            idx[m++] = i;
        }
        if (m == 0)
            break;
        http_run(ctx, reqs, resps, m, 0);
        for (size_t k = 0; k < m; k++) {
            size_t i = idx[k];
            if (resps[k].status / 100 == 2) {
                samples[i][count[i]++] = resps[k].total_ms;
                over[i] += resps[k].total_ms > (double)budget;
            } else if (answer_fit_mismatch(resps[k].status)) {
                /* Not the page asked for: not timed, and the config is to blame. */
                if (!wrong[0])
                    answer_fit_explain(&resps[k], names[i], wrong, sizeof wrong);
                if (round == 0)
                    http_evidence(ctx, &resps[k], "%s: not timed (%s)", names[i],
                                  answer_fit_mismatch(resps[k].status));
            } else if (!error[0]) {
                snprintf(error, sizeof error, "%s: %s", resps[k].request_line,
                         resps[k].status ? "not 2xx" : resps[k].error);
                http_evidence(ctx, &resps[k], NULL);
            }
            http_response_free(&resps[k]);
        }
    }
    int slow = 0, measured = 0;
    double worst = 0;
    const char *worst_name = "";
    for (size_t i = 0; i < n; i++) {
        if (count[i] == 0)
            continue;
        measured++;
        qsort(samples[i], (size_t)count[i], sizeof samples[i][0], cmp_double);
        double med = samples[i][count[i] / 2];
        char fmed[FIGURE_LEN], fmin[FIGURE_LEN], fmax[FIGURE_LEN];
        probe_evidence(
            ctx, rqs[i]->url, 0,
            "%s: median %s of %d (min %s, max %s; each on a new connection), "
            "budget %llu ms",
            names[i], figure(fmed, sizeof fmed, med, 0, FIGURE_MAX_WAIT_MS, 0, "ms"), count[i],
            figure(fmin, sizeof fmin, samples[i][0], 0, FIGURE_MAX_WAIT_MS, 0, "ms"),
            figure(fmax, sizeof fmax, samples[i][count[i] - 1], 0, FIGURE_MAX_WAIT_MS, 0, "ms"),
            (unsigned long long)budget);
        if (med > (double)budget)
            slow++;
        if (med > worst) {
            worst = med;
            worst_name = names[i];
        }
    }
    for (size_t i = 0; i < n; i++)
        free(rqs[i]);
    if (probe_should_stop(ctx))
        return;
    char fworst[FIGURE_LEN];
    figure(fworst, sizeof fworst, worst, 0, FIGURE_MAX_WAIT_MS, 0, "ms");
    if (measured == 0 && wrong[0] && !error[0])
        probe_set(ctx, PROBE_SKIP, "%s", wrong);
    else if (measured == 0)
        probe_set(ctx, PROBE_ERROR, "no page answered 2xx: %s", error);
    else if (slow)
        probe_set(ctx, PROBE_FAIL, "%s median %s is over the %llu ms budget", worst_name, fworst,
                  (unsigned long long)budget);
    else
        probe_set(ctx, PROBE_PASS, "slowest median %s (%s), budget %llu ms", fworst, worst_name,
                  (unsigned long long)budget);
}

enum { BURST_REQUESTS = 200, BURST_PARALLEL = 20, BURST_WINDOW_MS = 2000, BURST_GRACE_MS = 1000 };

static int has_rate_fields(const struct http_response *r)
{
    return http_header(r, "Retry-After") || http_header(r, "RateLimit") ||
           http_header(r, "RateLimit-Limit") || http_header(r, "RateLimit-Policy") ||
           http_header(r, "X-RateLimit-Limit") || http_header(r, "X-RateLimit-Remaining");
}

enum { TALLY_MAX = 4 };

/* Counts of the statuses of a burst's request errors, said as "180 x 400, 20 x 415". */
struct status_tally {
    int status[TALLY_MAX];
    size_t count[TALLY_MAX], n, others;
};

static void tally_add(struct status_tally *t, int status)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->status[i] == status) {
            t->count[i]++;
            return;
        }
    if (t->n == TALLY_MAX) {
        t->others++;
        return;
    }
    t->status[t->n] = status;
    t->count[t->n++] = 1;
}

static void tally_text(const struct status_tally *t, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%zu x %d", i ? ", " : "", t->count[i],
                                 t->status[i]);
    if (t->others && used < len)
        snprintf(out + used, len - used, ", %zu others", t->others);
}

static void run_rate_limit(struct probe_ctx *ctx)
{
    const struct target *t = &ctx->cfg->target;
    char err[300];
    int login = t->endpoints[EP_LOGIN] != NULL;
    /* Credentials nobody has: a login limiter counts failed attempts too. The login endpoint
     * written as a request sends its own body and headers instead. */
    static const struct ep_defaults login_defaults = {
        "POST",
        "{\"username\":\"storecheck-rate-probe@example.invalid\",\"password\":\"not-a-password\"}",
        NULL};
    struct store_values in = {.defaults = login ? &login_defaults : NULL};
    struct ep_request *rq = malloc(sizeof *rq);
    if (!rq || store_request(ctx, login ? EP_LOGIN : EP_SEARCH, &in, rq, err, sizeof err) != 0) {
        free(rq);
        if (!t->endpoints[EP_LOGIN] && !t->endpoints[EP_SEARCH])
            probe_set(ctx, PROBE_SKIP,
                      "nothing to burst: set target.endpoints.login (else search)");
        else
            probe_set(ctx, PROBE_ERROR, "%s", rq ? err : "out of memory");
        return;
    }
    const char *url = rq->url;
    struct http_request *reqs = calloc(BURST_REQUESTS, sizeof *reqs);
    struct http_response *resps = calloc(BURST_REQUESTS, sizeof *resps);
    if (!reqs || !resps) {
        free(reqs);
        free(resps);
        free(rq);
        probe_set(ctx, PROBE_ERROR, "out of memory");
        return;
    }
    for (size_t i = 0; i < BURST_REQUESTS; i++)
        reqs[i] = rq->req;
    /* The burst is bounded in count and in time: what is not sent within the window is not
     * sent at all. */
    struct probe_ctx burst = *ctx;
    uint64_t t0 = probe_now_ms();
    if (burst.deadline_ms > t0 + BURST_WINDOW_MS + BURST_GRACE_MS)
        burst.deadline_ms = t0 + BURST_WINDOW_MS + BURST_GRACE_MS;
    http_run(&burst, reqs, resps, BURST_REQUESTS, BURST_PARALLEL);
    /* The audit's bound on connections per host caps the burst's concurrency too. */
    unsigned limit = ctx->cfg->audit.max_connections_per_host
                         ? ctx->cfg->audit.max_connections_per_host
                         : CONN_GATE_DEFAULT;
    unsigned in_flight = limit < BURST_PARALLEL ? limit : BURST_PARALLEL;
    char took[FIGURE_LEN];
    figure(took, sizeof took, (double)figure_ms_between(probe_now_ms(), t0), 0, FIGURE_MAX_WAIT_MS,
           0, "ms");
    size_t answered = 0, limited = 0, limited_fields = 0, server_errors = 0, transport = 0,
           request_errors = 0;
    struct status_tally wrong = {0};
    struct http_response *first_429 = NULL, *first_5xx = NULL;
    char transport_error[300] = "";
    for (size_t i = 0; i < BURST_REQUESTS; i++) {
        struct http_response *r = &resps[i];
        if (!r->status) {
            if (r->failure != HTTP_FAIL_NOT_SENT) {
                transport++;
                snprintf(transport_error, sizeof transport_error, "%s", r->error);
            }
            continue;
        }
        answered++;
        if (r->status == 429) {
            limited++;
            limited_fields += has_rate_fields(r);
            if (!first_429 || (!has_rate_fields(first_429) && has_rate_fields(r)))
                first_429 = r;
        } else if (r->status >= 500 && !server_errors++) {
            first_5xx = r;
        } else if (answer_fit_request_error(r->status)) {
            tally_add(&wrong, r->status);
            if (!request_errors++)
                http_evidence(ctx, r, "a request error: the store did not take this as a %s",
                              login ? "login" : "search");
        }
    }
    if (first_429) {
        const char *ra = http_header(first_429, "Retry-After");
        const char *rl = http_header(first_429, "RateLimit-Limit");
        if (!rl)
            rl = http_header(first_429, "RateLimit");
        http_evidence(ctx, first_429, "Retry-After: %s; RateLimit: %s", ra ? ra : "(none)",
                      rl ? rl : "(none)");
    }
    if (first_5xx)
        http_evidence(ctx, first_5xx, "server error during the burst");
    char wrong_text[120];
    tally_text(&wrong, wrong_text, sizeof wrong_text);
    probe_evidence(ctx, url, 0,
                   "%zu answered in %s (%u at most in flight): %zu x 429 "
                   "(%zu with Retry-After/RateLimit), %zu x 5xx, %zu request errors%s%s%s, "
                   "%zu transport errors",
                   answered, took, in_flight, limited, limited_fields, server_errors,
                   request_errors, request_errors ? " (" : "", wrong_text,
                   request_errors ? ")" : "", transport);
    const char *kind = login ? "login attempts" : "searches";
    if (answered == 0)
        probe_set(ctx, PROBE_ERROR, "no answer during the burst: %s", transport_error);
    else if (server_errors)
        probe_set(ctx, PROBE_FAIL,
                  "%zu of %zu burst requests got 5xx (first: %d): overload "
                  "shows as errors, not as 429",
                  server_errors, answered, first_5xx->status);
    else if (limited && limited_fields)
        probe_set(ctx, PROBE_PASS,
                  "throttled with 429 and Retry-After/RateLimit fields after "
                  "%zu allowed requests",
                  answered - limited);
    else if (limited)
        probe_set(ctx, PROBE_WARN,
                  "throttled with 429, but without Retry-After or RateLimit "
                  "fields to tell clients when to retry");
    else if (request_errors * 2 > answered)
        probe_set(ctx, PROBE_SKIP,
                  "%zu of %zu answers were request errors (%s): the store did not take the "
                  "burst as %s, so its limiter was not tested; the probe sends %s to "
                  "target.endpoints.%s",
                  request_errors, answered, wrong_text, kind,
                  login ? "POST JSON {\"username\", \"password\"}" : "GET",
                  login ? "login" : "search");
    else if (transport > answered / 10)
        probe_set(ctx, PROBE_WARN,
                  "no 429, but %zu connections failed (%s): throttling by "
                  "dropping connections, or overload",
                  transport, transport_error);
    else
        probe_set(ctx, PROBE_WARN, "%zu %s in %s, none throttled%s", answered - request_errors,
                  kind, took, request_errors ? " (request errors not counted)" : "");
    for (size_t i = 0; i < BURST_REQUESTS; i++)
        http_response_free(&resps[i]);
    free(reqs);
    free(resps);
    free(rq);
}

const struct probe probe_t_compression = {
    .id = "T-COMPRESSION",
    .group = GROUP_T,
    .title = "Text responses are compressed (gzip/br)",
    .severity = SEV_LOW,
    .rationale = "Compression cuts the bytes of HTML, CSS, JS and JSON by 70-90%: faster pages "
                 "on mobile networks and less egress during a peak.",
    .remediation = "Enable gzip (and brotli) for text types at the server or CDN (nginx: gzip "
                   "on; gzip_types ...).",
    .references = "https://www.rfc-editor.org/rfc/rfc9110#section-8.4",
    .run = run_compression,
};

const struct probe probe_t_http2 = {
    .id = "T-HTTP2",
    .group = GROUP_T,
    .title = "HTTP/2 offered through ALPN",
    .severity = SEV_LOW,
    .rationale = "HTTP/2 multiplexes a page's requests over one connection; under HTTP/1.1 "
                 "browsers open several connections per page.",
    .remediation = "Enable HTTP/2 on the TLS listener (nginx: listen 443 ssl http2; or "
                   "http2 on;).",
    .references = "https://www.rfc-editor.org/rfc/rfc9113 "
                  "https://www.rfc-editor.org/rfc/rfc7301",
    .run = run_http2,
};

const struct probe probe_t_latency = {
    .id = "T-LATENCY",
    .group = GROUP_T,
    .title = "Key pages answer within the latency budget",
    .severity = SEV_MEDIUM,
    .rationale = "A store that is slow when idle is slower under launch traffic; every 100 ms "
                 "costs conversions.",
    .remediation = "Profile the slow page: cache catalog reads, add indexes, move work off the "
                   "request path. Set audit.latency_budget to the store's own target.",
    .references = "https://web.dev/articles/ttfb",
    .flags = PROBE_SOLO,
    .run = run_latency,
};

const struct probe probe_t_rate_limit = {
    .id = "T-RATE-LIMIT",
    .group = GROUP_T,
    .title = "Login or search is rate limited under a burst (429, not 5xx)",
    .severity = SEV_MEDIUM,
    .rationale = "Credential stuffing and scraping bots send bursts; a limiter should answer "
                 "429 with Retry-After, and overload must never show up as 5xx.",
    .remediation = "Rate-limit login and search per client (nginx: limit_req with "
                   "limit_req_status 429; add Retry-After), and answer over-limit requests "
                   "before they reach the application.",
    .references = "https://www.rfc-editor.org/rfc/rfc6585#section-4 "
                  "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/",
    .flags = PROBE_SOLO,
    .run = run_rate_limit,
};
