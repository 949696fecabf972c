#include "probes/under_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/answer_fit.h"
#include "probes/api_answers.h"
#include "probes/api_path.h"
#include "probes/catalog.h"
#include "probes/figure.h"
#include "probes/http.h"
#include "probes/leaks.h"
#include "probes/orders.h"

enum { HEALTH_TRIES = 5 };

/* Health answers must stay well inside the budget of a page even while shoppers load it. */
static uint64_t health_budget_ms(const struct config *cfg)
{
    return cfg->audit.latency_budget_ms ? cfg->audit.latency_budget_ms : 800;
}

static void run_health(struct probe_ctx *ctx)
{
    /* Each endpoint's own request, HEALTH_TRIES times. */
    static const enum endpoint eps[] = {EP_HEALTH, EP_READINESS};
    struct http_request own[2], reqs[2 * HEALTH_TRIES];
    struct http_response resps[2 * HEALTH_TRIES];
    const char *keys[2 * HEALTH_TRIES];
    enum endpoint got[2];
    struct ep_request *rqs = malloc(2 * sizeof *rqs);
    size_t built = rqs ? api_requests(ctx, eps, 2, NULL, got, rqs, own) : 0, n = 0;
    for (size_t p = 0; p < built; p++)
        for (int i = 0; i < HEALTH_TRIES; i++) {
            keys[n] = endpoint_names[got[p]];
            reqs[n++] = own[p];
        }
    if (!n) {
        free(rqs);
        probe_set(ctx, PROBE_SKIP,
                  "no health endpoint to ask: set target.endpoints.health (and readiness)");
        return;
    }
    uint64_t budget = health_budget_ms(ctx->cfg);
    http_run(ctx, reqs, resps, n, 1);
    free(rqs);
    size_t bad = 0, slow = 0, wrong = 0;
    double worst = 0;
    char wrong_why[1600] = "";
    for (size_t i = 0; i < n; i++) {
        const struct http_response *r = &resps[i];
        worst = r->total_ms > worst ? r->total_ms : worst;
        if (answer_fit_mismatch(r->status)) {
            /* Not the health endpoint: the config points elsewhere. */
            if (!wrong++) {
                answer_fit_explain(r, keys[i], wrong_why, sizeof wrong_why);
                http_evidence(ctx, r, "not judged: %s", answer_fit_mismatch(r->status));
            }
            continue;
        }
        if (r->status != 200)
            bad++;
        else if (r->total_ms > (double)budget)
            slow++;
        char took[FIGURE_LEN];
        if (r->status != 200 || r->total_ms > (double)budget)
            http_evidence(ctx, r, "%s",
                          figure(took, sizeof took, r->total_ms, 0, FIGURE_MAX_WAIT_MS, 0, "ms"));
    }
    char fworst[FIGURE_LEN];
    figure(fworst, sizeof fworst, worst, 0, FIGURE_MAX_WAIT_MS, 0, "ms");
    if (n && !bad && !slow)
        http_evidence(ctx, &resps[0], "slowest of %zu: %s", n, fworst);
    if (wrong == n)
        probe_set(ctx, PROBE_SKIP, "%s", wrong_why);
    else if (bad)
        probe_set(ctx, PROBE_FAIL,
                  "%zu of %zu health/readiness requests under load did not "
                  "answer 200",
                  bad, n);
    else if (slow)
        probe_set(ctx, PROBE_FAIL,
                  "%zu of %zu health/readiness answers under load took longer "
                  "than %llu ms (slowest %s)",
                  slow, n, (unsigned long long)budget, fworst);
    else
        probe_set(ctx, PROBE_PASS,
                  "%zu health/readiness answers under load, all 200, slowest "
                  "%s (budget %llu ms)",
                  n, fworst, (unsigned long long)budget);
    for (size_t i = 0; i < n; i++)
        http_response_free(&resps[i]);
}

