/*
 * The probe engine: selects probes (--only/--skip by id or group letter), runs them
 * concurrently on worker threads, each under its own timeout and all under the audit deadline,
 * and collects one result per selected probe. A probe that overruns is cancelled (its HTTP and
 * TLS waits end) and reported as an error; it never holds up the others. After a stop
 * (common/stop.h) no probe starts and those running are cancelled within the watch slice;
 * both are reported as skip "interrupted: ...". Asked to, it first recognises the stack in front
 * of the store from one answer of the home page (probes/stack.h).
 */
#ifndef STORECHECK_PROBES_ENGINE_H
#define STORECHECK_PROBES_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "probes/probe.h"
#include "probes/stack.h"

struct engine_item {
    const struct probe *probe;
    enum severity severity; /* after config overrides */
    struct probe_result result;
};

struct engine_report {
    struct engine_item *items; /* the selected probes, in registry order */
    size_t count;
    uint64_t elapsed_ms;
    struct stack_report stack; /* recognised when engine_options.detect_stack asked for it */
};

/* Who watches an audit as it goes (a progress display): told how many probes were selected,
 * then of each probe as it starts and as it ends (also those that never started: stopped or
 * past the deadline). Called from the worker threads, possibly under the engine's lock: quick,
 * thread-safe, and never back into the engine. */
struct engine_observer {
    void (*selected)(void *ctx, size_t count);
    void (*started)(void *ctx, const struct probe *p);
    void (*finished)(void *ctx, const struct probe *p, const struct probe_result *r);
    void *ctx;
};

struct engine_options {
    const struct probe *const *table; /* NULL: probe_registry */
    size_t table_count;
    const struct strv *only; /* ids or group letters; NULL or empty: all */
    const struct strv *skip;
    uint64_t deadline_ms;      /* whole audit; 0: cfg->audit.deadline_ms or 60 s */
    uint64_t probe_timeout_ms; /* each probe; 0: cfg->audit.probe_timeout_ms or 15 s */
    unsigned concurrency;      /* worker threads; 0: 32 */
    int detect_stack;          /* recognise the stack first (one GET of the home page) */
    const struct engine_observer *observer; /* NULL: nobody watches */
};

/* Call once from the main thread before any probe runs (libcurl global state). */
void engine_global_init(void);
void engine_global_cleanup(void);

/* Check every --only/--skip entry names a probe id or a group letter. 0, or -1 with the
 * offending entry in err. */
int engine_check_selection(const struct engine_options *opt, char *err, size_t errlen);

/* Can the target be reached at all? A TCP connect to base_url's host and port within the
 * target timeout. 0, or -1 with the reason ("connection refused") in err. */
int engine_preflight(const struct config *cfg, char *err, size_t errlen);

/* Run the selected probes. Returns 0, or -1 with err set when the selection is invalid. The
 * report is owned by the caller: engine_report_free. */
int engine_run(const struct config *cfg, const struct engine_options *opt,
               struct engine_report *out, char *err, size_t errlen);
void engine_report_free(struct engine_report *r);

/* The severity of a probe after the config's overrides. */
enum severity engine_severity(const struct config *cfg, const struct probe *p);

#endif
