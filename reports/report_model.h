/*
 * What `storecheck run` (and `storecheck audit`, without a load) hands to the report writers:
 * every check with its result and how the gate judged it, the scores, the verdict, the load
 * result and its thresholds. Plain data
 * that points at the caller's structures; report_json builds the JSON document from it, and
 * every other format is rendered from that document (so a saved JSON re-renders the same).
 */
#ifndef STORECHECK_REPORTS_REPORT_MODEL_H
#define STORECHECK_REPORTS_REPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "loadgen/result.h"
#include "probes/probe.h"
#include "probes/stack.h"
#include "reports/load_json.h"
#include "scenario/threshold.h"

#define REPORT_SCHEMA_VERSION 1

enum report_phase { PHASE_BASELINE, PHASE_UNDER_LOAD };

/* An accepted finding: it does not fail the gate until it expires. */
struct report_acceptance {
    const char *reason;
    const char *expires; /* YYYY-MM-DD */
    int expired;
};

struct report_check {
    const struct probe *probe; /* id, group, title, rationale, remediation, references */
    enum severity severity;    /* after config overrides */
    const struct probe_result *result;
    enum report_phase phase;
    int gated;                                /* this check fails the gate */
    const struct report_acceptance *accepted; /* NULL: not accepted */
};

struct report_score {
    int scored;        /* 0: nothing in the group could be judged (no grade) */
    double score;      /* 0..100, over the decided checks */
    const char *grade; /* "A+" .. "F", or "incomplete" while undecided checks could lower it */
    const char *cap;   /* why the grade is capped, or NULL */
    int undecided;     /* checks that could not decide (error) */
};

struct report_threshold {
    const char *expr; /* as written in the config */
    struct threshold_expr parsed;
    struct th_result result;
    int gated; /* this threshold fails the gate */
};

/* The cooperative fault injected during the load. */
struct report_fault {
    const char *name;
    uint64_t at_ms, duration_ms;    /* planned, from the start of the load */
    int64_t started_ms, stopped_ms; /* actual, from the start of the load; -1: did not happen */
    const char *error;              /* why starting or stopping failed, or NULL */
};

struct report_run {
    const char *target;
    int64_t started_unix_ms, ended_unix_ms;
    int interrupted;
    enum severity fail_on;
    const char *verdict; /* "passed", "failed", "incomplete", "interrupted" */
    int exit_code;
    const char *const *reasons; /* one line each: why the gate failed or the run is incomplete */
    size_t reason_count;
    struct report_score groups[GROUP_COUNT];
    struct report_score overall;
    const struct report_check *checks;
    size_t check_count;
    const struct load_result *load; /* NULL: no load ran */
    const struct load_json_meta *load_meta;
    const char *load_note;               /* what drove the load, in a sentence; may be NULL */
    struct report_threshold *thresholds; /* their gated flags set by the verdict */
    size_t threshold_count;
    const struct report_fault *fault; /* NULL: none configured */
    const struct strv *secrets;       /* never written; may be NULL */
    const struct stack_report *stack; /* the stack recognised; NULL or not ran: none */
};

#endif
