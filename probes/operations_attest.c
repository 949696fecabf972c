/* O group, manual checks: what no probe can see from outside (restore tests, runbooks,
 * on-call, vulnerability scanning) as declared in audit.attestations, judged by date only. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "probes/catalog.h"

/* The set a store team is expected to declare. */
static const char *const expected[] = {"backup_restore_test", "incident_runbooks", "on_call",
                                       "vulnerability_scanning"};
enum { NEXPECTED = sizeof expected / sizeof *expected };

/* Judge one declaration: 1 when stale or dated in the future. */
static int judge(struct probe_ctx *ctx, const struct attestation *a, time_t now)
{
    long long age = (long long)(now - a->when) / 86400;
    int future = a->when > now;
    int stale = !future && age > (long long)a->max_age_days;
    probe_evidence(ctx, NULL, 0,
                   "%s: done %s (%lld days ago, max age %u days)%s; evidence: %s "
                   "(declared in the config, not verified)",
                   a->name, a->date, future ? 0 : age, a->max_age_days,
                   future  ? " DATED IN THE FUTURE"
                   : stale ? " STALE"
                           : "",
                   a->evidence ? a->evidence : "(none given)");
    return future || stale;
}

static void run_attestations(struct probe_ctx *ctx)
{
    const struct audit *au = &ctx->cfg->audit;
    time_t now = time(NULL);
    int stale = 0, missing = 0;
    char missing_names[256] = "", stale_names[256] = "";
    for (size_t i = 0; i < au->attestation_count; i++)
        if (judge(ctx, &au->attestations[i], now)) {
            stale++;
            snprintf(stale_names + strlen(stale_names), sizeof stale_names - strlen(stale_names),
                     "%s%s", stale > 1 ? ", " : "", au->attestations[i].name);
        }
    for (size_t e = 0; e < NEXPECTED; e++) {
        int found = 0;
        for (size_t i = 0; i < au->attestation_count && !found; i++)
            found = strcmp(au->attestations[i].name, expected[e]) == 0;
        if (!found) {
            missing++;
            probe_evidence(ctx, NULL, 0, "%s: not declared in audit.attestations", expected[e]);
            snprintf(missing_names + strlen(missing_names),
                     sizeof missing_names - strlen(missing_names), "%s%s", missing > 1 ? ", " : "",
                     expected[e]);
        }
    }
    if (missing)
        probe_set(ctx, PROBE_FAIL, "manual checks not declared: %s", missing_names);
    else if (stale)
        probe_set(ctx, PROBE_WARN, "manual checks out of date (declared, not verified): %s",
                  stale_names);
    else
        probe_set(ctx, PROBE_PASS,
                  "%zu manual checks declared within their maximum age "
                  "(declared, not verified by storecheck)",
                  au->attestation_count);
}

const struct probe probe_o_attestations = {
    .id = "O-ATTESTATIONS",
    .group = GROUP_O,
    .title = "Manual checks declared and current (backups, runbooks, on-call, scanning)",
    .severity = SEV_LOW,
    .rationale = "A restore that was never tested, a runbook nobody wrote or an empty on-call "
                 "rota only show during the incident. storecheck cannot see them from outside: "
                 "the team declares them with a date and evidence, and storecheck holds them "
                 "to their maximum age.",
    .remediation = "Do the check, then record it in audit.attestations (name, date, evidence "
                   "link, max_age): backup_restore_test, incident_runbooks, on_call, "
                   "vulnerability_scanning.",
    .references = "https://sre.google/sre-book/data-integrity/",
    .run = run_attestations,
};
