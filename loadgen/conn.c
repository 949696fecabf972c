#include "loadgen/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen/clock.h"
#include "loadgen/tls.h"
#include "loadgen/worker.h"

enum { IOV_BATCH = 64 };
/* Reads from one connection per wake-up: a server that streams without a pause must not keep
 * the loop from its timers (the request timeout, the end of the run, the drain). */
enum { READS_PER_WAKE = 16 };

/* --- transports --- */

static enum io_rc plain_read(struct conn *c, char *buf, size_t cap, size_t *n)
{
    for (;;) {
        ssize_t r = recv(c->fd, buf, cap, 0);
        if (r > 0) {
            *n = (size_t)r;
            return IO_OK;
        }
        if (r == 0)
            return IO_EOF;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return IO_WANT_READ;
        c->err_class = LG_ERR_RESET;
        return IO_ERR;
    }
}

static enum io_rc plain_writev(struct conn *c, const struct iovec *iov, int count, size_t *n)
{
    struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)count};
    for (;;) {
        ssize_t r = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (r >= 0) {
            *n = (size_t)r;
            return IO_OK;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return IO_WANT_WRITE;
        c->err_class = LG_ERR_RESET;
        return IO_ERR;
    }
}

static int plain_pending(const struct conn *c)
{
    return 0;
}

const struct transport transport_plain = {plain_read, plain_writev, plain_pending};

/* Map an SSL_get_error result; IO_OK is never returned. */
static enum io_rc tls_rc(struct conn *c, int ret)
{
    switch (SSL_get_error(c->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        return IO_EOF;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        c->err_class = LG_ERR_RESET;
        return IO_ERR;
    default:
        ERR_clear_error();
        c->err_class = LG_ERR_TLS;
        return IO_ERR;
    }
}

static enum io_rc tls_read(struct conn *c, char *buf, size_t cap, size_t *n)
{
    int r = SSL_read(c->ssl, buf, (int)cap);
    if (r > 0) {
        *n = (size_t)r;
        return IO_OK;
    }
    return tls_rc(c, r);
}

static enum io_rc tls_writev(struct conn *c, const struct iovec *iov, int count, size_t *n)
{
    size_t done = 0;
    for (int i = 0; i < count; i++) {
        int r = SSL_write(c->ssl, iov[i].iov_base, (int)iov[i].iov_len);
        if (r <= 0) {
            enum io_rc rc = tls_rc(c, r);
            if (done && (rc == IO_WANT_READ || rc == IO_WANT_WRITE))
                break;
            *n = done;
            return rc;
        }
        done += (size_t)r;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    *n = done;
    return IO_OK;
}

static int tls_pending(const struct conn *c)
{
    return SSL_has_pending(c->ssl);
}

const struct transport transport_tls = {tls_read, tls_writev, tls_pending};

/* --- state machine --- */

static void set_events(struct conn *c, int events)
{
    if ((c->io.events & (EV_READ | EV_WRITE)) == events && ev_is_active(&c->io))
        return;
    ev_io_stop(c->w->loop, &c->io);
    ev_io_set(&c->io, c->fd, events);
    ev_io_start(c->w->loop, &c->io);
}

static void arm_timer(struct conn *c, uint64_t deadline, uint64_t now)
{
    ev_timer_stop(c->w->loop, &c->timer);
    double after = deadline > now ? (double)(deadline - now) / 1e6 : 0.0;
    ev_timer_set(&c->timer, after, 0.0);
    ev_timer_start(c->w->loop, &c->timer);
}

void conn_close(struct conn *c)
{
    struct worker *w = c->w;
    ev_io_stop(w->loop, &c->io);
    ev_timer_stop(w->loop, &c->timer);
    worker_free_remove(w, c);
    if (c->ssl) {
        /* Freeing an SSL that was not shut down marks its session not resumable; only a TLS
         * failure should do that. */
        if (!c->tls_failed)
            SSL_set_shutdown(c->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
        if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE)
            w->connecting--;
        w->open--;
        gauge_down(&w->sh->connections);
    }
    c->state = CONN_CLOSED;
    c->tls_failed = 0;
    c->qhead = c->qlen = c->qwritten = 0;
    c->woff = 0;
}

static void fail(struct conn *c, enum lg_error cls, const char *why)
{
    c->tls_failed = cls == LG_ERR_TLS;
    for (uint32_t i = 0; i < c->qlen; i++) {
        struct lg_slot *slot = c->q[(c->qhead + i) % c->qcap].slot;
        if (slot)
            worker_slot_failed(c->w, slot, cls);
    }
    worker_conn_failed(c->w, c, cls, why);
}

static enum lg_error connect_class(int err)
{
    if (err == ECONNREFUSED)
        return LG_ERR_CONNECT_REFUSED;
    if (err == ETIMEDOUT)
        return LG_ERR_CONNECT_TIMEOUT;
    return LG_ERR_CONNECT;
}

static void ready(struct conn *c)
{
    c->state = CONN_READY;
    c->w->connecting--;
    set_events(c, EV_READ);
    ev_timer_stop(c->w->loop, &c->timer);
    worker_conn_ready(c->w, c);
}

static void handshake(struct conn *c)
{
    ERR_clear_error();
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        uint64_t now = clock_us();
        hist_record(c->w->tls, now - c->t_handshake);
        c->w->c.handshakes++;
        if (SSL_session_reused(c->ssl))
            c->w->c.resumed++;
        ready(c);
        return;
    }
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        set_events(c, EV_READ);
        return;
    case SSL_ERROR_WANT_WRITE:
        set_events(c, EV_WRITE);
        return;
    default: {
        char why[256], detail[200];
        tls_error_text(detail, sizeof detail);
        long v = SSL_get_verify_result(c->ssl);
        if (v != X509_V_OK)
            snprintf(why, sizeof why, "TLS handshake failed: certificate: %s",
                     X509_verify_cert_error_string(v));
        else
            snprintf(why, sizeof why, "TLS handshake failed%s%s", *detail ? ": " : "", detail);
        fail(c, LG_ERR_TLS, why);
    }
    }
}

