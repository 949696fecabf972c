/*
 * One client connection of a worker: a state machine driven by an ev_io and an ev_timer that
 * live inside the struct, a transport (plain TCP or TLS, a const function table) and, once it
 * is connected, a protocol (HTTP/1.1 or HTTP/2, another const function table, chosen by the
 * run's --http and the ALPN outcome). A fixed receive buffer and a fixed array of in-flight
 * entries (the HTTP/1.1 pipeline ring, or the HTTP/2 streams) are preallocated by the
 * worker; nothing here allocates per request.
 *
 * The single timer enforces every deadline lazily: it is started when a deadline begins and,
 * when it fires, compares the real deadline (connect start or the oldest request's send time
 * plus the timeout) with the clock, re-arming for the rest instead of being moved per request.
 */
#ifndef STORECHECK_LOADGEN_CONN_H
#define STORECHECK_LOADGEN_CONN_H

#include <ev.h>
#include <nghttp2/nghttp2.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "loadgen/http_parser.h"
#include "loadgen/request.h"
#include "loadgen/result.h"
#include "loadgen/source.h"

enum { CONN_RBUF = 8192, CONN_H2_OUT = 16384 };

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
    struct lg_slot slot; /* sources of users: where the request and its answer are kept */
    /* HTTP/2 only. */
    struct inflight *next_free;
    int32_t stream_id;
    int status;        /* the final status once its :status came */
    uint8_t head_done; /* the final response's fields are over */
    uint8_t retries;   /* times sent again after the server refused it unprocessed */
    size_t body_at;    /* where the request's body starts in its bytes */
    size_t body_off;   /* request body bytes handed to the session */
};

/* The entry's slot for the source, NULL when the source keeps none (request lists). */
static inline struct lg_slot *inflight_slot(struct inflight *e)
{
    return e->slot.wbuf ? &e->slot : NULL;
}

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

/* What a connection speaks once it is ready. Every function gets a CONN_READY connection. */
struct conn_proto {
    const char *name; /* the ALPN name: "http/1.1", "h2" */
    int refill_each;  /* closed model: refill after each answer, not once all are answered */
    /* Connected (and handshaken): set up. -1 if the connection failed (already counted). */
    int (*start)(struct conn *c);
    /* The socket is readable or writable (revents). */
    void (*io)(struct conn *c, int revents);
    /* Take the request (conn_can_take said yes) and write what can be written. -1 if the
     * connection failed (counted and closed). */
    int (*send)(struct conn *c, const struct request *req, uint64_t intended, uint64_t now);
    /* Closed model: fill up from the worker's source and write. As send. */
    int (*fill)(struct conn *c);
    /* The connection's timer fired: fail the requests past the timeout, or re-arm. */
    void (*timeout)(struct conn *c, uint64_t now);
    /* The slot the next send uses (NULL when the source keeps none). */
    struct lg_slot *(*slot)(struct conn *c);
    /* The connection fails: tell the source of each request in flight that holds a slot. */
    void (*fail_slots)(struct conn *c, enum lg_error cls);
    /* Free what start set up (the connection is being closed). */
    void (*close)(struct conn *c);
};

extern const struct conn_proto conn_http1;
extern const struct conn_proto conn_http2;

struct conn {
    ev_io io; /* first: callbacks get the conn from the watcher */
    ev_timer timer;
    struct worker *w;
    const struct transport *tp;
    const struct conn_proto *proto; /* once ready */
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
    struct inflight *q;                   /* `qcap` entries: HTTP/1.1's ring, HTTP/2's streams */
    uint32_t qcap, qhead, qlen, qwritten; /* qlen: requests in flight; HTTP/1.1: qwritten:
                                             entries fully written */
    uint32_t limit;  /* the most requests in flight the protocol allows now (<= qcap) */
    size_t woff;     /* bytes written of the first unwritten entry */
    uint64_t cursor; /* request source position */
    struct conn *prev_free, *next_free;
    char *rbuf; /* CONN_RBUF bytes */

    /* HTTP/2 (NULL otherwise). */
    nghttp2_session *h2;
    struct inflight *h2_free; /* entries without a stream */
    int h2_settings;          /* the server's SETTINGS arrived */
    int h2_goaway;            /* the server sent GOAWAY: no new streams */
    uint64_t h2_answered;     /* responses on this connection */
    char *h2_out;             /* CONN_H2_OUT bytes the session produced, not yet written */
    size_t h2_out_len, h2_out_off;
    uint64_t t_ready;     /* the protocol started */
    uint8_t next_retries; /* the retry count of the request the next send carries */
    int flush_later;      /* on the worker's list of connections to write before it sleeps */
    struct conn *next_flush;
};

/* Set up a closed connection slot; q holds qcap entries, rbuf CONN_RBUF bytes. */
void conn_init(struct conn *c, struct worker *w, struct inflight *q, uint32_t qcap, char *rbuf);
/* Sources of users: give every in-flight entry's slot a request buffer (PLAN_REQUEST_MAX bytes
 * each, from wbuf) and a response capture buffer (SLOT_CAPTURE bytes each, from cap). */
void conn_init_capture(struct conn *c, char *wbuf, char *cap);

/* The slot the next conn_send uses; NULL when the connection keeps none (request lists). */
static inline struct lg_slot *conn_slot(struct conn *c)
{
    return c->proto->slot(c);
}

/* Start connecting. Failure is counted and handled (backoff and retry) inside. */
void conn_open(struct conn *c);

/* Close without counting anything: in-flight requests must have been accounted for. */
void conn_close(struct conn *c);

/* Queue a request (the caller checked conn_can_take) and try to write everything queued.
 * Returns 0, or -1 if the connection failed while writing (already counted and closed). */
static inline int conn_send(struct conn *c, const struct request *req, uint64_t intended,
                            uint64_t now)
{
    return c->proto->send(c, req, intended, now);
}

/* Fill the pipeline (or the streams) from the request source and write (closed model). Same
 * return as conn_send. */
static inline int conn_fill(struct conn *c)
{
    return c->state == CONN_READY ? c->proto->fill(c) : 0;
}

/* For the protocols: fail the connection (its requests count in cls, their slots are told),
 * watch the socket for events, arm the timer for deadline. */
void conn_fail(struct conn *c, enum lg_error cls, const char *why);
void conn_set_events(struct conn *c, int events);
void conn_arm_timer(struct conn *c, uint64_t deadline, uint64_t now);

/* HTTP/2: write what requests submitted since the last write produced. */
void conn_http2_flush(struct conn *c);

/* Reconnect after delay_us (the connection is closed). */
void conn_backoff(struct conn *c, uint64_t delay_us);

/* OpenSSL's new-session callback: keeps the session on its connection for resumption. */
int conn_on_new_session(SSL *ssl, SSL_SESSION *sess);

/* 1 if the connection can take another request right now. */
static inline int conn_can_take(const struct conn *c)
{
    return c->state == CONN_READY && c->qlen < c->limit && c->qwritten == c->qlen;
}

#endif
