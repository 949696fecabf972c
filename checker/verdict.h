/*
 * The gate: which checks and thresholds fail a run, the verdict and exit code, and one line
 * per reason (which finding or threshold, observed against allowed). An interrupted run is
 * exit 3 with that reason first (a threshold without data is then no reason). An undecided audit (more
 * checks could not decide than decided) is exit 3 whatever it found, its reasons led by how
 * many could not decide. Otherwise findings decide first: a failed gate is exit 1 even when
 * some check could not decide; an undecided check or an interrupted run is exit 3, never a
 * pass.
 */
#ifndef STORECHECK_CHECKER_VERDICT_H
#define STORECHECK_CHECKER_VERDICT_H

#include <stddef.h>

#include "reports/report_model.h"

struct verdict {
    const char *result; /* "passed", "failed", "incomplete", "interrupted" */
    int exit_code;
    char **reasons; /* malloc'd lines */
    size_t count;
};

/* Judge the checks and the thresholds, setting their gated flags. */
void verdict_judge(struct report_check *checks, size_t n, struct report_threshold *th, size_t nth,
                   enum severity fail_on, int interrupted, struct verdict *v);
void verdict_free(struct verdict *v);

#endif
