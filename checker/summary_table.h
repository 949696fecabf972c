/*
 * The end-of-test table on a terminal, as k6 prints it: the checks (✓ passed / ✗ failed, the
 * rate, and each one that did not pass by name), the thresholds with their observed values,
 * the HTTP requests and failures, the iterations and each scenario's durations (p50/p95/p99).
 * `run` and `load` print it at the end when their output is a terminal (summary_table_wanted);
 * elsewhere their output stays the plain lines scripts read.
 */
#ifndef STORECHECK_CHECKER_SUMMARY_TABLE_H
#define STORECHECK_CHECKER_SUMMARY_TABLE_H

#include <stdio.h>

#include "checker/cli.h"
#include "config/config.h"
#include "loadgen/result.h"
#include "reports/report_model.h"

struct summary_table {
    const struct report_check *checks; /* the probes of a run; NULL for a load */
    size_t check_count;
    const struct report_threshold *thresholds; /* a run's; a load's are in load->thresholds */
    size_t threshold_count;
    const struct load_result *load; /* NULL: no load ran */
    const struct strv *secrets;     /* redacted from the step checks' reasons; may be NULL */
};

/* 1 when out is a terminal and -q is off. */
int summary_table_wanted(const struct cli *cli, FILE *out);

void summary_table_print(const struct cli *cli, FILE *out, const struct summary_table *t);

/* When c ran: "" for the baseline, " under load" or, once the load's connections got ready,
 * " under load over h2" (the protocols they spoke); in buf. */
const char *summary_phase(const struct report_check *c, const struct load_result *load, char *buf,
                          size_t len);

/* s on one line: control characters (a line break from a server) become spaces. */
void summary_one_line(FILE *out, const char *s);

#endif
