#include "checker/fault_window.h"

#include <stdio.h>
#include <string.h>

const struct probe fault_window_check = {
    .id = "R-LOAD-DURING-FAULT",
    .group = GROUP_R,
    .title = "During the injected fault shoppers get answers or an honest 503, and it recovers",
    .severity = SEV_HIGH,
    .rationale = "A failure of one dependency (orders) must not take the rest of the store "
                 "down with it: what depends on it answers 503 at once, nothing answers 500 "
                 "or hangs, and everything works again once the dependency is back.",
    .remediation = "Isolate browsing paths from the failed dependency (bulkheads, timeouts, "
                   "circuit breakers) and check that pools and caches recover by themselves.",
    .references = "https://learn.microsoft.com/azure/architecture/patterns/bulkhead",
};

struct window {
    uint64_t responses, errors, s5xx, s503, p99;
};

static void sum(const struct load_result *r, double from_s, double to_s, struct window *w)
{
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < r->seconds_count; i++) {
        const struct lg_second *s = &r->seconds[i];
        if (s->second < from_s || s->second >= to_s)
            continue;
        w->responses += s->responses;
        w->errors += s->errors;
        w->s5xx += s->status_5xx;
        w->s503 += s->status_503;
        w->p99 = s->p99 > w->p99 ? s->p99 : w->p99;
    }
}

static void evidence(struct probe_ctx *ctx, const char *what, double from, double to,
                     const struct window *w)
{
    probe_evidence(ctx, NULL, 0,
                   "%s (seconds %.0f to %.0f): %llu responses, %llu 5xx (%llu of them 503), "
                   "%llu transport errors, worst p99 %.1f ms",
                   what, from, to - 1, (unsigned long long)w->responses,
                   (unsigned long long)w->s5xx, (unsigned long long)w->s503,
                   (unsigned long long)w->errors,
                   (double)w->p99 / 1000);
}

/* What each step's requests met during the fault: which pages kept answering and which
 * failed, and how. Scenario runs only (a URL run's seconds have no steps). */
static void step_evidence(struct probe_ctx *ctx, const struct load_result *r, double from,
                          double to)
{
    for (size_t k = 0; k < r->step_count; k++) {
        struct lg_step_second t = {0};
        for (size_t i = 0; i < r->seconds_count; i++) {
            const struct lg_second *s = &r->seconds[i];
            if (!s->steps || s->second < from || s->second >= to)
                continue;
            t.responses += s->steps[k].responses;
            t.status_5xx += s->steps[k].status_5xx;
            t.status_503 += s->steps[k].status_503;
            t.errors += s->steps[k].errors;
        }
        char fives[96] = "no 5xx";
        if (t.status_5xx)
            snprintf(fives, sizeof fives, "%llu 5xx (%llu of them 503)",
                     (unsigned long long)t.status_5xx, (unsigned long long)t.status_503);
        probe_evidence(ctx, NULL, 0,
                       "during the fault, step %s of %s: %llu answers, %s, %llu transport errors",
                       r->steps[k].name, r->steps[k].scenario, (unsigned long long)t.responses,
                       fives, (unsigned long long)t.errors);
    }
}

void fault_window_judge(const struct config *cfg, const struct load_result *r,
                        const struct report_fault *f, struct probe_result *out)
{
    memset(out, 0, sizeof *out);
    arena_init(&out->arena);
    struct probe_ctx ctx = {.cfg = cfg, .probe = &fault_window_check, .result = out};
    if (f->started_ms < 0 && f->error) {
        probe_set(&ctx, PROBE_ERROR, "the fault could not be injected: %s", f->error);
        return;
    }
    if (f->started_ms < 0) {
        probe_set(&ctx, PROBE_SKIP, "the load ended before the fault's moment (%llu ms)",
                  (unsigned long long)f->at_ms);
        return;
    }
    /* Whole seconds only: the second the fault starts in is partly before it. */
    double on = (double)(f->started_ms / 1000 + 1);
    double off = f->stopped_ms >= 0 ? (double)(f->stopped_ms / 1000) : (double)r->seconds_count;
    double back = off + 1; /* the second it is undone in is partly during it */
    if (off <= on) {
        probe_set(&ctx, PROBE_SKIP,
                  "the fault lasted less than a whole second of load "
                  "(%lld ms to %lld ms): nothing to judge",
                  (long long)f->started_ms, (long long)f->stopped_ms);
        return;
    }
    struct window before, during, after;
    sum(r, 0, on - 1, &before);
    sum(r, on, off, &during);
    sum(r, back, 1e12, &after);
    evidence(&ctx, "before the fault", 0, on - 1, &before);
    evidence(&ctx, "during the fault", on, off, &during);
    step_evidence(&ctx, r, on, off);
    evidence(&ctx, "after the fault", back, (double)r->seconds_count, &after);
    if (!during.responses)
        probe_set(&ctx, PROBE_FAIL, "no loaded page was served while the fault was on");
    /* While a dependency is down its 503s are the honest answer; a 500, a timeout or a
     * dropped connection is what a shopper must never get. */
    else if (during.s5xx - during.s503 || during.errors)
        probe_set(&ctx, PROBE_FAIL,
                  "the store failed dishonestly during the fault: %llu 5xx other than 503 and "
                  "%llu transport errors of %llu responses",
                  (unsigned long long)(during.s5xx - during.s503),
                  (unsigned long long)during.errors, (unsigned long long)during.responses);
    else if (after.s5xx || after.errors)
        probe_set(&ctx, PROBE_FAIL,
                  "the store did not recover after the fault: %llu 5xx and %llu transport "
                  "errors once it was undone",
                  (unsigned long long)after.s5xx, (unsigned long long)after.errors);
    else
        probe_set(&ctx, PROBE_PASS,
                  "%llu answers during the fault, no 5xx but %llu honest 503s, no "
                  "transport error; no 5xx after it",
                  (unsigned long long)during.responses, (unsigned long long)during.s503);
}
