/* O group, what every answer should carry: a request id or trace context to correlate logs,
 * and a Date from a synchronised clock. */
#define _GNU_SOURCE /* timegm, strptime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/figure.h"
#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/store.h"

/* An ordinary answer is looked at from the first of these the config has. */
static const enum endpoint ordinary[] = {EP_CATALOG, EP_HOME, EP_HEALTH};

/* The URL of the first configured of ordinary[] from *from on, its index in *from. */
static int ordinary_url(struct probe_ctx *ctx, size_t *from, char *url, size_t len)
{
    char err[300];
    for (; *from < sizeof ordinary / sizeof *ordinary; (*from)++)
        if (store_endpoint_url(ctx, ordinary[*from], url, len, err, sizeof err) == 0)
            return 0;
    return -1;
}

static const char no_ordinary[] = "nothing to ask: set target.endpoints.catalog (or home, health)";

/* Ask the first configured of catalog, home, health, each as its own request, with the
 * request id headers (the next one when the answer is not the endpoint's good one); 0 with r
 * filled and the endpoint's name in key, or -1 with the verdict set. */
static int ask_with_ids(struct probe_ctx *ctx, const char *const *headers, struct http_response *r,
                        const char **key)
{
    char wrong[1600] = "", why[700];
    struct ep_request *rq = malloc(sizeof *rq);
    for (size_t i = 0; rq && i < sizeof ordinary / sizeof *ordinary; i++) {
        struct store_values in = {.extra = headers[0]};
        if (store_request(ctx, ordinary[i], &in, rq, why, sizeof why))
            continue;
        size_t h = 0;
        while (rq->req.headers[h])
            h++;
        rq->req.headers[h] = headers[1];
        if (http_get1(ctx, &rq->req, r) != 0) {
            http_evidence(ctx, r, NULL);
            probe_set(ctx, PROBE_ERROR, "no answer: %s", r->error);
            http_response_free(r);
            free(rq);
            return -1;
        }
        if (api_answer_fits(ctx, ordinary[i], endpoint_names[ordinary[i]], r, why, sizeof why)) {
            *key = endpoint_names[ordinary[i]];
            free(rq);
            return 0;
        }
        http_evidence(ctx, r, "%s: not judged: %s", endpoint_names[ordinary[i]], why);
        if (!wrong[0])
            snprintf(wrong, sizeof wrong, "%s", why);
        http_response_free(r);
    }
    if (!rq)
        probe_set(ctx, PROBE_ERROR, "out of memory");
    else
        probe_set(ctx, PROBE_SKIP, "%s", wrong[0] ? wrong : no_ordinary);
    free(rq);
    return -1;
}

static void run_request_id(struct probe_ctx *ctx)
{
    char rid[40], trace[33], span[17], rid_line[80], tp_line[120];
    nonce_hex(rid, 12);
    nonce_hex(trace, 16);
    nonce_hex(span, 8);
    snprintf(rid_line, sizeof rid_line, "X-Request-Id: storecheck-%s", rid);
    snprintf(tp_line, sizeof tp_line, "traceparent: 00-%s-%s-01", trace, span);
    const char *headers[] = {rid_line, tp_line};
    struct http_response r;
    const char *key;
    if (ask_with_ids(ctx, headers, &r, &key) != 0)
        return;
    static const char *const id_headers[] = {"X-Request-Id", "X-Correlation-Id", "Request-Id",
                                             "X-Trace-Id",   "X-Amzn-Trace-Id",  "CF-Ray"};
    const char *name = NULL, *value = NULL;
    for (size_t i = 0; i < sizeof id_headers / sizeof *id_headers && !value; i++)
        value = http_header(&r, name = id_headers[i]);
    const char *tp = http_header(&r, "traceparent");
    int echoed = value && strstr(value, rid) != NULL;
    int traced = tp && strstr(tp, trace) != NULL;
    http_evidence(ctx, &r, "%s: sent %s and %s; got %s: %s, traceparent: %s", key, rid_line,
                  tp_line, value ? name : "X-Request-Id", value ? value : "(none)",
                  tp ? tp : "(none)");
    if (echoed || traced)
        probe_set(ctx, PROBE_PASS, "%s%s%s echoed", echoed ? name : "",
                  echoed && traced ? " and " : "", traced ? "traceparent" : "");
    else if (value)
        probe_set(ctx, PROBE_PASS, "%s returned (the store's own id)", name);
    else
        probe_set(ctx, PROBE_FAIL,
                  "no request id or traceparent in the answer: support cannot "
                  "find a customer's failing request in the logs");
    http_response_free(&r);
}

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as a unix time; -1 when not one. */
static time_t parse_http_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return end && *end == '\0' ? timegm(&tm) : (time_t)-1;
}

