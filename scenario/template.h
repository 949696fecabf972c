/*
 * Value templates: request paths, header values and bodies with {{...}} expressions.
 *
 *   {{name}}            a variable: extracted by an earlier step, a feeder column, or set by
 *                       the engine. Names: a letter or _, then letters, digits, _ . -
 *   {{uuid}}            a random version 4 UUID (e.g. an Idempotency-Key)
 *   {{randint A B}}     a random integer in [A, B], both inclusive
 *   {{now}} {{now_ms}}  the wall clock in unix seconds / milliseconds
 *   {{"text"}}          text as is: the way to write a literal {{ (e.g. {{"{{"}})
 * Spaces inside the braces are ignored. Anything outside {{ }} is copied as is.
 *
 * template_compile parses once at load time into literal chunks and slots, interning variable
 * names into a vars_schema. template_render writes into a caller-given buffer and never
 * allocates: it is meant for every request.
 */
#ifndef STORECHECK_SCENARIO_TEMPLATE_H
#define STORECHECK_SCENARIO_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario/parse_error.h"
#include "scenario/rng.h"
#include "scenario/vars.h"

struct template;

/* What a render needs besides the template: the virtual user's variables, the thread's PRNG
 * and the wall clock (unix microseconds, read once by the caller, not per slot). */
struct tpl_ctx {
    const struct vars *vars;
    struct rng *rng;
    uint64_t now_us;
};

enum tpl_status {
    TPL_OK = 0,
    TPL_ERR_SPACE = -1, /* the output did not fit in the buffer */
    TPL_ERR_UNSET = -2, /* a variable has no value */
    TPL_ERR_VALUE = -3, /* TPL_HEADER: a variable's value holds CR, LF or NUL */
};

/*
 * How a variable's value is written, chosen by where the template goes (literal text and
 * generated values are never changed):
 *   TPL_RAW     as is (a raw body)
 *   TPL_PATH    bytes a URL path or query cannot hold are percent-encoded (space, ", #, <,
 *               >, non-ASCII, controls, a % not followed by two hex digits...); / ? & = and
 *               the other URL characters are kept, so a value may be a path of its own
 *               ("/api/v1/carts/c1") or already percent-encoded
 *   TPL_FORM    everything but letters, digits and - . _ ~ is percent-encoded (a form body)
 *   TPL_JSON    escaped for the inside of a JSON string: " \ and control characters
 *   TPL_HEADER  as is, but a value with CR, LF or NUL fails with TPL_ERR_VALUE (it would
 *               split the request)
 */
enum tpl_escape { TPL_RAW, TPL_PATH, TPL_FORM, TPL_JSON, TPL_HEADER };

/* Compile src; NULL with err set (line and col within src) when it is malformed. A new
 * template writes values TPL_RAW. */
struct template *template_compile(const char *src, size_t len, struct vars_schema *schema,
                                  struct parse_error *err);
void template_set_escape(struct template *t, enum tpl_escape escape);
void template_free(struct template *t);

/* Render into buf[0..cap). On TPL_OK *out_len is the length (no NUL is written). On
 * TPL_ERR_UNSET and TPL_ERR_VALUE *bad_var (if not NULL) is the variable's id. */
enum tpl_status template_render(const struct template *t, const struct tpl_ctx *ctx, char *buf,
                                size_t cap, size_t *out_len, int *bad_var);

/* The first byte of t's literal text (outside {{ }}) that a request target cannot hold as
 * is, the bytes TPL_PATH would encode; -1 when there is none. */
int template_literal_path_bad_byte(const struct template *t);

/* 1 when the template has no slots, so it renders the same every time (render it once). */
int template_is_constant(const struct template *t);

/* The variables a template uses, in order of appearance, with where each stands in src. */
struct tpl_var_ref {
    int id;
    int line;
    int col;
};
size_t template_var_count(const struct template *t);
struct tpl_var_ref template_var(const struct template *t, size_t i);

/* 1 when name (NUL-terminated) is a template function rather than a variable name. */
int template_is_function(const char *name);
/* 1 when name can be written as {{name}}: a variable name that is not a function's. */
int template_is_var_name(const char *name);

#endif