static void run_errors(struct probe_ctx *ctx)
{
    const char *api = ctx->cfg->target.endpoints[EP_CATALOG];
    char leaf[64], api_path[1100];
    snprintf(leaf, sizeof leaf, "storecheck-missing-%u", (unsigned)probe_now_ms() % 100000);
    api_path_child(api ? api : "", leaf, api_path, sizeof api_path);
    struct http_request reqs[2] = {{.url = "/storecheck-missing-page"}, {.url = api_path}};
    struct http_response resps[2];
    size_t n = api ? 2 : 1;
    http_run(ctx, reqs, resps, n, 0);
    size_t bad = 0, soft = 0;
    for (size_t i = 0; i < n; i++) {
        const struct http_response *r = &resps[i];
        char excerpt[160];
        const char *leak = leak_find(r->body, LEAK_DEBUG, excerpt, sizeof excerpt);
        if (r->status >= 500 || r->status == 0) {
            bad++;
            http_evidence(ctx, r, "an unknown path under load must be a 4xx");
        } else if (leak) {
            bad++;
            http_evidence(ctx, r, "the error answer shows a %s: %s", leak, excerpt);
        } else if (r->status < 400) {
            /* A page for every path (a soft 404): no error answer was given to judge. */
            soft++;
            http_evidence(ctx, r, "%d for a path that does not exist: not an error answer",
                          r->status);
        } else {
            http_evidence(ctx, r, "clean %d", r->status);
        }
    }
    if (bad)
        probe_set(ctx, PROBE_FAIL,
                  "%zu of %zu error pages under load were a 5xx, failed, or "
                  "showed a stack trace",
                  bad, n);
    else if (soft)
        probe_set(ctx, PROBE_WARN,
                  "%zu of %zu missing paths under load answered %d, not 4xx: the store serves "
                  "something for any path (a soft 404), so clients and crawlers cannot tell a "
                  "missing page, and its error answers were not seen",
                  soft, n, resps[0].status < 400 ? resps[0].status : resps[n - 1].status);
    else
        probe_set(ctx, PROBE_PASS, "error pages under load are clean 4xx answers");
    for (size_t i = 0; i < n; i++)
        http_response_free(&resps[i]);
}

static void run_rate_limit_under_load(struct probe_ctx *ctx)
{
    probe_t_rate_limit.run(ctx);
}

/* The answers during the fault: checkout's honest 503 and the catalog still up. */
static void judge_fault(struct probe_ctx *ctx, const struct http_response *co,
                        const struct http_response *cat)
{
    const char *retry = http_header(co, "Retry-After");
    if (co->status == 0)
        probe_set(ctx, PROBE_FAIL,
                  "checkout did not answer during the fault (%s): shoppers "
                  "wait on a hanging page",
                  co->error);
    else if (co->status >= 500 && co->status != 503)
        probe_set(ctx, PROBE_FAIL,
                  "checkout answered %d during the fault: an honest 503 with "
                  "Retry-After is expected",
                  co->status);
    else if (cat->status < 200 || cat->status >= 400)
        probe_set(ctx, PROBE_FAIL,
                  "the catalog answered %d during the fault: it should stay "
                  "up while orders are down",
                  cat->status);
    else if (co->status == 503 && !retry)
        probe_set(ctx, PROBE_WARN,
                  "checkout answered 503 during the fault, without "
                  "Retry-After");
    else if (co->status == 503)
        probe_set(ctx, PROBE_PASS,
                  "checkout failed honestly (503, Retry-After %s) and the "
                  "catalog stayed up (%d)",
                  retry, cat->status);
    else
        probe_set(ctx, PROBE_WARN,
                  "checkout answered %d during the fault: the fault did not "
                  "show, so degradation was not judged",
                  co->status);
}

