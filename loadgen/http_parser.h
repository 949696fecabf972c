/*
 * An incremental, zero-copy HTTP/1.1 response parser for the load generator.
 *
 * Bytes are fed as they arrive, in pieces of any size; the parser keeps only a few dozen bytes
 * of state between pieces (never the input), so a response of any size streams through a small
 * receive buffer. It understands the status line, Content-Length, chunked bodies with
 * extensions and trailers, close-delimited bodies, Connection: close/keep-alive, 1xx interim
 * responses (skipped), and responses without a body (HEAD, 204, 304, 1xx).
 *
 * It is strict where a lenient reading could desynchronise a keep-alive connection: conflicting
 * Content-Length values, Content-Length with Transfer-Encoding, obsolete line folding, control
 * characters in header lines, or a head larger than the configured limit are errors.
 */
#ifndef STORECHECK_LOADGEN_HTTP_PARSER_H
#define STORECHECK_LOADGEN_HTTP_PARSER_H

#include <stddef.h>
#include <stdint.h>

enum http_result {
    HTTP_AGAIN, /* every byte consumed, the response is not complete yet */
    HTTP_DONE,  /* a final response ended; *consumed says where */
    HTTP_ERROR, /* malformed or over a limit; see http_parser.error */
};

enum { HTTP_NAME_KEEP = 20, HTTP_VALUE_KEEP = 64 };

struct http_parser {
    /* Results, valid after HTTP_DONE (status also once the head is complete). */
    int status;          /* final status code */
    int keep_alive;      /* 1 if the connection may carry another request */
    int interim;         /* 1xx responses skipped before the final one */
    uint64_t body_bytes; /* body bytes of the final response (without chunk framing) */
    const char *error;   /* static text after HTTP_ERROR */

    /* Parse state; private. */
    int state;
    int no_body; /* the request was HEAD */
    int minor;   /* HTTP/1.minor */
    int header;  /* which tracked header the current line is */
    int chunked, has_cl, te_other, conn_close, conn_keep;
    uint64_t content_length, remaining;
    size_t head_bytes, head_limit, line_bytes;
    size_t keep_len;
    char keep[HTTP_VALUE_KEEP]; /* status line prefix, a tracked header's name or value */
};

/* Prepare for a connection; head_limit bounds the status line plus headers (and trailers). */
void http_parser_init(struct http_parser *p, size_t head_limit);

/* Start the next response; no_body is 1 when the request was HEAD. */
void http_parser_begin(struct http_parser *p, int no_body);

/* Feed bytes. Returns HTTP_DONE with *consumed bytes used when a final response ended (the rest
 * belongs to the next response), HTTP_AGAIN with every byte consumed, or HTTP_ERROR. */
enum http_result http_parser_feed(struct http_parser *p, const char *data, size_t len,
                                  size_t *consumed);

/* The peer closed the connection: HTTP_DONE if that ends a close-delimited body, otherwise
 * HTTP_ERROR (the response was cut short). */
enum http_result http_parser_eof(struct http_parser *p);

enum { HTTP_STATE_STATUS = 0 }; /* the parser's first state, for http_parser_idle */

/* 1 if no byte of the current response has been seen yet. */
static inline int http_parser_idle(const struct http_parser *p)
{
    return p->state == HTTP_STATE_STATUS && p->keep_len == 0 && p->interim == 0;
}

#endif
