/* O group, error answers: not-found, wrong method and malformed requests answered without a
 * stack trace or debug page, and an oversized body refused with 413. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/answer_fit.h"
#include "probes/api_path.h"
#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/leaks.h"
#include "probes/nonce.h"
#include "probes/raw.h"
#include "probes/store.h"

/* Judge one error answer; returns 1 when it is a finding (and says so in problem). */
static int judge_error(struct probe_ctx *ctx, const char *what, int status, const char *body,
                       const char *request, char *problem, size_t len)
{
    char excerpt[160];
    const char *leak = leak_find(body, LEAK_DEBUG, excerpt, sizeof excerpt);
    if (leak) {
        probe_evidence(ctx, request, status, "%s: %s: %s", what, leak, excerpt);
        if (!problem[0])
            snprintf(problem, len, "the %s answer shows a %s", what, leak);
        return 1;
    }
    if (status >= 500) {
        probe_evidence(ctx, request, status, "%s: a server error", what);
        if (!problem[0])
            snprintf(problem, len, "the %s answer is a server error (%d)", what, status);
        return 1;
    }
    probe_evidence(ctx, request, status, "%s: no stack trace or debug output", what);
    return 0;
}

static void run_error_pages(struct probe_ctx *ctx)
{
    const struct config *cfg = ctx->cfg;
    char missing[64], prefix[512], api_missing[600], err[300];
    nonce_hex(missing + snprintf(missing, sizeof missing, "/storecheck-missing-"), 8);
    api_path_prefix(cfg->target.endpoints[EP_CATALOG], prefix, sizeof prefix);
    snprintf(api_missing, sizeof api_missing, "%s%s", prefix, missing + 1);
    struct http_request reqs[4];
    const char *what[4];
    size_t n = 0;
    reqs[n] = (struct http_request){.url = missing, .headers = {"Accept: text/html"}};
    what[n++] = "page not found";
    if (prefix[0]) {
        reqs[n] =
            (struct http_request){.url = api_missing, .headers = {"Accept: application/json"}};
        what[n++] = "API not found";
    }
    /* The catalog's own request (its headers, the shopper's values) with a method no store
     * serves. */
    struct ep_request *rqs = malloc(2 * sizeof *rqs);
    if (rqs &&
        store_request_instead(ctx, EP_CATALOG, "TRACE", NULL, &rqs[0], err, sizeof err) == 0) {
        reqs[n] = rqs[0].req;
        what[n++] = "wrong method";
    }
    /* Malformed JSON to an API that takes JSON, in its own request: the parser's error is
     * where frameworks in development mode show their stack (Express's body-parser, for
     * one). Nothing can be created from a body that does not parse. */
    static const enum endpoint posts[] = {EP_CART, EP_LOGIN};
    for (size_t i = 0; rqs && i < sizeof posts / sizeof *posts; i++) {
        if (store_request_instead(ctx, posts[i], NULL, "{\"storecheck\": [malformed", &rqs[1], err,
                                  sizeof err) != 0)
            continue;
        reqs[n] = rqs[1].req;
        what[n++] = "malformed JSON";
        break;
    }
    struct http_response resps[4];
    http_run(ctx, reqs, resps, n, 0);
    free(rqs);
    char problem[400] = "";
    int findings = 0, answered = 0, unanswered = 0;
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        if (!r->status) {
            unanswered++;
            http_evidence(ctx, r, "%s", what[i]);
        } else {
            answered++;
            findings += judge_error(ctx, what[i], r->status, r->body, r->request_line, problem,
                                    sizeof problem);
        }
        http_response_free(r);
    }
    /* A request no client library would send: a header line without a colon. */
    char raw[512], label[600];
    int rawlen = snprintf(raw, sizeof raw,
                          "GET / HTTP/1.1\r\nHost: %s\r\nthis line is not a header\r\n"
                          "Connection: close\r\n\r\n",
                          cfg->target.base.host);
    snprintf(label, sizeof label, "malformed GET / to %s:%u", cfg->target.base.host,
             cfg->target.base.port);
    struct raw_reply rr;
    if (raw_exchange(ctx, NULL, raw, (size_t)rawlen, &rr) == 0) {
        answered++;
        const char *body = strstr(rr.head, "\r\n\r\n");
        findings += judge_error(ctx, "malformed request", rr.status, body ? body : "", label,
                                problem, sizeof problem);
    } else {
        /* Closing the connection on garbage is a fine answer too. */
        probe_evidence(ctx, label, 0, "malformed request: %s", rr.error);
    }
    if (findings)
        probe_set(ctx, PROBE_FAIL, "%s", problem);
    else if (unanswered)
        probe_set(ctx, PROBE_ERROR, "%d of %zu error requests got no answer", unanswered, n);
    else
        probe_set(ctx, PROBE_PASS,
                  "%d error answers without stack traces, debug pages or "
                  "server errors",
                  answered);
}