enum { DEFAULT_SKEW_MS = 60000 };

static void run_clock(struct probe_ctx *ctx)
{
    /* Any answer carries the server's Date, a 404 too. */
    char url[1024];
    size_t from = 0;
    if (ordinary_url(ctx, &from, url, sizeof url) != 0) {
        probe_set(ctx, PROBE_SKIP, "%s", no_ordinary);
        return;
    }
    struct http_request req = {.url = url};
    struct http_response r;
    time_t sent = time(NULL);
    int rc = http_get1(ctx, &req, &r);
    time_t got = time(NULL);
    if (rc != 0) {
        http_evidence(ctx, &r, NULL);
        probe_set(ctx, PROBE_ERROR, "no answer: %s", r.error);
        http_response_free(&r);
        return;
    }
    const char *date = http_header(&r, "Date");
    time_t t = date ? parse_http_date(date) : (time_t)-1;
    uint64_t tolerance =
        ctx->cfg->audit.clock_skew_ms ? ctx->cfg->audit.clock_skew_ms : DEFAULT_SKEW_MS;
    if (!date) {
        http_evidence(ctx, &r, "Date: (none)");
        probe_set(ctx, PROBE_WARN,
                  "no Date header: the server clock cannot be judged (an origin server with a "
                  "clock must send one)");
    } else if (t == (time_t)-1) {
        http_evidence(ctx, &r, "Date: %s", date);
        probe_set(ctx, PROBE_FAIL, "the Date header is not an HTTP date: %s", date);
    } else {
        /* The Date was made between sending and receiving; its resolution is one second. */
        double skew = t < sent ? difftime(t, sent) : t > got + 1 ? difftime(t, got + 1) : 0;
        char fig[FIGURE_LEN];
        figure(fig, sizeof fig, fabs(skew), 0, FIGURE_MAX_SKEW_S, 0, "s");
        http_evidence(ctx, &r, "Date: %s; %s %s the local clock", date, fig,
                      skew < 0 ? "behind" : "ahead of");
        if (fabs(skew) * 1000 > (double)tolerance)
            probe_set(ctx, PROBE_FAIL, "the server clock is %s %s (tolerance %llu s)", fig,
                      skew < 0 ? "behind" : "ahead", (unsigned long long)(tolerance / 1000));
        else
            probe_set(ctx, PROBE_PASS, "Date within %llu s of the local clock",
                      (unsigned long long)(tolerance / 1000));
    }
    http_response_free(&r);
}

const struct probe probe_o_request_id = {
    .id = "O-REQUEST-ID",
    .group = GROUP_O,
    .title = "A request id or traceparent comes back",
    .severity = SEV_LOW,
    .rationale = "An id in every answer lets support and engineers find one customer's "
                 "failing request across load balancer, application and payment logs.",
    .remediation = "Return X-Request-Id (echo the client's or make one) and propagate W3C "
                   "traceparent.",
    .references = "https://www.w3.org/TR/trace-context/",
    .run = run_request_id,
};

const struct probe probe_o_clock = {
    .id = "O-CLOCK",
    .group = GROUP_O,
    .title = "The server clock (Date header) is in sync",
    .severity = SEV_MEDIUM,
    .rationale = "A drifting clock breaks webhook timestamp checks, token expiry, cache "
                 "validators and the order of events in logs.",
    .remediation = "Run NTP (chrony, systemd-timesyncd) on every host and alert on drift.",
    .references = "https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1",
    .run = run_clock,
};
