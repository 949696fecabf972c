#include "probes/raw.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probes/conn_gate.h"
#include "probes/net.h"

enum { DEFAULT_TIMEOUT_MS = 10000 };

/* One side of the connection: plain socket or TLS over it. */
struct chan {
    int fd;
    SSL *ssl;
    uint64_t deadline;
    atomic_int *cancel;
};

/* Read or write through the channel, waiting as TLS or the socket needs. >0 bytes, 0 at the
 * end of the stream, -1 on error or at the deadline. */
static long chan_io(struct chan *c, void *buf, size_t n, int writing)
{
    for (;;) {
        long r;
        short ev = writing ? POLLOUT : POLLIN;
        if (c->ssl) {
            int k = writing ? SSL_write(c->ssl, buf, (int)n) : SSL_read(c->ssl, buf, (int)n);
            if (k > 0)
                return k;
            int e = SSL_get_error(c->ssl, k);
            if (e == SSL_ERROR_ZERO_RETURN)
                return 0;
            if (e == SSL_ERROR_SYSCALL && !ERR_peek_error() && !writing)
                return 0; /* closed without close_notify: the answer still counts */
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                return -1;
            ev = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        } else {
            r = writing ? send(c->fd, buf, n, MSG_NOSIGNAL) : recv(c->fd, buf, n, 0);
            if (r >= 0)
                return r;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return errno == ECONNRESET && !writing ? 0 : -1;
        }
        if (!net_wait(c->fd, ev, c->deadline, c->cancel))
            return -1;
    }
}

static int tls_start(struct probe_ctx *ctx, SSL_CTX *sctx, struct chan *c, struct raw_reply *out)
{
    const char *host = ctx->cfg->target.base.host;
    c->ssl = SSL_new(sctx);
    if (!c->ssl)
        return -1;
    if (strspn(host, "0123456789.") != strlen(host) && !strchr(host, ':'))
        SSL_set_tlsext_host_name(c->ssl, host);
    SSL_set_fd(c->ssl, c->fd);
    for (;;) {
        int r = SSL_connect(c->ssl);
        if (r == 1)
            break;
        int e = SSL_get_error(c->ssl, r);
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
            !net_wait(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, c->deadline, c->cancel)) {
            snprintf(out->error, sizeof out->error, "TLS handshake failed");
            return -1;
        }
    }
    X509 *cert = SSL_get1_peer_certificate(c->ssl);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (cert && X509_digest(cert, EVP_sha256(), md, &mdlen) == 1)
        for (unsigned i = 0; i < mdlen && i < 32; i++)
            sprintf(out->cert_sha256 + 2 * i, "%02x", md[i]);
    X509_free(cert);
    return 0;
}

int raw_exchange(struct probe_ctx *ctx, const char *addr, const char *req, size_t len,
                 struct raw_reply *out)
{
    memset(out, 0, sizeof *out);
    const struct target *t = &ctx->cfg->target;
    uint64_t timeout = t->timeout_ms ? t->timeout_ms : DEFAULT_TIMEOUT_MS;
    struct chan c = {.fd = -1, .deadline = probe_now_ms() + timeout, .cancel = ctx->cancelled};
    if (c.deadline > ctx->deadline_ms)
        c.deadline = ctx->deadline_ms;
    SSL_CTX *sctx = NULL;
    int rc = -1;
    unsigned slot =
        conn_gate_take_socket(ctx, t->base.host, c.deadline, out->error, sizeof out->error);
    if (!slot)
        goto out;
    c.fd = net_connect(addr ? addr : t->base.host, t->base.port, c.deadline, ctx->cancelled,
                       out->error, sizeof out->error);
    if (c.fd < 0)
        goto out;
    if (t->base.tls) {
        sctx = SSL_CTX_new(TLS_client_method());
        if (!sctx || tls_start(ctx, sctx, &c, out) != 0) {
            if (!out->error[0])
                snprintf(out->error, sizeof out->error, "cannot set up TLS");
            goto out;
        }
    }
    for (size_t sent = 0; sent < len;) {
        long n = chan_io(&c, (char *)req + sent, len - sent, 1);
        if (n <= 0) {
            /* A server may answer and close before reading everything: read what it said. */
            break;
        }
        sent += (size_t)n;
    }
    while (out->len + 1 < sizeof out->head) {
        long n = chan_io(&c, out->head + out->len, sizeof out->head - 1 - out->len, 0);
        if (n <= 0)
            break;
        out->len += (size_t)n;
    }
    for (size_t i = 0; i < out->len; i++)
        if (out->head[i] == '\0')
            out->head[i] = ' ';
    out->head[out->len] = '\0';
    int major, minor, status;
    if (sscanf(out->head, "HTTP/%d.%d %3d", &major, &minor, &status) == 3 && status >= 100) {
        out->status = status;
        rc = 0;
    } else {
        snprintf(out->error, sizeof out->error, "%s",
                 out->len ? "the answer has no HTTP status line"
                 : probe_should_stop(ctx) || probe_now_ms() >= c.deadline
                     ? "no answer before the timeout"
                     : "the connection closed without an answer");
    }
out:
    if (c.ssl)
        SSL_free(c.ssl);
    SSL_CTX_free(sctx);
    if (c.fd >= 0)
        close(c.fd);
    conn_gate_give(t->base.host, slot);
    ERR_clear_error();
    return rc;
}
