/* R group, the network path: every resolved address of the store answers alike
 * (redundancy), and no key page hangs past the request budget (timeouts). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/raw.h"
#include "probes/store.h"

enum { MAX_ADDRS = 8 };

/* The distinct addresses of host as text; how many. */
static size_t resolve(const char *host, unsigned port, char addrs[][INET6_ADDRSTRLEN], char *err,
                      size_t errlen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s does not resolve: %s", host, gai_strerror(rc));
        return 0;
    }
    size_t n = 0;
    for (struct addrinfo *ai = res; ai && n < MAX_ADDRS; ai = ai->ai_next) {
        const void *a = ai->ai_family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        char text[INET6_ADDRSTRLEN];
        if (!inet_ntop(ai->ai_family, a, text, sizeof text))
            continue;
        int dup = 0;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(addrs[k], text) == 0;
        if (!dup)
            snprintf(addrs[n++], INET6_ADDRSTRLEN, "%s", text);
    }
    freeaddrinfo(res);
    return n;
}

static void run_redundancy(struct probe_ctx *ctx)
{
    const struct target *t = &ctx->cfg->target;
    char addrs[MAX_ADDRS][INET6_ADDRSTRLEN], err[300];
    size_t n = resolve(t->base.host, t->base.port, addrs, err, sizeof err);
    if (n == 0) {
        probe_set(ctx, PROBE_ERROR, "%s", err);
        return;
    }
    if (n == 1) {
        probe_evidence(ctx, NULL, 0, "%s resolves to %s only", t->base.host, addrs[0]);
        probe_set(ctx, PROBE_SKIP,
                  "one address: nothing to compare (redundancy behind one "
                  "address, e.g. a load balancer, cannot be seen from outside)");
        return;
    }
    char host[URL_HOST_MAX + 16], req[URL_PATH_MAX + 512];
    url_host_header(&t->base, host, sizeof host);
    const char *path = t->endpoints[EP_HEALTH] ? t->endpoints[EP_HEALTH] : "/";
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: storecheck\r\n"
                       "Connection: close\r\n\r\n",
                       path, host);
    int first_status = -1, differ = 0;
    char first_cert[65] = "", diff[400] = "";
    for (size_t i = 0; i < n; i++) {
        struct raw_reply rr;
        char label[400];
        snprintf(label, sizeof label, "GET %s at %s (%s)", path, addrs[i], t->base.host);
        raw_exchange(ctx, addrs[i], req, (size_t)len, &rr);
        if (rr.status)
            probe_evidence(ctx, label, rr.status, "certificate SHA-256 %s",
                           rr.cert_sha256[0] ? rr.cert_sha256 : "(plain HTTP)");
        else
            probe_evidence(ctx, label, 0, "no answer: %s", rr.error);
        if (i == 0) {
            first_status = rr.status;
            snprintf(first_cert, sizeof first_cert, "%s", rr.cert_sha256);
        } else if (rr.status != first_status || strcmp(rr.cert_sha256, first_cert) != 0) {
            if (!differ++)
                snprintf(diff, sizeof diff, "%s answers %d%s where %s answers %d", addrs[i],
                         rr.status,
                         strcmp(rr.cert_sha256, first_cert) ? " with another certificate" : "",
                         addrs[0], first_status);
        }
    }
    if (differ)
        probe_set(ctx, PROBE_FAIL, "%zu addresses do not answer alike: %s", n, diff);
    else if (first_status == 0)
        probe_set(ctx, PROBE_ERROR, "no address answered");
    else
        probe_set(ctx, PROBE_PASS,
                  "all %zu addresses of %s answer %d with the same "
                  "certificate",
                  n, t->base.host, first_status);
}

enum { DEFAULT_TIMEOUT_MS = 10000 };

static void run_timeouts(struct probe_ctx *ctx)
{
    static const enum endpoint eps[] = {EP_HOME, EP_CATALOG, EP_PRODUCT, EP_SEARCH, EP_HEALTH};
    enum { N = sizeof eps / sizeof *eps };
    struct http_request reqs[API_FETCH_MAX];
    const char *names[N];
    enum endpoint got[N];
    /* Each endpoint's own request: a catalog read over GraphQL is its POST. */
    struct ep_request *rqs = malloc(API_FETCH_MAX * sizeof *rqs);
    size_t n = rqs ? api_requests(ctx, eps, N, NULL, got, rqs, reqs) : 0;
    for (size_t i = 0; i < n; i++)
        names[i] = endpoint_names[got[i]];
    if (n == 0) {
        free(rqs);
        probe_set(ctx, PROBE_SKIP,
                  "nothing to ask: set target.endpoints.home, catalog, product, search or health");
        return;
    }
    uint64_t budget =
        ctx->cfg->target.timeout_ms ? ctx->cfg->target.timeout_ms : DEFAULT_TIMEOUT_MS;
    struct http_response resps[N];
    uint64_t t0 = probe_now_ms();
    http_run(ctx, reqs, resps, n, 0);
    uint64_t took = probe_now_ms() - t0;
    free(rqs);
    int hung = 0, failed = 0;
    const char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        /* curl's timeout: the request hung (other transport errors are not this probe's
         * finding). */
        int timed_out =
            r->failure == HTTP_FAIL_TIMEOUT && took + 50 >= budget && !probe_should_stop(ctx);
        if (timed_out) {
            hung++;
            if (!first)
                first = names[i];
        } else if (!r->status) {
            failed++;
        }
        http_evidence(ctx, r, "%s%s", names[i],
                      timed_out ? ": no answer within target.timeout" : "");
        http_response_free(r);
    }
    if (probe_should_stop(ctx))
        return;
    if (hung)
        probe_set(ctx, PROBE_FAIL,
                  "%d of %zu key requests hang past the %llu ms budget (first: "
                  "%s)",
                  hung, n, (unsigned long long)budget, first);
    else if (failed == (int)n)
        probe_set(ctx, PROBE_ERROR, "no key request got an answer");
    else
        probe_set(ctx, PROBE_PASS, "%zu key requests answered within the %llu ms budget", n,
                  (unsigned long long)budget);
}

const struct probe probe_r_redundancy = {
    .id = "R-REDUNDANCY",
    .group = GROUP_R,
    .title = "Every resolved address of the store answers alike",
    .severity = SEV_MEDIUM,
    .rationale = "DNS hands shoppers any of the store's addresses; one stale or broken node "
                 "(old certificate, wrong status) fails a share of them at random.",
    .remediation = "Deploy and renew certificates on every node at once; health-check each "
                   "address and take failing ones out of DNS or the load balancer.",
    .references = "https://sre.google/sre-book/load-balancing-frontend/",
    .run = run_redundancy,
};

const struct probe probe_r_timeouts = {
    .id = "R-TIMEOUTS",
    .group = GROUP_R,
    .title = "No key request hangs past the request budget",
    .severity = SEV_MEDIUM,
    .rationale = "A request that hangs ties up a connection and a worker; under launch "
                 "traffic hanging requests exhaust both long before the CPU is busy.",
    .remediation = "Set timeouts on every upstream call (database, search, payments) below "
                   "the edge's own, and fail fast with 503.",
    .references =
        "https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",
    .run = run_timeouts,
};