static void connected(struct conn *c, uint64_t now)
{
    struct worker *w = c->w;
    hist_record(w->connect, now - c->t_connect);
    w->c.connects++;
    if (!w->sh->ssl_ctx) {
        ready(c);
        return;
    }
    c->ssl = tls_ssl_new(w->sh->ssl_ctx, c->fd, w->sh->host, w->sh->host_is_ip);
    if (!c->ssl) {
        fail(c, LG_ERR_TLS, "TLS: cannot create a connection");
        return;
    }
    SSL_set_app_data(c->ssl, c);
    if (c->session)
        SSL_set_session(c->ssl, c->session);
    c->state = CONN_HANDSHAKE;
    c->t_handshake = now;
    handshake(c);
}

void conn_open(struct conn *c)
{
    struct worker *w = c->w;
    const struct lg_shared *sh = w->sh;
    c->fd = socket(sh->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    w->c.connect_attempts++;
    if (c->fd < 0) {
        char why[128];
        snprintf(why, sizeof why, "socket: %s", strerror(errno));
        fail(c, LG_ERR_CONNECT, why);
        return;
    }
    if (++w->open > w->open_second_peak)
        w->open_second_peak = w->open;
    w->connecting++;
    gauge_up(&w->sh->connections);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->tp = sh->ssl_ctx ? &transport_tls : &transport_plain;
    c->state = CONN_CONNECTING;
    c->t_connect = clock_us();
    arm_timer(c, c->t_connect + sh->timeout_us, c->t_connect);
    if (connect(c->fd, (const struct sockaddr *)&sh->addr, sh->addrlen) == 0) {
        connected(c, clock_us());
        return;
    }
    if (errno != EINPROGRESS) {
        char why[128];
        snprintf(why, sizeof why, "connect: %s", strerror(errno));
        fail(c, connect_class(errno), why);
        return;
    }
    set_events(c, EV_WRITE);
}

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
            fail(c, rc == IO_ERR ? c->err_class : LG_ERR_CLOSED, "write failed");
            return -1;
        }
        if (rc == IO_WANT_READ) /* TLS needs to read first; the read path flushes again */
            return 0;
        if (rc == IO_WANT_WRITE) {
            set_events(c, EV_READ | EV_WRITE);
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
            set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
    }
    set_events(c, EV_READ);
    return 0;
}

static void queue(struct conn *c, const struct request *req, uint64_t intended, uint64_t now)
{
    struct worker *w = c->w;
    struct inflight *e = &c->q[(c->qhead + c->qlen) % c->qcap];
    e->req = req;
    e->intended = worker_due(w, intended, now);
    e->sent = now;
    e->slot = conn_slot(c);
    if (c->qlen == 0) {
        http_parser_begin(&c->parser, req->no_body);
        c->slot.cap_len = 0;
        c->slot.cap_over = 0;
        if (!ev_is_active(&c->timer))
            arm_timer(c, now + w->sh->timeout_us, now);
    }
    c->qlen++;
    w->inflight++;
    w->c.requests++;
}

int conn_send(struct conn *c, const struct request *req, uint64_t intended, uint64_t now)
{
    queue(c, req, intended, now);
    return flush(c);
}

