/*
 * The gate of a load run: load.thresholds judged against the result (each with its observed
 * value), and the abort_on_fail ones checked once a second while the run goes on.
 */
#ifndef STORECHECK_CHECKER_LOAD_GATE_H
#define STORECHECK_CHECKER_LOAD_GATE_H

#include <stddef.h>
#include <stdio.h>

#include "checker/cli.h"
#include "config/config.h"
#include "loadgen/engine.h"
#include "loadgen/result.h"
#include "scenario/threshold.h"

struct load_gate {
    const struct threshold *src;
    struct threshold_expr *exprs;
    size_t count;
    int any_abort; /* some threshold has abort_on_fail */
};

/* Parse every threshold of l. 0, or -1 with err when one does not parse. */
int load_gate_init(struct load_gate *g, const struct load *l, char *err, size_t errlen);
void load_gate_free(struct load_gate *g);

/* Judge every threshold into r->thresholds (replacing the outcomes it held, as a result read
 * back holds); returns how many are broken (no data counts). */
size_t load_gate_judge(const struct load_gate *g, struct load_result *r);

/* 1 when an abort_on_fail threshold is already broken by the running totals in snap (no data
 * does not count yet), with its line in why. */
int load_gate_should_abort(const struct load_gate *g, const struct load_result *snap, char *why,
                           size_t len);

/* Once a second during a run (the engine keeps snapshots): stop it with engine_abort when an
 * abort_on_fail threshold is already broken. 1 then, with the threshold's line in why. */
int load_gate_check_running(const struct load_gate *g, struct engine *e, char *why, size_t len);

/* The exit code of a load result judged with `broken` thresholds broken: 3 when interrupted
 * or when no request got an answer (said on stderr as storecheck COMMAND), 1 when a threshold
 * is broken, else 0. */
int load_gate_exit_code(const struct load_result *r, size_t broken, const char *command);

/* The thresholds of r, one line each, for the console summary on out. */
void load_gate_print(const struct cli *cli, FILE *out, const struct load_result *r);

#endif