static void run_fault(struct probe_ctx *ctx)
{
    const struct target *t = &ctx->cfg->target;
    if (!t->endpoints[EP_CHECKOUT]) {
        probe_set(ctx, PROBE_SKIP, "no checkout to fault: set target.endpoints.checkout");
        return;
    }
    /* An unknown cart in the checkout's own request: a store that ignores the fault answers
     * 4xx and creates nothing. The catalog's own request (a GraphQL catalog is its POST),
     * else the home page. */
    static const char unknown[] = "storecheck-fault-check";
    static const struct order_cart unknown_cart = {.id = "storecheck-fault-check"};
    static const enum endpoint catalog[] = {EP_CATALOG};
    char err[300];
    struct ep_request *rqs = malloc(2 * sizeof *rqs);
    if (!rqs || orders_request(ctx, &unknown_cart, unknown, NULL, &rqs[0], err, sizeof err)) {
        probe_set(ctx, PROBE_ERROR, "no checkout request: %s", rqs ? err : "out of memory");
        free(rqs);
        return;
    }
    struct http_request reqs[2] = {rqs[0].req, {.url = "/"}};
    enum endpoint got[1];
    api_requests(ctx, catalog, 1, NULL, got, rqs + 1, reqs + 1);
    struct http_response resps[2];
    http_run(ctx, reqs, resps, 2, 0);
    free(rqs);
    const struct http_response *co = &resps[0], *cat = &resps[1];
    const char *retry = http_header(co, "Retry-After");
    http_evidence(ctx, co, "checkout during the fault%s%s", retry ? ", Retry-After: " : "",
                  retry ? retry : "");
    http_evidence(ctx, cat, "catalog during the fault");
    /* A catalog request the store did not take tells nothing about the catalog staying up.
     * (Checkout's 404 may well be the unknown cart: it is judged.) */
    if (!answer_fit_skip(ctx, cat, "catalog"))
        judge_fault(ctx, co, cat);
    http_response_free(&resps[0]);
    http_response_free(&resps[1]);
}

static const struct probe probe_o_health_under_load = {
    .id = "O-HEALTH-UNDER-LOAD",
    .group = GROUP_O,
    .title = "Health and readiness stay fast and 200 under load",
    .severity = SEV_HIGH,
    .rationale = "Load balancers and orchestrators pull an instance whose health check slows "
                 "down or fails: a store that is merely busy then loses capacity when it needs "
                 "it most.",
    .remediation = "Serve health and readiness from a cheap path that does not queue behind "
                   "shopper requests (separate worker or listener, no database round trip for "
                   "liveness).",
    .references =
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
    .run = run_health,
};

static const struct probe probe_o_errors_under_load = {
    .id = "O-ERRORS-UNDER-LOAD",
    .group = GROUP_O,
    .title = "Error pages stay clean 4xx answers under load",
    .severity = SEV_MEDIUM,
    .rationale = "Under pressure, frameworks fall back to debug pages and 500s that leak "
                 "internals and confuse clients.",
    .remediation = "Keep production error handlers on under load; answer unknown paths with "
                   "a plain 404 (problem+json for APIs).",
    .references = "https://www.rfc-editor.org/rfc/rfc9457",
    .run = run_errors,
};

static const struct probe probe_t_rate_limit_under_load = {
    .id = "T-RATE-LIMIT-UNDER-LOAD",
    .group = GROUP_T,
    .title = "Rate limiting still answers 429, not 5xx, under load",
    .severity = SEV_HIGH,
    .rationale = "A limiter that gives way to 5xx or timeouts when the store is busy turns a "
                 "burst into an outage instead of shedding it.",
    .remediation = "Keep the limiter in front of the application (gateway or proxy) and make "
                   "it answer 429 with Retry-After whatever the load.",
    .references = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
    .flags = PROBE_SOLO,
    .run = run_rate_limit_under_load,
};

const struct probe probe_r_fault_under_load = {
    .id = "R-FAULT-UNDER-LOAD",
    .group = GROUP_R,
    .title = "With orders down under load, checkout fails honestly and the catalog stays up",
    .severity = SEV_HIGH,
    .rationale = "When a dependency fails on launch day, shoppers should get a clear 'try "
                 "again' and keep browsing, not a 500 page or a spinner.",
    .remediation = "Fail fast on the broken dependency: answer 503 with Retry-After and a "
                   "problem+json body, keep browsing paths independent of it, and time out "
                   "calls to it.",
    .references = "https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable",
    .run = run_fault,
};

const struct probe *const under_load_probes[] = {
    &probe_o_health_under_load,
    &probe_o_errors_under_load,
    &probe_t_rate_limit_under_load,
};

const size_t under_load_probe_count = sizeof under_load_probes / sizeof *under_load_probes;
