/*
 * Scores and grades per STORE group and overall (docs/scoring.md): each group starts at 100,
 * every failed or warned check takes off points by severity (a check that could not run for a
 * reason that is a finding, no TLS, counts as failed), and caps lower the grade when a single
 * finding is bad enough on its own (a rejected certificate, an exposed .git). A group with
 * checks that could not decide is graded "incomplete" unless it is F already.
 */
#ifndef STORECHECK_CHECKER_SCORE_H
#define STORECHECK_CHECKER_SCORE_H

#include <stddef.h>

#include "reports/grade.h"
#include "reports/report_model.h"

/* Score the checks into groups[] (indexed by enum probe_group) and *overall. */
void score_compute(const struct report_check *checks, size_t n,
                   struct report_score groups[GROUP_COUNT], struct report_score *overall);

/* The grade of a score with no cap: "A+" needs 100 and no warnings. */
const char *score_grade(double score, int warnings);

#endif
