/*
 * An incremental, zero-copy HTTP/1.1 request parser. The request's strings point into the
 * caller's buffer, so the buffer must outlive them; parsing again after more bytes arrived is
 * cheap (the head is at most HTTP_MAX_HEAD bytes) and is how the server resumes.
 */
#ifndef REFSTORE_HTTP_PARSER_H
#define REFSTORE_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEAD    (16 * 1024) /* request line + headers; more is 431 */
#define HTTP_MAX_TARGET  (8 * 1024)  /* more is 414 */
#define HTTP_MAX_HEADERS 64          /* more is 431 */
#define HTTP_MAX_BODY    (1024 * 1024)

struct http_header {
    const char *name, *value;
    size_t name_len, value_len;
};

struct http_request {
    const char *method, *target, *path, *query; /* query excludes '?', NULL when absent */
    size_t method_len, target_len, path_len, query_len;
    int minor_version;
    struct http_header headers[HTTP_MAX_HEADERS];
    size_t num_headers;
    size_t head_len;        /* bytes of request line + headers + blank line */
    int64_t content_length; /* -1 when absent */
    bool chunked;
    bool keep_alive;
    bool expect_continue;
    const char *body;
    size_t body_len;
};

enum {
    HTTP_PARSE_INCOMPLETE = 0,
    HTTP_PARSE_ERROR = -1,
};

/*
 * Parses a request head from buf[0..len). Returns the head length (> 0) when complete,
 * HTTP_PARSE_INCOMPLETE when more bytes are needed, or HTTP_PARSE_ERROR with *status set to
 * the answer to give (400, 413, 414, 431, 501, 505) before closing the connection.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req, int *status);

/* In-place decoding state of a chunked body; zero it before the first call. */
struct http_chunked {
    size_t in;  /* raw bytes consumed */
    size_t out; /* decoded bytes, moved to the start of the body */
};

/*
 * Decodes the complete chunks in buf[0..len) (the bytes after the head) in place, moving data
 * to the front. Returns 1 when the last chunk and trailers were read (body = buf[0..st->out),
 * st->in raw bytes used), 0 when more bytes are needed, or -status (400, 413) on error.
 */
int http_chunked_decode(char *buf, size_t len, struct http_chunked *st, size_t max_body);

/* Case-insensitive header lookup; returns the value (not terminated) or NULL. */
const char *http_header_get(const struct http_request *req, const char *name, size_t *len);

/* Is method exactly m? */
bool http_method_is(const struct http_request *req, const char *m);

#endif
