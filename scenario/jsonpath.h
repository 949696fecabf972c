/*
 * JSON path extraction from response bodies, by a zero-copy scan of the text (no tree).
 *
 * Syntax (a subset of JSONPath):
 *   $                  the whole document
 *   .name              a member; name: any characters but . [ ] ' " space and controls
 *   ["any key"]        a member by a quoted key ('single' quotes too; \" \' \\ escapes)
 *   [3]  [-1]          an array element; negative counts from the end
 *   [*]  .*            every element of an array or every member value of an object
 * e.g. $.id  $.items[0].sku  $.data.products.items[*].id  $["key with space"]  $.a[-1]
 *
 * A path without a wildcard stops the scan at its first match (for duplicate keys the first
 * wins) and does not look at the rest of the body. A path with a wildcard scans the whole
 * body and picks one of the matches uniformly at random with the caller's PRNG.
 */
#ifndef STORECHECK_SCENARIO_JSONPATH_H
#define STORECHECK_SCENARIO_JSONPATH_H

#include <stddef.h>

#include "scenario/parse_error.h"
#include "scenario/rng.h"

struct jsonpath;

/* Compile; NULL with err set (col within src) when malformed. */
struct jsonpath *jsonpath_compile(const char *src, size_t len, struct parse_error *err);
void jsonpath_free(struct jsonpath *p);

enum jp_status {
    JP_MATCH = 0,
    JP_NO_MATCH, /* valid JSON (as far as scanned) but nothing at the path */
    JP_NOT_JSON, /* the body is not JSON (or nests deeper than JSONPATH_MAX_DEPTH) */
    JP_NO_SPACE, /* a match was bigger than the output buffer */
};

enum { JSONPATH_MAX_DEPTH = 512, JSONPATH_MAX_SEGMENTS = 64 };

/*
 * Evaluate p against json[0..len). On JP_MATCH out[0..*out_len) holds the value as text: a
 * string unescaped (UTF-8, no quotes), a number, true, false or null as written, an object or
 * array as its raw JSON text. No NUL is written. rng is used only by wildcard paths (may be
 * NULL otherwise). Never allocates.
 */
enum jp_status jsonpath_eval(const struct jsonpath *p, const char *json, size_t len,
                             struct rng *rng, char *out, size_t cap, size_t *out_len);

/* As jsonpath_eval, and *first is the first byte of the match as written: '"' for a string,
 * '{' or '[' for a container, '-' or a digit for a number, 't', 'f' or 'n' for a literal. */
enum jp_status jsonpath_eval_typed(const struct jsonpath *p, const char *json, size_t len,
                                   struct rng *rng, char *out, size_t cap, size_t *out_len,
                                   char *first);

/* 1 when the path has a wildcard ([*] or .*), so it may match several values. */
int jsonpath_is_wildcard(const struct jsonpath *p);

/* A short name for a status, for counting failures ("no match", "not JSON"...). */
const char *jsonpath_status_name(enum jp_status s);

#endif
