/*
 * One client connection of a worker: a state machine driven by an ev_io and an ev_timer that
 * live inside the struct, a transport (plain TCP or TLS, a const function table), the response
 * parser, a fixed receive buffer and a fixed ring of in-flight requests (one per pipeline
 * slot). A worker preallocates all its connections; nothing here allocates per request.
 *
 * The single timer enforces every deadline lazily: it is started when a deadline begins and,
 * when it fires, compares the real deadline (connect start or the oldest request's send time
 * plus the timeout) with the clock, re-arming for the rest instead of being moved per request.
 */
#ifndef STORECHECK_LOADGEN_CONN_H
#define STORECHECK_LOADGEN_CONN_H

#include <ev.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "loadgen/http_parser.h"
#include "loadgen/request.h"
#include "loadgen/result.h"
#include "loadgen/source.h"

enum { CONN_RBUF = 8192 };

enum conn_state {
    CONN_CLOSED,     /* no socket */
    CONN_CONNECTING, /* TCP connect in progress */
    CONN_HANDSHAKE,  /* TLS handshake in progress */
    CONN_READY,      /* can carry requests */
    CONN_BACKOFF,    /* waiting to reconnect after a failed connect */
};

struct inflight {
    const struct request *req;
    uint64_t intended; /* open model: scheduled send time; closed model: = sent */
    uint64_t sent;
    struct lg_slot *slot; /* a source of users' slot, NULL for a request list */
};

struct conn;
struct worker;

enum io_rc { IO_OK, IO_WANT_READ, IO_WANT_WRITE, IO_EOF, IO_ERR };

struct transport {
    /* IO_OK with *n > 0 bytes, IO_EOF, IO_WANT_*, or IO_ERR with c->err_class set. */
    enum io_rc (*read)(struct conn *c, char *buf, size_t cap, size_t *n);
    enum io_rc (*writev)(struct conn *c, const struct iovec *iov, int count, size_t *n);
    /* 1 if bytes are already buffered for reading without touching the socket. */
    int (*pending)(const struct conn *c);
};

extern const struct transport transport_plain;
extern const struct transport transport_tls;

struct conn {
    ev_io io; /* first: callbacks get the conn from the watcher */
    ev_timer timer;
    struct worker *w;
    const struct transport *tp;
    int fd;
    enum conn_state state;
    enum lg_error err_class; /* set by a transport that returns IO_ERR */
    int active;              /* closed model: this slot should carry load */
    int initial;             /* opened before the start; its outcome is reported once */
    int in_free;             /* on the worker's free list */
    int tls_failed;          /* closing after a TLS error: do not resume this session */
    int read_later;          /* on the worker's list of connections with bytes left to read */
    struct conn *next_read_later;
    SSL *ssl;
    SSL_SESSION *session; /* last session, offered again on reconnect */
    uint64_t t_connect;   /* connect() started */
    uint64_t t_handshake; /* TLS handshake started */
    struct http_parser parser;
    struct inflight *q;                   /* ring of `qcap` entries */
    uint32_t qcap, qhead, qlen, qwritten; /* qwritten: entries fully written */
    size_t woff;                          /* bytes written of the first unwritten entry */
    uint64_t cursor;                      /* request source position */
    struct conn *prev_free, *next_free;
    char *rbuf; /* CONN_RBUF bytes */

    /* Sources of users only (buffers NULL otherwise): the one request at a time the
     * connection carries for them (their runs send no pipeline). */
    struct lg_slot slot;
};

/* Set up a closed connection slot; q holds qcap entries, rbuf CONN_RBUF bytes. */
void conn_init(struct conn *c, struct worker *w, struct inflight *q, uint32_t qcap, char *rbuf);
/* Sources of users: give the connection's slot a request buffer (PLAN_REQUEST_MAX bytes) and a
 * response capture buffer (SLOT_CAPTURE bytes). */
void conn_init_capture(struct conn *c, char *wbuf, char *cap);

/* The slot the next conn_send uses; NULL when the connection keeps none (request lists). */
static inline struct lg_slot *conn_slot(struct conn *c)
{
    return c->slot.wbuf ? &c->slot : NULL;
}

/* Start connecting. Failure is counted and handled (backoff and retry) inside. */
void conn_open(struct conn *c);

/* Close without counting anything: in-flight requests must have been accounted for. */
void conn_close(struct conn *c);

/* Queue a request (the caller checked qlen < qcap) and try to write everything queued. Returns
 * 0, or -1 if the connection failed while writing (already counted and closed). */
int conn_send(struct conn *c, const struct request *req, uint64_t intended, uint64_t now);

/* Fill the pipeline from the request source and write (closed model). Same return as
 * conn_send. */
int conn_fill(struct conn *c);

/* Reconnect after delay_us (the connection is closed). */
void conn_backoff(struct conn *c, uint64_t delay_us);

/* OpenSSL's new-session callback: keeps the session on its connection for resumption. */
int conn_on_new_session(SSL *ssl, SSL_SESSION *sess);

/* 1 if the connection can take another request right now. */
static inline int conn_can_take(const struct conn *c)
{
    return c->state == CONN_READY && c->qlen < c->qcap && c->qwritten == c->qlen;
}

#endif