enum { OVERSIZE_BYTES = 2 * 1024 * 1024 };

static void run_body_limit(struct probe_ctx *ctx)
{
    static const enum endpoint eps[] = {EP_CART, EP_CHECKOUT, EP_LOGIN, EP_CATALOG};
    char err[300];
    char *body = malloc(OVERSIZE_BYTES + 1);
    struct ep_request *rq = malloc(sizeof *rq);
    if (!body || !rq) {
        free(body);
        free(rq);
        probe_set(ctx, PROBE_ERROR, "out of memory");
        return;
    }
    /* The first endpoint's own request (its headers, the shopper's values) with the body. */
    size_t i = 0;
    while (i < sizeof eps / sizeof *eps &&
           store_request_instead(ctx, eps[i], NULL, body, rq, err, sizeof err) != 0)
        i++;
    if (i == sizeof eps / sizeof *eps) {
        free(body);
        free(rq);
        probe_set(ctx, PROBE_SKIP,
                  "nothing to post to: set target.endpoints.cart (or checkout, login, catalog)");
        return;
    }
    /* Valid JSON, so that only the size can be the reason to refuse it. */
    memset(body, 'a', OVERSIZE_BYTES);
    memcpy(body, "{\"pad\":\"", 8);
    memcpy(body + OVERSIZE_BYTES - 2, "\"}", 2);
    body[OVERSIZE_BYTES] = '\0';
    struct http_response r;
    http_get1(ctx, &rq->req, &r);
    free(body);
    free(rq);
    char excerpt[160];
    const char *leak = r.status ? leak_find(r.body, LEAK_DEBUG, excerpt, sizeof excerpt) : NULL;
    /* 413 is the answer asked for; 404, 405 or 415 say the endpoint was the wrong one. */
    if (!leak && answer_fit_skip(ctx, &r, endpoint_names[eps[i]])) {
        http_response_free(&r);
        return;
    }
    http_evidence(ctx, &r, "a %d MiB JSON body to %s%s%s", OVERSIZE_BYTES >> 20,
                  endpoint_names[eps[i]], leak ? "; " : "", leak ? excerpt : "");
    if (!r.status)
        probe_set(ctx, PROBE_ERROR, "no answer to a %d MiB body: %s", OVERSIZE_BYTES >> 20,
                  r.error);
    else if (r.status >= 500)
        probe_set(ctx, PROBE_FAIL, "a %d MiB body got %d, not 413", OVERSIZE_BYTES >> 20, r.status);
    else if (leak)
        probe_set(ctx, PROBE_FAIL, "the answer to a %d MiB body shows a %s", OVERSIZE_BYTES >> 20,
                  leak);
    else if (r.status == 413)
        probe_set(ctx, PROBE_PASS, "a %d MiB body is refused with 413", OVERSIZE_BYTES >> 20);
    else if (r.status / 100 == 2)
        probe_set(ctx, PROBE_WARN,
                  "a %d MiB body was accepted (%d): no request size limit "
                  "in front of the application",
                  OVERSIZE_BYTES >> 20, r.status);
    else
        probe_set(ctx, PROBE_WARN, "a %d MiB body got %d, not 413 Content Too Large",
                  OVERSIZE_BYTES >> 20, r.status);
    http_response_free(&r);
}

const struct probe probe_o_error_pages = {
    .id = "O-ERROR-PAGES",
    .group = GROUP_O,
    .title = "Error answers carry no stack trace or debug page",
    .severity = SEV_MEDIUM,
    .rationale = "Stack traces and debug pages on 404, 405 or a malformed request hand out "
                 "file paths, framework versions, queries and sometimes settings.",
    .remediation = "Turn debug mode off in production and render errors from a template "
                   "(problem+json for the API).",
    .references = "https://owasp.org/www-community/Improper_Error_Handling "
                  "https://www.rfc-editor.org/rfc/rfc9457",
    .run = run_error_pages,
};

const struct probe probe_o_body_limit = {
    .id = "O-BODY-LIMIT",
    .group = GROUP_O,
    .title = "Oversized request bodies get 413, not 500",
    .severity = SEV_LOW,
    .rationale = "A store that buffers any body is easy to exhaust; one that crashes on it "
                 "shows 500s in its error rate and alerts.",
    .remediation = "Limit request bodies at the edge (nginx: client_max_body_size) and answer "
                   "413.",
    .references = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
    .run = run_body_limit,
};
