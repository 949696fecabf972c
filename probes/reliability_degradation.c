/* R group, graceful degradation: with the cooperative fault hook taking orders down, browsing
 * still works and checkout answers an honest 503 with Retry-After (not a 500, not a hang);
 * once the fault is undone, checkout works again. The fault is always undone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/stop.h"
#include "probes/answer_fit.h"
#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/fault.h"
#include "probes/http.h"
#include "probes/nonce.h"
#include "probes/orders.h"
#include "probes/problem.h"
#include "probes/store.h"

enum {
    FAULT_ACTION_MS = 10000,
    DURING_MS = 5000,   /* an answer during the fault slower than this is a hang */
    RECOVERY_MS = 5000, /* how long checkout may take to come back */
    RECOVERY_STEP_MS = 200,
};

/* During the fault: catalog and product answer 200; checkout 503 + Retry-After. Returns the
 * finding ("" when none) in problem. */
static void during_fault(struct probe_ctx *ctx, const struct order_cart *cart, char *problem,
                         size_t len)
{
    char err[300];
    struct http_request reqs[3];
    const char *names[3];
    static const enum endpoint browse[] = {EP_CATALOG, EP_PRODUCT};
    enum endpoint got[2];
    /* Catalog and product each as its own request. */
    struct ep_request *rqs = malloc(API_FETCH_MAX * sizeof *rqs);
    size_t n = rqs ? api_requests(ctx, browse, 2, NULL, got, rqs, reqs) : 0;
    for (size_t i = 0; i < n; i++)
        names[i] = endpoint_names[got[i]];
    char nonce[40], key[64];
    nonce_hex(nonce, 16);
    snprintf(key, sizeof key, "storecheck-%s", nonce);
    struct ep_request *checkout = malloc(sizeof *checkout);
    if (!checkout || orders_request(ctx, cart, key, NULL, checkout, err, sizeof err)) {
        snprintf(problem, len, "no checkout request: %s", checkout ? err : "out of memory");
        free(checkout);
        free(rqs);
        return;
    }
    reqs[n] = checkout->req;
    names[n++] = "checkout";
    /* A short leash: a hang shows as no answer within DURING_MS. */
    struct probe_ctx during = *ctx;
    uint64_t t0 = probe_now_ms();
    if (during.deadline_ms > t0 + DURING_MS)
        during.deadline_ms = t0 + DURING_MS;
    struct http_response resps[3];
    http_run(&during, reqs, resps, n, 0);
    free(checkout);
    free(rqs);
    problem[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[i];
        int is_checkout = i == n - 1;
        const char *ra = r->status ? http_header(r, "Retry-After") : NULL;
        char why[200] = "";
        int pj = r->status && problem_check(r, why, sizeof why) == 0;
        if (!r->status) {
            probe_evidence(ctx, r->request_line, 0,
                           "during the fault: no answer within %d ms "
                           "(%s)",
                           DURING_MS, r->error);
            if (!problem[0])
                snprintf(problem, len, "%s hangs while orders are down (no answer in %d ms)",
                         names[i], DURING_MS);
        } else if (is_checkout) {
            http_evidence(ctx, r, "during the fault: Retry-After: %s; %s", ra ? ra : "(none)", why);
            if (!problem[0] && r->status != 503)
                snprintf(problem, len, "checkout answered %d while orders are down, not 503",
                         r->status);
            else if (!problem[0] && !ra)
                snprintf(problem, len, "checkout answered 503 without Retry-After");
            else if (!problem[0] && !pj)
                snprintf(problem, len, "checkout's 503 is not problem+json (%s)", why);
        } else if (answer_fit_mismatch(r->status)) {
            /* Not the catalog or product asked for: the config is wrong, not the store. */
            char wrong[1600];
            answer_fit_explain(r, names[i], wrong, sizeof wrong);
            http_evidence(ctx, r, "during the fault: not judged: %s", wrong);
        } else {
            http_evidence(ctx, r, "during the fault");
            if (!problem[0] && r->status != 200)
                snprintf(problem, len,
                         "%s answered %d while orders are down: the fault spread "
                         "beyond checkout",
                         names[i], r->status);
        }
        http_response_free(r);
    }
}

/* After the fault: checkout accepts an order again, within RECOVERY_MS. */
static int recovered(struct probe_ctx *ctx)
{
    uint64_t until = probe_now_ms() + RECOVERY_MS;
    for (;;) {
        struct http_response r;
        char id[128];
        int rc = orders_place(ctx, &r, id, sizeof id);
        uint64_t now = probe_now_ms();
        if (rc == 0 || now >= until || probe_should_stop(ctx)) {
            http_evidence(ctx, &r, "after the fault: order %s", id[0] ? id : "(none)");
            http_response_free(&r);
            return rc == 0;
        }
        http_response_free(&r);
        stop_wait_ms(RECOVERY_STEP_MS);
    }
}

static void run_degradation(struct probe_ctx *ctx)
{
    const struct config *cfg = ctx->cfg;
    const struct fault *f = fault_find(cfg, "orders_down");
    if (!f && cfg->target.fault_count)
        f = &cfg->target.faults[0];
    if (!f) {
        probe_set(ctx, PROBE_SKIP,
                  "no fault hook in target.faults (e.g. orders_down) to take "
                  "orders down");
        return;
    }
    if (orders_allowed(ctx) != 0)
        return;
    struct order_cart cart;
    if (orders_cart(ctx, &cart) != 0)
        return;
    char why[400], problem[400];
    int started = fault_start(cfg, f, FAULT_ACTION_MS, why, sizeof why);
    probe_evidence(ctx, NULL, 0, "fault %s started: %s", f->name, why);
    if (started != 0) {
        fault_stop(cfg, f, FAULT_ACTION_MS, why, sizeof why);
        probe_evidence(ctx, NULL, 0, "fault %s stopped: %s", f->name, why);
        probe_set(ctx, PROBE_ERROR, "the fault hook %s did not start", f->name);
        return;
    }
    during_fault(ctx, &cart, problem, sizeof problem);
    int stopped = fault_stop(cfg, f, FAULT_ACTION_MS, why, sizeof why);
    probe_evidence(ctx, NULL, 0, "fault %s stopped: %s", f->name, why);
    if (stopped != 0) {
        probe_set(ctx, PROBE_ERROR, "the fault hook %s did not stop: %s; undo it by hand", f->name,
                  why);
        return;
    }
    int back = recovered(ctx);
    if (problem[0])
        probe_set(ctx, PROBE_FAIL, "%s", problem);
    else if (!back)
        probe_set(ctx, PROBE_FAIL,
                  "checkout did not accept an order within %d ms of the "
                  "fault's end",
                  RECOVERY_MS);
    else
        probe_set(ctx, PROBE_PASS,
                  "while orders were down browsing stayed up and checkout "
                  "answered 503 with Retry-After; orders work again after");
}

const struct probe probe_r_degradation = {
    .id = "R-DEGRADATION",
    .group = GROUP_R,
    .title = "Orders down: browsing stays up, checkout answers 503 + Retry-After",
    .severity = SEV_HIGH,
    .rationale = "When the order service fails, shoppers should still browse and be told to "
                 "retry; 500s and hanging checkouts lose the cart, flood support and tie up "
                 "every connection.",
    .remediation = "Put a timeout and a circuit breaker around the order service; answer "
                   "503 problem+json with Retry-After while it is open; keep catalog reads "
                   "independent of it.",
    .references = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4 "
                  "https://martinfowler.com/bliki/CircuitBreaker.html",
    .flags = PROBE_SOLO, /* while orders are down, other order probes would fail */
    .run = run_degradation,
};
