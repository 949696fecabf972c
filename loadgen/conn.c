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
        /* One buffer (a request without pipelining) goes by send(): the kernel then copies
         * no iovec array and message header in. */
        ssize_t r = count == 1 ? send(c->fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL)
                               : sendmsg(c->fd, &msg, MSG_NOSIGNAL);
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

void conn_set_events(struct conn *c, int events)
{
    if ((c->io.events & (EV_READ | EV_WRITE)) == events && ev_is_active(&c->io))
        return;
    ev_io_stop(c->w->loop, &c->io);
    ev_io_set(&c->io, c->fd, events);
    ev_io_start(c->w->loop, &c->io);
}

void conn_arm_timer(struct conn *c, uint64_t deadline, uint64_t now)
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
    if (c->proto) {
        c->proto->close(c);
        c->proto = NULL;
    }
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

void conn_fail(struct conn *c, enum lg_error cls, const char *why)
{
    c->tls_failed = cls == LG_ERR_TLS;
    if (c->qlen && c->state == CONN_READY)
        c->proto->fail_slots(c, cls);
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

/* The protocol of a ready connection: HTTP/2 when the server chose h2 by ALPN, or for a
 * plain connection when the run asks for HTTP/2 (prior knowledge). NULL: the server refused
 * the HTTP/2 the run insists on. */
static const struct conn_proto *choose_proto(const struct conn *c)
{
    enum lg_http want = c->w->sh->http;
    if (!c->ssl)
        return want == LG_HTTP_2 ? &conn_http2 : &conn_http1;
    const unsigned char *alpn = NULL;
    unsigned len = 0;
    SSL_get0_alpn_selected(c->ssl, &alpn, &len);
    if (len == 2 && memcmp(alpn, "h2", 2) == 0)
        return &conn_http2;
    return want == LG_HTTP_2 ? NULL : &conn_http1;
}

static void ready(struct conn *c)
{
    c->state = CONN_READY;
    c->w->connecting--;
    conn_set_events(c, EV_READ);
    ev_timer_stop(c->w->loop, &c->timer);
    c->proto = choose_proto(c);
    if (!c->proto) {
        conn_fail(c, LG_ERR_PROTOCOL, "the server did not choose HTTP/2 (h2) by ALPN");
        return;
    }
    c->w->c.protocols[c->proto == &conn_http2 ? LG_PROTO_H2 : LG_PROTO_HTTP1]++;
    if (c->proto->start(c) < 0)
        return;
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
        conn_set_events(c, EV_READ);
        return;
    case SSL_ERROR_WANT_WRITE:
        conn_set_events(c, EV_WRITE);
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
        conn_fail(c, LG_ERR_TLS, why);
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
        conn_fail(c, LG_ERR_TLS, "TLS: cannot create a connection");
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
        conn_fail(c, LG_ERR_CONNECT, why);
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
    conn_arm_timer(c, c->t_connect + sh->timeout_us, c->t_connect);
    if (connect(c->fd, (const struct sockaddr *)&sh->addr, sh->addrlen) == 0) {
        connected(c, clock_us());
        return;
    }
    if (errno != EINPROGRESS) {
        char why[128];
        snprintf(why, sizeof why, "connect: %s", strerror(errno));
        conn_fail(c, connect_class(errno), why);
        return;
    }
    conn_set_events(c, EV_WRITE);
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
            conn_fail(c, connect_class(err), why);
            return;
        }
        connected(c, clock_us());
        return;
    }
    case CONN_HANDSHAKE:
        handshake(c);
        return;
    case CONN_READY:
        c->proto->io(c, revents);
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
            conn_fail(c, LG_ERR_CONNECT_TIMEOUT,
                      c->state == CONN_CONNECTING ? "connect timed out"
                                                  : "TLS handshake timed out");
        else
            conn_arm_timer(c, c->t_connect + w->sh->timeout_us, now);
        return;
    case CONN_READY:
        c->proto->timeout(c, now);
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

void conn_init_capture(struct conn *c, char *wbuf, size_t wlen, char *cap)
{
    for (uint32_t i = 0; i < c->qcap; i++) {
        struct lg_slot *s = &c->q[i].slot;
        s->wbuf = wbuf + (size_t)i * wlen;
        s->req.bytes = s->wbuf;
        s->cap = cap + (size_t)i * SLOT_CAPTURE;
    }
}

void conn_backoff(struct conn *c, uint64_t delay_us)
{
    c->state = CONN_BACKOFF;
    conn_arm_timer(c, delay_us, 0);
}
