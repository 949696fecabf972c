/*
 * Whether a GraphQL answer says the operation failed, by rules that hold for any schema:
 *
 *  - a non-empty top-level `errors` array (also beside partial `data`);
 *  - a result object in `data` (up to GRAPHQL_RESULT_DEPTH levels down) whose `__typename`
 *    ends in one of the configured error type names (default Error, ErrorResult): the union
 *    of success and error types that mutations of many stores return;
 *  - a non-empty `errors` or `userErrors` list of objects in a result object: the error list
 *    that other stores put in a mutation's payload.
 *
 * The failure is named by the store's own code: `extensions.code` of a top-level error,
 * `errorCode` or `code` of an error result or list item; else by the error type, or by the
 * message. Reading allocates nothing and never reads outside body[0..len).
 */
#ifndef STORECHECK_SCENARIO_GRAPHQL_ANSWER_H
#define STORECHECK_SCENARIO_GRAPHQL_ANSWER_H

#include <stddef.h>

#include "scenario/check.h"

/* Result objects deeper than this in `data` are not looked at; JSON nested deeper than
 * GRAPHQL_JSON_DEPTH is not read at all. */
enum { GRAPHQL_RESULT_DEPTH = 16, GRAPHQL_JSON_DEPTH = 128 };
/* The reason's room with its NUL: bounded so a store's message cannot grow a report. */
enum { GRAPHQL_REASON_MAX = 96 };

enum graphql_verdict {
    GRAPHQL_OK,           /* no error reported */
    GRAPHQL_ERRORS,       /* a non-empty top-level errors array */
    GRAPHQL_ERROR_RESULT, /* an error-typed result, or an error list in a result */
    GRAPHQL_NOT_JSON,     /* not a JSON object, malformed, or nested too deep */
};

struct graphql_failure {
    char reason[GRAPHQL_REASON_MAX]; /* "graphql PAYMENT_DECLINED", "graphql PaymentDeclinedError",
                                      * "graphql \"message...\"" */
    char got[CHECK_GOT_MAX];         /* the message as JSON text, cut; "no message" */
};

/* Judge body[0..len). Error type names: typenames[0..n). f is filled unless GRAPHQL_OK.
 * Text taken from the answer is printable ASCII ('?' for anything else), cut to fit. */
enum graphql_verdict graphql_answer_judge(const char *body, size_t len,
                                          const char *const *typenames, size_t n,
                                          struct graphql_failure *f);

#endif