int conn_fill(struct conn *c)
{
    struct worker *w = c->w;
    if (c->state != CONN_READY || c->qlen == c->qcap)
        return 0;
    uint64_t now = clock_us();
    struct request_source *src = w->src;
    while (c->qlen < c->qcap) {
        uint64_t intended = now;
        queue(c, src->ops->next(src, NULL, &c->cursor, &intended, now), intended, now);
    }
    return flush(c);
}

/* A final response ended. Returns 1 if the connection was closed. */
static int complete(struct conn *c, uint64_t now)
{
    struct worker *w = c->w;
    struct inflight e = c->q[c->qhead];
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
    worker_response(w, c, &e, c->parser.status, now);
    if (!keep) {
        w->c.unfinished += c->qlen;
        w->inflight -= c->qlen;
        conn_close(c);
        worker_conn_closed(w, c);
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
        worker_conn_closed(w, c);
        return;
    }
    if (http_parser_eof(&c->parser) == HTTP_DONE) {
        c->parser.keep_alive = 0;
        complete(c, now);
        return;
    }
    fail(c, LG_ERR_CLOSED, "connection closed before the response ended");
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
            set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
        uint64_t now = clock_us();
        if (rc == IO_EOF) {
            on_eof(c, now);
            return -1;
        }
        if (rc == IO_ERR) {
            fail(c, c->err_class, c->err_class == LG_ERR_TLS ? "TLS error" : "read failed");
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
            if (c->slot.cap)
                slot_capture(&c->slot, c->rbuf + off, used);
            off += used;
            if (r == HTTP_AGAIN)
                break;
            if (r == HTTP_ERROR) {
                fail(c, LG_ERR_PARSE, c->parser.error);
                return -1;
            }
            if (complete(c, now))
                return -1;
        }
        if (n < CONN_RBUF && !c->tp->pending(c))
            return 0;
    }
}

static void on_io(struct ev_loop *loop, ev_io *io, int revents)
{
    struct conn *c = (struct conn *)io;
    switch (c->state) {
    case CONN_CONNECTING: {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err) {
            char why[128];
            snprintf(why, sizeof why, "connect: %s", strerror(err));
            fail(c, connect_class(err), why);
            return;
        }
        connected(c, clock_us());
        return;
    }
    case CONN_HANDSHAKE:
        handshake(c);
        return;
    case CONN_READY:
        if ((revents & EV_READ) && readable(c) < 0)
            return;
        if (c->qwritten < c->qlen && flush(c) < 0)
            return;
        worker_conn_idle(c->w, c);
        return;
    default:
        return;
    }
}

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct conn *c = (struct conn *)((char *)t - offsetof(struct conn, timer));
    struct worker *w = c->w;
    uint64_t now = clock_us();
    switch (c->state) {
    case CONN_CONNECTING:
    case CONN_HANDSHAKE:
        if (now >= c->t_connect + w->sh->timeout_us)
            fail(c, LG_ERR_CONNECT_TIMEOUT,
                 c->state == CONN_CONNECTING ? "connect timed out" : "TLS handshake timed out");
        else
            arm_timer(c, c->t_connect + w->sh->timeout_us, now);
        return;
    case CONN_READY:
        if (c->qlen == 0)
            return;
        if (now >= c->q[c->qhead].sent + w->sh->timeout_us)
            fail(c, LG_ERR_TIMEOUT, "request timed out");
        else
            arm_timer(c, c->q[c->qhead].sent + w->sh->timeout_us, now);
        return;
    case CONN_BACKOFF:
        c->state = CONN_CLOSED;
        conn_open(c);
        return;
    default:
        return;
    }
}

int conn_on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    struct conn *c = SSL_get_app_data(ssl);
    if (c->session)
        SSL_SESSION_free(c->session);
    c->session = sess;
    return 1;
}

void conn_init(struct conn *c, struct worker *w, struct inflight *q, uint32_t qcap, char *rbuf)
{
    memset(c, 0, sizeof *c);
    c->w = w;
    c->fd = -1;
    c->q = q;
    c->qcap = qcap;
    c->rbuf = rbuf;
    ev_init(&c->io, on_io);
    ev_init(&c->timer, on_timer);
    http_parser_init(&c->parser, w->sh->head_limit);
}

void conn_init_capture(struct conn *c, char *wbuf, char *cap)
{
    c->slot.wbuf = wbuf;
    c->slot.req.bytes = wbuf;
    c->slot.cap = cap;
}

void conn_backoff(struct conn *c, uint64_t delay_us)
{
    c->state = CONN_BACKOFF;
    arm_timer(c, delay_us, 0);
}
