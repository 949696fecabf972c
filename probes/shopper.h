/*
 * A shopper session: a scenario of load.scenarios run through the probes' HTTP client (the
 * audit.session scenario once before the probes; the audit.order scenario for each cart an
 * order probe checks out) (so the allowlist, timeouts, redaction and stop apply), step after
 * step as a virtual user of the load runs it: templates filled from what earlier steps
 * extracted, cookies kept in a jar, each answer held to the step's expect and checks. The
 * variables it extracted and the cookies it holds then fill the templates of the endpoints
 * that probes send as a shopper (store.h).
 */
#ifndef STORECHECK_PROBES_SHOPPER_H
#define STORECHECK_PROBES_SHOPPER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"
#include "probes/probe.h"
#include "scenario/cookie_jar.h"
#include "scenario/plan.h"
#include "scenario/vars.h"

/* Two at most: T-SESSION-ISOLATION compares two shoppers that must not see each other. */
enum { SHOPPER_MAX = 2 };
/* The Set-Cookie headers a run keeps for S-COOKIE-FLAGS. */
enum { SHOPPER_SET_COOKIES = 8 };

struct shopper {
    const char *role;   /* what the evidence calls it: "shopper session (audit.session)" */
    int ok;             /* every step got a good answer */
    char failure[700];  /* when not: the step and what the store answered (not redacted yet:
                         * it goes out through probe_set or probe_evidence) */
    struct plan plan;
    int planned;
    struct vars *vars;
    struct cookie_jar *jar;
    struct probe_result log; /* one piece of evidence per step, redacted */
    struct {
        char request[300]; /* the request line of the answer that set it */
        int status;
        char value[512];
    } set_cookies[SHOPPER_SET_COOKIES]; /* every Set-Cookie the store answered with */
    size_t set_cookie_count;
    /* The values it holds that are credentials: those sent in a credential header (of an
     * endpoint or a step: Authorization, X-Session-Token...) and those taken from cookies.
     * Every probe's evidence and reasons leave them out, as the config's secrets. */
    struct strv secrets;
};

/* Run the scenario named `scenario` as one shopper (role: a static string naming it in the
 * evidence), every request ending by deadline_ms (monotonic) or when *cancelled is set. sh is
 * filled either way: see ok and failure. */
void shopper_run(const struct config *cfg, const char *scenario, const char *role,
                 struct shopper *sh, uint64_t deadline_ms, atomic_int *cancelled);
void shopper_free(struct shopper *sh);

/* The value the shopper holds for variable name, NUL-terminated into out; -1 when it has
 * none (never extracted, or too long for out). */
int shopper_var(const struct shopper *sh, const char *name, char *out, size_t len);

/* 1 when the session scenario extracts variable name in one of its steps. */
int shopper_defines(const struct config *cfg, const char *name);

/* The shopper's cookies as a "Cookie: a=1; b=2" line into out; "" when it holds none. */
void shopper_cookie_line(const struct shopper *sh, char *out, size_t len);

/* Add the run, step by step, to the probe's evidence under its role. */
void shopper_evidence(struct probe_ctx *ctx, const struct shopper *sh);

#endif
