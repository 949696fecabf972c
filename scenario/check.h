/*
 * Checks on a scenario step's answer: one expression each, compiled once when the plan is
 * built, evaluated on every response without allocating (but for POSIX regexec).
 *
 *   check   := subject op
 *   subject := JSONPATH | "body" | "header" NAME
 *   op      := ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
 *            | "in" "[" literal { "," literal } "]"
 *            | "exists" | "absent" | "matches" "/" ERE "/"
 *            | "contains" STRING | "not" "contains" STRING
 *   literal := STRING | NUMBER | "true" | "false" | "null"
 *
 * A JSON path (scenario/jsonpath.h, no wildcard) is followed by a space; it takes every
 * operator but contains. body takes contains and not contains; header NAME takes exists,
 * absent, ==, != and matches with a string. STRING is double-quoted with \" and \\ escapes;
 * a '/' inside a regular expression is written \/.
 */
#ifndef STORECHECK_SCENARIO_CHECK_H
#define STORECHECK_SCENARIO_CHECK_H

#include <stddef.h>

#include "loadgen/result.h"
#include "scenario/parse_error.h"
#include "scenario/response.h"
#include "scenario/rng.h"

/* What a failed check saw, as shown in a reason and kept in the result: at most this many
 * bytes with the NUL. */
enum { CHECK_GOT_MAX = LG_GOT_MAX };

struct check;

/* Compile src[0..len); NULL with err set (column within src) when malformed. */
struct check *check_compile(const char *src, size_t len, struct parse_error *err);
void check_free(struct check *c);

/*
 * Evaluate c on the response. scratch (cap bytes, cap >= 2) holds a JSON value while it is
 * compared. 1 when the check holds; 0 when it fails, with got (CHECK_GOT_MAX bytes) set to
 * what was found: a JSON value as JSON text cut to ~60 bytes, "nothing", "a body that is not
 * JSON"...
 */
int check_eval(const struct check *c, const struct response_view *rv, struct rng *rng,
               char *scratch, size_t cap, char got[CHECK_GOT_MAX]);

#endif
