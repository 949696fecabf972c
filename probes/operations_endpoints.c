/* O group, the operator's endpoints: health and readiness, the metrics endpoint, and whether
 * the metrics are open to anyone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/answer_fit.h"
#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/figure.h"
#include "probes/http.h"
#include "probes/leaks.h"
#include "probes/prometheus.h"
#include "probes/store.h"

enum { HEALTH_FAST_MS = 500, HEALTH_TRIES = 3 };

/* Send req until it is answered within HEALTH_FAST_MS, at most HEALTH_TRIES times: the other
 * probes share the store meanwhile, and one slow answer among them says little. Keeps the
 * fastest answer in best. */
static void fastest_answer(struct probe_ctx *ctx, const struct http_request *req,
                           struct http_response *best)
{
    http_get1(ctx, req, best);
    for (int i = 1; i < HEALTH_TRIES && best->status && best->total_ms > HEALTH_FAST_MS; i++) {
        struct http_response again;
        http_get1(ctx, req, &again);
        if (again.status && again.total_ms < best->total_ms) {
            http_response_free(best);
            *best = again;
        } else {
            http_response_free(&again);
        }
    }
}

static void run_health(struct probe_ctx *ctx)
{
    static const enum endpoint eps[] = {EP_HEALTH, EP_READINESS};
    char problem[600] = "", wrong[1600] = "";
    int errors = 0, mismatched = 0;
    size_t n = 0;
    const char *fitting = NULL; /* an endpoint whose answer was judged */
    const char *names[2];
    struct ep_request *rq = malloc(sizeof *rq);
    for (size_t i = 0; rq && i < 2; i++) {
        /* The endpoint's own request (a health check behind a header keeps it). */
        struct http_request req;
        enum endpoint got[1];
        if (api_requests(ctx, &eps[i], 1, NULL, got, rq, &req) == 0)
            continue;
        names[n++] = endpoint_names[eps[i]];
        struct http_response r;
        fastest_answer(ctx, &req, &r);
        char excerpt[160];
        const char *leak = r.status ? leak_find(r.body, LEAK_ALL, excerpt, sizeof excerpt) : NULL;
        if (!r.status) {
            http_evidence(ctx, &r, NULL);
            errors++;
        } else if (!leak && answer_fit_mismatch(r.status)) {
            /* Not the health endpoint: the config points elsewhere. */
            http_evidence(ctx, &r, "%s: not judged (%s)", endpoint_names[eps[i]],
                          answer_fit_mismatch(r.status));
            if (!mismatched++)
                answer_fit_explain(&r, endpoint_names[eps[i]], wrong, sizeof wrong);
        } else if ((fitting = endpoint_names[eps[i]]) && leak) {
            http_evidence(ctx, &r, "%s in the body: %s", leak, excerpt);
            snprintf(problem, sizeof problem, "%s leaks internals (%s)", endpoint_names[eps[i]],
                     leak);
        } else {
            char took[FIGURE_LEN];
            figure(took, sizeof took, r.total_ms, 0, FIGURE_MAX_WAIT_MS, 0, "ms");
            http_evidence(ctx, &r, "%s; body: %.120s", took, r.body);
            if (r.status != 200 && !problem[0])
                snprintf(problem, sizeof problem, "%s answered %d, not 200", endpoint_names[eps[i]],
                         r.status);
            else if (r.total_ms > HEALTH_FAST_MS && !problem[0])
                snprintf(problem, sizeof problem, "%s took %s at best of %d (over %d ms)",
                         endpoint_names[eps[i]], took, HEALTH_TRIES, HEALTH_FAST_MS);
        }
        http_response_free(&r);
    }
    free(rq);
    if (n == 0)
        probe_set(ctx, PROBE_SKIP,
                  "no health endpoint to ask: set target.endpoints.health (and readiness)");
    else if (problem[0])
        probe_set(ctx, PROBE_FAIL, "%s", problem);
    else if (errors)
        probe_set(ctx, PROBE_ERROR, "%d of %zu health endpoints gave no answer", errors, n);
    else if (mismatched == (int)n)
        probe_set(ctx, PROBE_SKIP, "%s", wrong);
    else if (mismatched)
        probe_set(ctx, PROBE_PASS,
                  "%s answers 200 within %d ms without internals (the other endpoint was not "
                  "judged: %s)",
                  fitting, HEALTH_FAST_MS, wrong);
    else
        probe_set(ctx, PROBE_PASS, "%s answer%s 200 within %d ms without internals",
                  n == 2 ? "health and readiness" : names[0], n == 2 ? "" : "s", HEALTH_FAST_MS);
}

/* GET the metrics endpoint, as configured (anonymous: without target.headers). 0 when it
 * answered; -1 when there is no endpoint or no answer (the verdict is set). */
