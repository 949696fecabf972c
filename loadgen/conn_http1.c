#include <string.h>

#include "loadgen/clock.h"
#include "loadgen/conn.h"
#include "loadgen/worker.h"

/* HTTP/1.1 on a connection: a ring of pipelined requests written with one writev, answered
 * in order through the incremental parser. */

enum { IOV_BATCH = 64 };
/* Reads from one connection per wake-up: a server that streams without a pause must not keep
 * the loop from its timers (the request timeout, the end of the run, the drain). */
enum { READS_PER_WAKE = 16 };

/* Write as much of the queue as the socket takes. */
static int flush(struct conn *c)
{
    struct worker *w = c->w;
    while (c->qwritten < c->qlen) {
        struct iovec iov[IOV_BATCH];
        int count = 0;
        size_t want = 0;
        for (uint32_t i = c->qwritten; i < c->qlen && count < IOV_BATCH; i++) {
            const struct request *r = c->q[(c->qhead + i) % c->qcap].req;
            size_t off = i == c->qwritten ? c->woff : 0;
            iov[count].iov_base = r->bytes + off;
            iov[count].iov_len = r->len - off;
            want += r->len - off;
            count++;
        }
        size_t n = 0;
        enum io_rc rc = c->tp->writev(c, iov, count, &n);
        if (rc == IO_ERR || rc == IO_EOF) {
            conn_fail(c, rc == IO_ERR ? c->err_class : LG_ERR_CLOSED, "write failed");
            return -1;
        }
        if (rc == IO_WANT_READ) /* TLS needs to read first; the read path flushes again */
            return 0;
        if (rc == IO_WANT_WRITE) {
            conn_set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
        w->c.bytes_out += n;
        w->iv.bytes_out += n;
        size_t left_over = want - n;
        /* Advance over what was written. */
        while (n) {
            const struct request *r = c->q[(c->qhead + c->qwritten) % c->qcap].req;
            size_t left = r->len - c->woff;
            if (n < left) {
                c->woff += n;
                break;
            }
            n -= left;
            c->woff = 0;
            c->qwritten++;
        }
        if (left_over) {
            /* The socket took less than offered: wait until it is writable. */
            conn_set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
    }
    conn_set_events(c, EV_READ);
    return 0;
}

static void queue(struct conn *c, const struct request *req, uint64_t intended, uint64_t now)
{
    struct worker *w = c->w;
    struct inflight *e = &c->q[(c->qhead + c->qlen) % c->qcap];
    e->req = req;
    e->intended = worker_due(w, intended, now);
    e->sent = now;
    e->slot.cap_len = 0;
    e->slot.cap_over = 0;
    if (c->qlen == 0) {
        http_parser_begin(&c->parser, req->no_body);
        if (!ev_is_active(&c->timer))
            conn_arm_timer(c, now + w->sh->timeout_us, now);
    }
    c->qlen++;
    w->inflight++;
    w->c.requests++;
}

static int http1_send(struct conn *c, const struct request *req, uint64_t intended, uint64_t now)
{
    queue(c, req, intended, now);
    return flush(c);
}

static int http1_fill(struct conn *c)
{
    struct worker *w = c->w;
    if (c->qlen == c->limit)
        return 0;
    uint64_t now = clock_us();
    while (c->qlen < c->limit) {
        uint64_t intended = now;
        queue(c, worker_next(w, c, &intended, now), intended, now);
    }
    return flush(c);
}

/* A final response ended. Returns 1 if the connection was closed. */
static int complete(struct conn *c, uint64_t now)
{
    struct worker *w = c->w;
    struct inflight *e = &c->q[c->qhead];
    int keep = c->parser.keep_alive;
    if (c->qwritten == 0) {
        /* Answered before it was wholly written (an early 413, say): the rest of it must not
         * follow on this connection. */
        keep = 0;
        c->woff = 0;
    } else {
        c->qwritten--;
    }
    c->qhead = (c->qhead + 1) % c->qcap;
    c->qlen--;
    w->inflight--;
    w->c.interim += (uint64_t)c->parser.interim;
    /* The entry stays as it is during the call: nothing is queued on a connection that is
     * answering. */
    worker_response(w, e, c->parser.status, now);
    if (!keep) {
        w->c.unfinished += c->qlen;
        w->inflight -= c->qlen;
        conn_close(c);
        worker_conn_closed(w, c, 0);
        return 1;
    }
    if (c->qlen)
        http_parser_begin(&c->parser, c->q[c->qhead].req->no_body);
    return 0;
}

static void on_eof(struct conn *c, uint64_t now)
{
    struct worker *w = c->w;
    if (c->qlen == 0) { /* the server closed an idle keep-alive connection */
        conn_close(c);
        worker_conn_closed(w, c, 0);
        return;
    }
    if (http_parser_eof(&c->parser) == HTTP_DONE) {
        c->parser.keep_alive = 0;
        complete(c, now);
        return;
    }
    conn_fail(c, LG_ERR_CLOSED, "connection closed before the response ended");
}

/* Read and parse until the socket is drained or READS_PER_WAKE reads are done (what is left
 * is read on the next wake-up). Returns -1 if the connection is gone. */
static int readable(struct conn *c)
{
    struct worker *w = c->w;
    for (int reads = 0;; reads++) {
        if (reads == READS_PER_WAKE) {
            /* Bytes TLS already holds make the socket no more readable: ask for a wake-up. */
            if (c->tp->pending(c))
                worker_read_later(w, c);
            return 0;
        }
        size_t n = 0;
        enum io_rc rc = c->tp->read(c, c->rbuf, CONN_RBUF, &n);
        if (rc == IO_WANT_READ)
            return 0;
        if (rc == IO_WANT_WRITE) {
            conn_set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
        uint64_t now = clock_us();
        if (rc == IO_EOF) {
            on_eof(c, now);
            return -1;
        }
        if (rc == IO_ERR) {
            conn_fail(c, c->err_class, c->err_class == LG_ERR_TLS ? "TLS error" : "read failed");
            return -1;
        }
        w->c.bytes_in += n;
        w->iv.bytes_in += n;
        size_t off = 0;
        while (off < n) {
            if (c->qlen && http_parser_idle(&c->parser))
                hist_record(w->ttfb, now - c->q[c->qhead].sent);
            size_t used = 0;
            enum http_result r = http_parser_feed(&c->parser, c->rbuf + off, n - off, &used);
            if (c->q[c->qhead].slot.cap)
                slot_capture(&c->q[c->qhead].slot, c->rbuf + off, used);
            off += used;
            if (r == HTTP_AGAIN)
                break;
            if (r == HTTP_ERROR) {
                conn_fail(c, LG_ERR_PARSE, c->parser.error);
                return -1;
            }
            if (complete(c, now))
                return -1;
        }
        if (n < CONN_RBUF && !c->tp->pending(c))
            return 0;
    }
}

static void http1_io(struct conn *c, int revents)
{
    if ((revents & EV_READ) && readable(c) < 0)
        return;
    if (c->qwritten < c->qlen && flush(c) < 0)
        return;
    worker_conn_idle(c->w, c);
}

static void http1_timeout(struct conn *c, uint64_t now)
{
    uint64_t timeout = c->w->sh->timeout_us;
    if (c->qlen == 0)
        return;
    if (now >= c->q[c->qhead].sent + timeout)
        conn_fail(c, LG_ERR_TIMEOUT, "request timed out");
    else
        conn_arm_timer(c, c->q[c->qhead].sent + timeout, now);
}

static int http1_start(struct conn *c)
{
    c->limit = c->w->sh->pipeline < c->qcap ? c->w->sh->pipeline : c->qcap;
    return 0;
}

static struct lg_slot *http1_slot(struct conn *c)
{
    return inflight_slot(&c->q[(c->qhead + c->qlen) % c->qcap]);
}

static void http1_fail_slots(struct conn *c, enum lg_error cls)
{
    for (uint32_t i = 0; i < c->qlen; i++) {
        struct lg_slot *slot = inflight_slot(&c->q[(c->qhead + i) % c->qcap]);
        if (slot)
            worker_slot_failed(c->w, slot, cls);
    }
}

static void http1_close(struct conn *c) {}

const struct conn_proto conn_http1 = {
    .name = "http/1.1",
    .start = http1_start,
    .io = http1_io,
    .send = http1_send,
    .fill = http1_fill,
    .timeout = http1_timeout,
    .slot = http1_slot,
    .fail_slots = http1_fail_slots,
    .close = http1_close,
};
