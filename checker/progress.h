/*
 * The live progress of a run on a terminal, k6-like: one status line on stderr, redrawn in
 * place (carriage return, then the line, then erase to its end: no flicker), that says what is
 * going on now. The audit's line (probes done/total, the ones running) is redrawn at most four
 * times a second by a ticker of its own; a load's line (elapsed/total with a bar, users or
 * connections, iterations, req/s, p95, errors) once a second by the load loop's call.
 *
 * Only on a terminal: progress_start gives NULL when stderr is not one or with -q, and every
 * function here does nothing given NULL, so callers need no test of their own. The probe engine
 * knows nothing of it: it tells an engine_observer, which progress_audit hands out.
 */
#ifndef STORECHECK_CHECKER_PROGRESS_H
#define STORECHECK_CHECKER_PROGRESS_H

#include "checker/cli.h"
#include "loadgen/engine.h"
#include "probes/engine.h"

struct progress;

/* The display, or NULL when there is to be none (stderr not a terminal, -q). */
struct progress *progress_start(const struct cli *cli);
/* Erase the status line and release everything. */
void progress_end(struct progress *p);

/* A lasting line ("fault orders_down on at 2.0s") above the status line. */
void progress_say(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Erase the status line before something else is written to stderr; the next draw brings it
 * back. */
void progress_clear(struct progress *p);

/* The audit begins: its line is "PHASE  done/total probes done  running: ids". The observer is
 * for engine_options.observer (NULL when p is NULL), valid until progress_audit_end, which
 * stops the redraws and leaves a line saying how many probes ran in how long. */
const struct engine_observer *progress_audit(struct progress *p, const char *phase);
void progress_audit_end(struct progress *p);

/* Probes running beside a load (`storecheck run`'s under-load checks): counted, and shown at
 * the end of the load's line. */
const struct engine_observer *progress_beside_load(struct progress *p);

/* Call from the load loop as often as it likes: once a second of the run it redraws the load's
 * line from the engine (params.snapshots must be on: progress_wants_snapshots). */
void progress_load(struct progress *p, struct engine *e, const struct loadgen_params *params,
                   const char *phase);
/* 1 when the load's line needs the engine's running totals. */
int progress_wants_snapshots(const struct progress *p);

#endif
