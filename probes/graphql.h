/*
 * What the GraphQL probes share: the requests they send to target.graphql.path (a JSON body
 * built with cJSON, POSTed; or the query in the URL of a GET), the answer read by its JSON
 * structure (`data` and `errors`, never the text of a transport error), and the parts of the
 * schema that introspection shows, when the store lets it be read.
 */
#ifndef STORECHECK_PROBES_GRAPHQL_H
#define STORECHECK_PROBES_GRAPHQL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "probes/http.h"

/* One answer read by its structure. */
struct gql_answer {
    cJSON *doc;          /* the parsed body; NULL when it is not JSON */
    const cJSON *data;   /* "data" when it is an object (null or absent: NULL) */
    const cJSON *errors; /* "errors" when it is a non-empty array, else NULL */
};

/* Read body (len bytes, NUL-terminated or not) as a GraphQL answer: a JSON object with a
 * "data" object or a non-empty "errors" array. 0 when it is one, -1 when not (a is then
 * empty, or holds the JSON that is not an answer); free a with gql_answer_free either way. */
int gql_read(const char *body, size_t len, struct gql_answer *a);
void gql_answer_free(struct gql_answer *a);

/* Entries of "errors" (0 when none). */
size_t gql_error_count(const struct gql_answer *a);
/* The "message" of errors[i], or NULL when it has none. */
const char *gql_error_message(const struct gql_answer *a, size_t i);
/* The extensions.code of errors[i] when it is a string, else NULL. */
const char *gql_error_code(const struct gql_answer *a, size_t i);
/* The member of data at a dotted path ("__schema.queryType.name"), or NULL. */
const cJSON *gql_data_at(const struct gql_answer *a, const char *path);

/* 1 when an error message offers field names ("Did you mean ...?"), with the message (up to
 * len-1 bytes, one line) in out; else 0. */
int gql_suggestion(const struct gql_answer *a, char *out, size_t len);
/* The first sign of internals in errors[].extensions: "stack trace" (a stacktrace, stack or
 * exception member, or debug output) or "internal path" (a source file's path), with an
 * excerpt (up to len-1 bytes, one line) in out; NULL when the extensions show none. */
const char *gql_extensions_leak(const struct gql_answer *a, char *out, size_t len);

/* The same signs in an error answer that is not a GraphQL answer (neither data nor errors[]:
 * a framework's error object or page): anywhere in its JSON (a "stack" member, a message
 * with a source path), or in body's text when it is not JSON. NULL when it shows none. */
const char *gql_other_error_leak(const struct gql_answer *a, const char *body, char *out,
                                 size_t len);

/* An answer to a JSON array of operations: how many of its entries are answers with data;
 * 0 when the body is not a JSON array. */
size_t gql_batch_executed(const char *body, size_t len);

/* The request body {"query": query} with "variables" (JSON text, may be NULL) and
 * "extensions" (JSON text, may be NULL): malloc'd, NULL when a JSON text does not parse. */
char *gql_body(const char *query, const char *variables, const char *extensions);

/* Start a GraphQL probe: the GraphQL URL into url, after `{__typename}` was POSTed and
 * answered with data (or, where the store declares persisted queries only, with a GraphQL
 * answer), which shows the path answers GraphQL at all. -1 when the probe cannot go on: it
 * is then set to skip (no target.graphql.path) or error, with the reason. */
int gql_begin(struct probe_ctx *ctx, char *url, size_t len);

/* Answers are read up to this size; a longer one is cut (http_response.truncated), which only
 * an executed operation can cause: no refusal is that long. */
enum { GQL_MAX_ANSWER = 4 << 20 };

/* POST body to url as application/json (content_type NULL) or as content_type. */
void gql_post_body(struct probe_ctx *ctx, const char *url, const char *body,
                   const char *content_type, struct http_response *r);
/* POST {"query": query} to url as application/json. */
void gql_post(struct probe_ctx *ctx, const char *url, const char *query, struct http_response *r);
/* GET url?query=<query, percent-encoded>. */
void gql_get(struct probe_ctx *ctx, const char *url, const char *query, struct http_response *r);

/* Evidence for one exchange: the request line and status, what was sent (cut at 240 bytes,
 * with its full length), then detail. */
void gql_evidence(struct probe_ctx *ctx, const struct http_response *r, const char *sent,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The schema, as far as introspection shows it. */
struct gql_schema {
    struct gql_answer answer; /* the introspection answer; owns the strings below */
    const char *root_field;   /* a Query field without required arguments (NULL: none) */
    int root_is_object;       /* root_field's type is an object (it needs a selection) */
    const char *recursive;    /* a field without required arguments on root_field's type
                               * that returns that type again (NULL: none) */
};

/* Read an introspection answer (body, len bytes) into s. 0 when it holds __schema.types, -1
 * when not (s is then empty); free s either way. */
int gql_schema_parse(const char *body, size_t len, struct gql_schema *s);
/* Ask for the schema by introspection. 0 when it was read (fields may still be NULL), -1
 * when the store did not answer it with data (s is then empty); free s either way. The
 * exchange is added as evidence. */
int gql_schema_read(struct probe_ctx *ctx, const char *url, struct gql_schema *s);
void gql_schema_free(struct gql_schema *s);

#endif
