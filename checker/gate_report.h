/*
 * The end of `storecheck run` and `storecheck audit`: the accepted findings attached to the
 * checks, the verdict against fail_on, the scores, the console summary (checker/summary.h)
 * and the reports of the config's reports section, which the --json/--html/--junit/--markdown/
 * --sarif options override ("-" is stdout).
 */
#ifndef STORECHECK_CHECKER_GATE_REPORT_H
#define STORECHECK_CHECKER_GATE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "checker/accept.h"
#include "checker/cli.h"
#include "checker/verdict.h"
#include "config/config.h"
#include "common/diag.h"
#include "probes/engine.h"
#include "reports/report_model.h"

/* 1 if a check of this id exists in a run: a probe, an under-load check or the fault window.
 * The accepted-findings file may name any of them, whichever command reads it. */
int gate_known_check(const char *id);

/* Read cfg's audit.accept into l (always initialised; accept_free it). 0, or -1 with the
 * errors, located, in diags. */
int gate_load_accepted(const struct config *cfg, struct accept_list *l, struct diag_list *diags);

/* The report formats run and audit write: reporters[] has this many. */
#define REPORT_FORMATS 5

/* The report files named on the command line, in reporters[] order; NULL: the config's. */
struct report_overrides {
    const char *paths[REPORT_FORMATS];
};

/* If argv[*i] is --json, --html, --junit, --markdown or --sarif, take its FILE (advancing *i) and
 * return 1; 0 if it is none of them; -1 after a usage error. */
int report_option(const struct command *cmd, int argc, char **argv, int *i,
                  struct report_overrides *p);

/* Where the console output goes: stderr when some report goes to stdout (checker/console.h),
 * else stdout. */
FILE *report_console(const struct report_overrides *p, const struct config *cfg);
/* 0 when at most one report goes to stdout, else EXIT_USAGE after saying so as cmd. */
int report_console_check(const struct command *cmd, const struct report_overrides *p,
                         const struct config *cfg);

/* The checks of a run, each with its acceptance if it has one. */
struct gate_checks {
    struct report_check *items;
    struct report_acceptance *acceptances;
    size_t count;
};

void gate_checks_init(struct gate_checks *c, size_t cap);
void gate_checks_add(struct gate_checks *c, const struct engine_report *rep,
                     enum report_phase phase);
/* Attach the acceptances of l for target (a base URL), expired ones included. */
void gate_checks_accept(struct gate_checks *c, const struct accept_list *l, const char *target);
void gate_checks_free(struct gate_checks *c);

int64_t gate_now_unix_ms(void);

/* A judged run. The caller fills run (target, started_unix_ms, interrupted, the load and its
 * thresholds, secrets); gate_judge fills the rest. */
struct gate {
    struct report_run run;
    struct verdict verdict;
    int checks_listed; /* every check was printed already: the summary does not list them */
};

/* Judge the checks and run's thresholds against fail_on (setting each check's gated flag),
 * score them, and fill run's checks, verdict, scores and end time. */
void gate_judge(struct gate *g, struct report_check *checks, size_t n, enum severity fail_on);

/* Print the summary to out, write the reports, free the verdict; the exit code. A report
 * that cannot be written is exit 3, unless the gate failed. */
int gate_finish(const struct cli *cli, const char *command, struct gate *g,
                const struct config *cfg, const struct report_overrides *p, FILE *out);

#endif
