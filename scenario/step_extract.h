/*
 * One extraction of a scenario step applied to an answer: a JSONPath into the body, a header
 * or a cookie of the head. The virtual users and the audit's shopper session take values the
 * same way, and differ only in what they do when a value is missing.
 */
#ifndef STORECHECK_SCENARIO_STEP_EXTRACT_H
#define STORECHECK_SCENARIO_STEP_EXTRACT_H

#include <stddef.h>

#include "scenario/jsonpath.h"
#include "scenario/plan.h"
#include "scenario/response.h"

/* The value x takes from rv: JP_MATCH with *val and *len set (into rv's head, or scratch of
 * cap bytes for a JSONPath); JP_NO_MATCH when the answer has none; JP_NOT_JSON or JP_NO_SPACE
 * as jsonpath_eval says for a body that is not JSON or a value that does not fit. */
enum jp_status step_extract(const struct plan_extract *x, const struct response_view *rv,
                            struct rng *rng, char *scratch, size_t cap, const char **val,
                            size_t *len);

#endif
