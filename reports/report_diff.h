/*
 * What changed between two run reports: new and fixed findings, grade changes, latency and
 * error-rate regressions beyond a tolerance, thresholds that broke. See docs/reports.md.
 */
#ifndef STORECHECK_REPORTS_REPORT_DIFF_H
#define STORECHECK_REPORTS_REPORT_DIFF_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "reports/textbuf.h"

/* An error rate must also rise by this much (0.1 percentage point) to count: one error more
 * in ten thousand requests is noise, not a regression. */
#define DIFF_ERROR_RATE_FLOOR 0.001

/* Compare old and new (both passed rd_check); one line per change into out, each starting
 * with "regression:", "fixed:", "better:", "new:" or "incomplete:" (a grade that became
 * incomplete, which is no regression). Returns the number of regressions.
 * tolerance is a fraction (0.1 for 10%). */
size_t report_diff(const cJSON *old_doc, const cJSON *new_doc, double tolerance,
                   struct textbuf *out);

#endif
