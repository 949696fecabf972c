/*
 * What the live progress line says, as text: the numbers of a moment (a view) in, one line out,
 * cut to the terminal's width so that it never wraps (a wrapped line cannot be redrawn in
 * place). No terminal here: checker/progress.c draws the lines; tests read them.
 */
#ifndef STORECHECK_CHECKER_PROGRESS_VIEW_H
#define STORECHECK_CHECKER_PROGRESS_VIEW_H

#include <stddef.h>
#include <stdint.h>

/* Probes running in parallel: the audit, or the under-load probes of `storecheck run`. */
struct progress_audit_view {
    const char *phase; /* "audit", "baseline audit" */
    size_t done, total;
    const char *const *running; /* the ids of the probes running now */
    size_t running_count;
    uint64_t elapsed_ms;
};

/* A load run at one second. */
struct progress_load_view {
    const char *phase; /* "load", "load, fault orders_down on" */
    uint64_t elapsed_us, duration_us;
    int users;           /* active/most count virtual users; 0: connections */
    uint64_t active;     /* in the last second */
    uint64_t most;       /* the most the run may have */
    int iterations_kept; /* a scenario run: the iteration counts mean something */
    uint64_t iterations, iterations_failed;
    uint64_t rate;     /* responses in the last second */
    uint64_t p95_us;   /* of every response so far; 0: none yet */
    uint64_t errors;   /* transport errors and 5xx so far */
    const char *extra; /* appended after the numbers ("under-load probes 1/3"); may be NULL */
};

/* "baseline audit  12/40 probes  3s  running: S-HSTS, T-CORS +5" into buf (len bytes), at most
 * width - 1 columns; returns its length. */
size_t progress_format_audit(char *buf, size_t len, const struct progress_audit_view *v, int width);

/* "load [=====>      ] 12s/30s  users 10/50  iterations 120 (2 failed)  45 req/s  p95 12.3ms
 * errors 0" into buf, at most width - 1 columns; returns its length. */
size_t progress_format_load(char *buf, size_t len, const struct progress_load_view *v, int width);

#endif
