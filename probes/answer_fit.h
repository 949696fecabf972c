/*
 * Did the store take a request as the thing the probe asked for? An answer that says the
 * request itself was wrong (nothing at that path, a method or media type the endpoint does
 * not take) tells nothing about the page or API it was meant to reach: probes must not judge
 * it as that page, and say instead how to fix the config. One classification for every probe.
 */
#ifndef STORECHECK_PROBES_ANSWER_FIT_H
#define STORECHECK_PROBES_ANSWER_FIT_H

#include <stddef.h>

#include "probes/http.h"

/* What a status says was wrong with a request sent to a configured endpoint, or NULL when
 * the answer fits: 404 (nothing at that path), 405 (another method), 406 (another Accept
 * type), 415 (another body type). */
const char *answer_fit_mismatch(int status);

/* 1 when the status says the request was refused as wrong in any way: the mismatches above
 * and malformed or invalid requests (400, 411, 413, 414, 422). For probes that send many
 * requests of one kind and must tell a refused request from a judged one. */
int answer_fit_request_error(int status);

/* "the request was wrong: GET URL answered 404 (nothing at that path); set
 * target.endpoints.KEY to ..." for an answer whose answer_fit_mismatch is not NULL. key names
 * what sent the request: an endpoint ("catalog", for target.endpoints.catalog) or a full
 * config key ("target.graphql.path"). */
void answer_fit_explain(const struct http_response *r, const char *key, char *out, size_t len);

/* For a probe that fetched one configured endpoint: when r does not fit (answer_fit_mismatch),
 * record r as evidence, set the verdict to skip with answer_fit_explain's text and return 1;
 * otherwise 0 and nothing is recorded. */
int answer_fit_skip(struct probe_ctx *ctx, const struct http_response *r, const char *key);

#endif