static int fetch_metrics(struct probe_ctx *ctx, int anonymous, struct http_response *r)
{
    char url[1024], err[300];
    if (store_endpoint_url(ctx, EP_METRICS, url, sizeof url, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_SKIP, "no metrics endpoint to read: set target.endpoints.metrics");
        return -1;
    }
    struct http_request req = {
        .url = url, .anonymous = anonymous, .headers = {"Accept: text/plain;version=0.0.4"}};
    if (http_get1(ctx, &req, r) != 0) {
        http_evidence(ctx, r, NULL);
        probe_set(ctx, PROBE_ERROR, "no answer from the metrics endpoint: %s", r->error);
        http_response_free(r);
        return -1;
    }
    return 0;
}

static void run_metrics(struct probe_ctx *ctx)
{
    struct http_response r;
    if (fetch_metrics(ctx, 0, &r) != 0)
        return;
    const char *ct = http_header(&r, "Content-Type");
    struct prom_stats st;
    char err[200];
    if (answer_fit_skip(ctx, &r, "metrics")) {
    } else if (r.status != 200) {
        http_evidence(ctx, &r, "Content-Type: %s", ct ? ct : "(none)");
        probe_set(ctx, PROBE_FAIL, "the metrics endpoint answered %d", r.status);
    } else if (prom_parse(r.body, r.body_len, &st, err, sizeof err) != 0) {
        http_evidence(ctx, &r, "Content-Type: %s; not Prometheus text: %s", ct ? ct : "(none)",
                      err);
        probe_set(ctx, PROBE_FAIL, "the metrics are not valid Prometheus text: %s", err);
    } else if (st.samples == 0) {
        http_evidence(ctx, &r, "Content-Type: %s; no samples", ct ? ct : "(none)");
        probe_set(ctx, PROBE_FAIL, "the metrics endpoint holds no samples");
    } else {
        http_evidence(ctx, &r, "Content-Type: %s; %zu samples in %zu metric families",
                      ct ? ct : "(none)", st.samples, st.families);
        probe_set(ctx, PROBE_PASS, "Prometheus text with %zu samples in %zu families", st.samples,
                  st.families);
    }
    http_response_free(&r);
}

static void run_metrics_public(struct probe_ctx *ctx)
{
    struct http_response r;
    if (fetch_metrics(ctx, 1, &r) != 0)
        return;
    char excerpt[160], err[200];
    struct prom_stats st;
    int metrics = r.status == 200 && prom_parse(r.body, r.body_len, &st, err, sizeof err) == 0;
    const char *leak = metrics ? leak_find(r.body, LEAK_ALL, excerpt, sizeof excerpt) : NULL;
    if (!metrics) {
        /* A login page or a 401: the anonymous client gets no metrics. */
        http_evidence(ctx, &r, "without credentials: %s", r.status == 200 ? err : "refused");
        probe_set(ctx, PROBE_PASS, "no metrics served to an anonymous client (%d%s)", r.status,
                  r.status == 200 ? ", not Prometheus text" : "");
    } else if (leak) {
        http_evidence(ctx, &r, "without credentials; %s in the series: %s", leak, excerpt);
        probe_set(ctx, PROBE_FAIL, "metrics are public and reveal internals (%s)", leak);
    } else {
        http_evidence(ctx, &r, "without credentials; %zu bytes of metrics", r.body_len);
        probe_set(ctx, PROBE_WARN,
                  "metrics are public: anyone can read request and order "
                  "volumes");
    }
    http_response_free(&r);
}

const struct probe probe_o_health = {
    .id = "O-HEALTH",
    .group = GROUP_O,
    .title = "Health and readiness answer 200 fast, without internals",
    .severity = SEV_MEDIUM,
    .rationale = "Load balancers and orchestrators route by these endpoints: a slow or failing "
                 "health check takes healthy instances out, and a chatty one tells attackers "
                 "database hosts, versions and credentials.",
    .remediation = "Answer health with a constant {\"status\":\"ok\"} from memory; keep "
                   "dependency details on an internal diagnostics endpoint.",
    .references = "https://kubernetes.io/docs/tasks/configure-pod-container/"
                  "configure-liveness-readiness-startup-probes/",
    .run = run_health,
};

const struct probe probe_o_metrics = {
    .id = "O-METRICS",
    .group = GROUP_O,
    .title = "Metrics endpoint serves valid Prometheus text",
    .severity = SEV_LOW,
    .rationale = "Without request, error and order metrics the team learns of a launch-day "
                 "problem from its customers.",
    .remediation = "Expose metrics in the Prometheus text format (a client library does it) "
                   "and set endpoints.metrics to where storecheck can read them.",
    .references = "https://prometheus.io/docs/instrumenting/exposition_formats/",
    .run = run_metrics,
};

const struct probe probe_o_metrics_public = {
    .id = "O-METRICS-PUBLIC",
    .group = GROUP_O,
    .title = "Metrics are not open to anonymous clients",
    .severity = SEV_MEDIUM,
    .rationale = "Public metrics show competitors the order rate and attackers the internals "
                 "(database hosts, versions, internal addresses) that labels often carry.",
    .remediation = "Serve metrics on an internal port or behind authentication; drop labels "
                   "that name hosts, users or versions.",
    .references = "https://prometheus.io/docs/operating/security/",
    .run = run_metrics_public,
};
