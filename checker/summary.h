/*
 * The console summary at the end of `storecheck run` and `storecheck audit`, like k6's
 * end-of-test summary: the counts, each failed and warned check on one line (unless the
 * command listed every check already), the thresholds table, the grades and the load; then
 * the verdict and its reasons (all that -q leaves).
 */
#ifndef STORECHECK_CHECKER_SUMMARY_H
#define STORECHECK_CHECKER_SUMMARY_H

#include <stdio.h>

#include "checker/cli.h"
#include "reports/report_model.h"

void summary_print(const struct cli *cli, FILE *out, const struct report_run *run,
                   int list_findings);

#endif
