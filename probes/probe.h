/*
 * A probe: a const descriptor plus a run function that judges one readiness check from the
 * outside and returns a result with evidence. Probes never print; checker/ renders results.
 *
 * A run function gets a probe_ctx, sends its requests through probes/http.h or probes/tls.h
 * (both honour the context's deadline and cancellation), and records its verdict with
 * probe_set(). Everything it allocates for the result comes from the result's arena.
 */
#ifndef STORECHECK_PROBES_PROBE_H
#define STORECHECK_PROBES_PROBE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/strv.h"
#include "config/config.h"

/* The STORE groups, in report order. */
enum probe_group { GROUP_S, GROUP_T, GROUP_O, GROUP_R, GROUP_E, GROUP_COUNT };

enum probe_status { PROBE_PASS, PROBE_WARN, PROBE_FAIL, PROBE_SKIP, PROBE_ERROR };

/* Why a check skipped or could not decide, when that reason is a finding about the store of
 * its own: the scores count such a check against its group (docs/scoring.md). */
enum probe_cause {
    CAUSE_NONE,
    CAUSE_NO_TLS, /* the target is plain http: there is no TLS to judge */
};

/* Probes with this flag run alone after the concurrent batch: their traffic (a burst) or their
 * measurements (latency) would disturb, or be disturbed by, the other probes. */
enum { PROBE_SOLO = 1 };

/* One piece of evidence. Every string has passed through redact_copy. */
struct probe_evidence {
    const char *request; /* "GET https://host/.git/config", "TLS 1.0 handshake host:443" */
    int status;          /* HTTP status; 0 when there is none (TLS, transport error) */
    const char *detail;  /* the deciding header or body excerpt, or the TLS outcome */
};

struct probe_result {
    enum probe_status status;
    enum probe_cause cause; /* CAUSE_NONE unless the run function sets it */
    const char *reason;
    struct probe_evidence *evidence;
    size_t evidence_count;
    size_t evidence_cap;
    uint64_t elapsed_ms;
    struct arena arena; /* owns reason and evidence */
    struct strv secrets; /* credentials met during the probe (an audit.order run's), left out
                          * of its reason and evidence like the config's */
};

struct probe_ctx;

struct probe {
    const char *id; /* stable: "S-TLS-VERSIONS" */
    enum probe_group group;
    const char *title;
    enum severity severity; /* default; config may override */
    const char *rationale;
    const char *remediation;
    const char *references; /* space-separated URLs */
    unsigned flags;
    void (*run)(struct probe_ctx *ctx);
};

struct shopper;

struct probe_ctx {
    const struct config *cfg;
    const struct probe *probe;
    struct probe_result *result;
    uint64_t deadline_ms;  /* monotonic clock (probe_now_ms); every wait ends by then */
    atomic_int *cancelled; /* set by the engine when the probe or the audit runs out of time */
    const struct shopper *shoppers; /* audit.session's runs (probes/shopper.h); none: NULL */
    size_t shopper_count;
};

/* Milliseconds on the monotonic clock. */
uint64_t probe_now_ms(void);
/* Milliseconds left before the probe's deadline (0 when past it). */
uint64_t probe_remaining_ms(const struct probe_ctx *ctx);
/* 1 once the probe must stop: cancelled, stopped (common/stop.h; only a context that can be
 * cancelled) or past its deadline. */
int probe_should_stop(const struct probe_ctx *ctx);
/* Why a probe that must stop stops, for the reports: the run was interrupted, or its time ran
 * out. */
const char *probe_stop_why(const struct probe_ctx *ctx);

/* Record the verdict; the reason is printf-formatted, redacted and kept in the result. A later
 * call replaces an earlier one. */
void probe_set(struct probe_ctx *ctx, enum probe_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add evidence; request and detail (printf-formatted) are redacted. request may be NULL. */
void probe_evidence(struct probe_ctx *ctx, const char *request, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

const char *probe_status_name(enum probe_status st);
const char *probe_group_name(enum probe_group g); /* "Security", "Traffic management", ... */
char probe_group_letter(enum probe_group g);      /* 'S', 'T', ... */

/* The registry: every probe, in run and report order. */
extern const struct probe *const probe_registry[];
extern const size_t probe_registry_count;

#endif
