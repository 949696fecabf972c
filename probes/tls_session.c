#include "probes/tls_session.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "probes/net.h"
#include "probes/probe.h"

enum { DEFAULT_TIMEOUT_MS = 5000, DEFAULT_MAX_CONNECTIONS = 400, HELLO_CAP = 2048 };

void tls_record_header(uint8_t out[5], uint8_t type, uint16_t version, size_t len)
{
    out[0] = type;
    out[1] = (uint8_t)(version >> 8);
    out[2] = (uint8_t)version;
    out[3] = (uint8_t)(len >> 8);
    out[4] = (uint8_t)len;
}

int tls_session_send(struct tls_session *t, const uint8_t *p, size_t n)
{
    while (n) {
        if (t->fd < 0 || !net_wait(t->fd, POLLOUT, t->deadline_ms, t->scan->cancel))
            return -1;
        ssize_t w = send(t->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read once into the buffer by the deadline: >0 bytes read, 0 closed, -1 timed out or full. */
static ssize_t read_some(struct tls_session *t, uint64_t deadline)
{
    for (;;) {
        if (t->len == TLS_FLIGHT_MAX_BYTES || !net_wait(t->fd, POLLIN, deadline, t->scan->cancel))
            return -1;
        ssize_t got = recv(t->fd, t->buf + t->len, TLS_FLIGHT_MAX_BYTES - t->len, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got > 0)
            t->len += (size_t)got;
        return got < 0 ? 0 : got;
    }
}

enum tls_reply_kind tls_session_open(struct tls_session *t, struct tls_scan *s, struct tls_hello *h,
                                     struct tls_flight *f)
{
    memset(t, 0, sizeof *t);
    memset(f, 0, sizeof *f);
    t->scan = s;
    t->fd = -1;
    unsigned max = s->max_connections ? s->max_connections : DEFAULT_MAX_CONNECTIONS;
    uint64_t now = probe_now_ms();
    uint8_t hello[HELLO_CAP];
    if (RAND_bytes(h->random, sizeof h->random) != 1)
        memset(h->random, 0x5a, sizeof h->random);
    size_t n = tls_hello_build(h, hello, sizeof hello);
    if (!n || s->connections >= max || now >= s->deadline_ms || (s->cancel && *s->cancel))
        return f->kind = TLS_REPLY_LIMIT;
    t->deadline_ms = now + (s->timeout_ms ? s->timeout_ms : DEFAULT_TIMEOUT_MS);
    if (t->deadline_ms > s->deadline_ms)
        t->deadline_ms = s->deadline_ms;
    if (!(t->buf = malloc(TLS_FLIGHT_MAX_BYTES)))
        return f->kind = TLS_REPLY_LIMIT;
    s->connections++;
    char err[128];
    t->fd = net_connect(s->host, s->port, t->deadline_ms, s->cancel, err, sizeof err);
    if (t->fd < 0)
        return f->kind = TLS_REPLY_CONNECT;
    if (tls_session_send(t, hello, n) != 0)
        return f->kind = probe_now_ms() >= t->deadline_ms ? TLS_REPLY_TIMEOUT : TLS_REPLY_CLOSED;
    for (;;) {
        ssize_t got = read_some(t, t->deadline_ms);
        if (got < 0)
            return f->kind =
                       t->len == TLS_FLIGHT_MAX_BYTES ? TLS_REPLY_OVERSIZE : TLS_REPLY_TIMEOUT;
        enum tls_reply_kind k = tls_flight_parse(t->buf, t->len, f);
        if (k == TLS_REPLY_MORE && got == 0)
            return f->kind = TLS_REPLY_CLOSED;
        if (k != TLS_REPLY_MORE) {
            t->used = f->used;
            return k;
        }
    }
}

enum tls_after_kind tls_session_after(struct tls_session *t, uint64_t wait_ms, struct tls_after *a)
{
    memset(a, 0, sizeof *a);
    uint64_t deadline = probe_now_ms() + wait_ms;
    if (deadline > t->deadline_ms)
        deadline = t->deadline_ms;
    if (t->fd < 0)
        return a->kind = TLS_AFTER_CLOSED;
    for (;;) {
        enum tls_after_kind k = tls_after_parse(t->buf + t->used, t->len - t->used, a);
        if (k != TLS_AFTER_MORE)
            return k;
        ssize_t got = read_some(t, deadline);
        if (got < 0)
            return a->kind =
                       t->len == TLS_FLIGHT_MAX_BYTES ? TLS_AFTER_OVERSIZE : TLS_AFTER_TIMEOUT;
        if (got == 0)
            return a->kind = TLS_AFTER_CLOSED;
    }
}

void tls_session_close(struct tls_session *t)
{
    if (t->fd >= 0)
        close(t->fd);
    free(t->buf);
    t->fd = -1;
    t->buf = NULL;
}
