#include "probes/tls_scan.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "probes/net.h"
#include "probes/probe.h"
#include "probes/tls_hello.h"
#include "probes/tls_suites.h"

enum { DEFAULT_TIMEOUT_MS = 5000, DEFAULT_MAX_CONNECTIONS = 400, HELLO_CAP = 2048 };

static int send_all(int fd, const uint8_t *p, size_t n, uint64_t deadline, atomic_int *cancel)
{
    while (n) {
        if (!net_wait(fd, POLLOUT, deadline, cancel))
            return -1;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

enum tls_reply_kind tls_scan_exchange(struct tls_scan *s, const uint8_t *hello, size_t n,
                                      int sslv2, struct tls_reply *r)
{
    memset(r, 0, sizeof *r);
    unsigned max = s->max_connections ? s->max_connections : DEFAULT_MAX_CONNECTIONS;
    uint64_t now = probe_now_ms();
    if (s->connections >= max || now >= s->deadline_ms || (s->cancel && *s->cancel))
        return r->kind = TLS_REPLY_LIMIT;
    uint64_t deadline = now + (s->timeout_ms ? s->timeout_ms : DEFAULT_TIMEOUT_MS);
    if (deadline > s->deadline_ms)
        deadline = s->deadline_ms;
    s->connections++;
    char err[128];
    int fd = net_connect(s->host, s->port, deadline, s->cancel, err, sizeof err);
    if (fd < 0)
        return r->kind = TLS_REPLY_CONNECT;
    uint8_t buf[TLS_REPLY_MAX_BYTES];
    size_t len = 0;
    if (send_all(fd, hello, n, deadline, s->cancel) != 0) {
        close(fd);
        return r->kind = probe_now_ms() >= deadline ? TLS_REPLY_TIMEOUT : TLS_REPLY_CLOSED;
    }
    for (;;) {
        if (!net_wait(fd, POLLIN, deadline, s->cancel)) {
            r->kind = TLS_REPLY_TIMEOUT;
            break;
        }
        ssize_t got = recv(fd, buf + len, sizeof buf - len, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got <= 0) {
            tls_reply_parse(buf, len, sslv2, r);
            if (r->kind == TLS_REPLY_MORE)
                r->kind = TLS_REPLY_CLOSED;
            break;
        }
        len += (size_t)got;
        if (tls_reply_parse(buf, len, sslv2, r) != TLS_REPLY_MORE)
            break;
        if (len == sizeof buf) {
            r->kind = TLS_REPLY_OVERSIZE; /* endless records without a ServerHello */
            break;
        }
    }
    close(fd);
    return r->kind;
}

static enum tls_reply_kind offer(struct tls_scan *s, uint16_t version, const uint16_t *suites,
                                 size_t n, struct tls_reply *r)
{
    struct tls_hello h = {
        .version = version,
        .sni = s->sni,
        .suites = suites,
        .nsuites = n,
        .reneg = version == TLS_WIRE_SSL3 ? TLS_RENEG_SCSV : TLS_RENEG_EXTENSION,
        .extensions = 1,
    };
    if (RAND_bytes(h.random, sizeof h.random) != 1)
        memset(h.random, 0x5a, sizeof h.random);
    uint8_t hello[HELLO_CAP];
    size_t len = tls_hello_build(&h, hello, sizeof hello);
    if (!len) {
        memset(r, 0, sizeof *r);
        return r->kind = TLS_REPLY_LIMIT;
    }
    return tls_scan_exchange(s, hello, len, 0, r);
}

/* The table's suites valid at version, in table order. */
static size_t suites_for(uint16_t version, uint16_t *out)
{
    size_t nall, n = 0;
    const struct tls_suite *all = tls_suites(&nall);
    for (size_t i = 0; i < nall && n < TLS_SCAN_MAX_SUITES; i++)
        if (version >= TLS_WIRE_TLS12 || !(all[i].flags & SUITE_TLS12))
            out[n++] = all[i].id;
    return n;
}

enum tls_reply_kind tls_scan_offer(struct tls_scan *s, uint16_t version, struct tls_reply *r)
{
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    size_t n = suites_for(version, suites);
    return offer(s, version, suites, n, r);
}

static size_t remove_suite(uint16_t *v, size_t n, uint16_t id)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != id)
            v[k++] = v[i];
    return k;
}

size_t tls_scan_suites_for(uint16_t version, uint16_t *out)
{
    return suites_for(version, out);
}

enum tls_reply_kind tls_scan_offer_suites(struct tls_scan *s, uint16_t version,
                                          const uint16_t *suites, size_t n, struct tls_reply *r)
{
    return offer(s, version, suites, n, r);
}

void tls_scan_enumerate(struct tls_scan *s, uint16_t version, uint16_t *left, size_t nleft,
                        struct tls_version_result *out)
{
    while (nleft && out->nsuites < TLS_SCAN_MAX_SUITES) {
        struct tls_reply r;
        enum tls_reply_kind k = offer(s, version, left, nleft, &r);
        if (out->nsuites == 0)
            out->first = r;
        out->stop = k;
        /* A lower version back means this one is not offered; a suite not offered means a
         * broken server: either way enumeration ends. */
        if (k != TLS_REPLY_HELLO || r.version != version)
            break;
        size_t k2 = remove_suite(left, nleft, r.suite);
        if (k2 == nleft)
            break;
        nleft = k2;
        out->offered = 1;
        out->secure_renegotiation |= r.renegotiation_info;
        out->suites[out->nsuites++] = r.suite;
    }
}

void tls_scan_version(struct tls_scan *s, uint16_t version, struct tls_version_result *out)
{
    memset(out, 0, sizeof *out);
    out->version = version;
    out->server_order = -1;
    uint16_t left[TLS_SCAN_MAX_SUITES];
    tls_scan_enumerate(s, version, left, suites_for(version, left), out);
    tls_scan_order(s, out);
}

void tls_scan_order(struct tls_scan *s, struct tls_version_result *out)
{
    out->server_order = -1;
    if (out->nsuites < 2)
        return;
    /* The accepted suites in reverse: a server that picks by its own order still picks its
     * first choice; one that follows the client picks the last. */
    uint16_t reversed[TLS_SCAN_MAX_SUITES];
    for (size_t i = 0; i < out->nsuites; i++)
        reversed[i] = out->suites[out->nsuites - 1 - i];
    struct tls_reply r;
    if (offer(s, out->version, reversed, out->nsuites, &r) == TLS_REPLY_HELLO) {
        if (r.suite == out->suites[0])
            out->server_order = 1;
        else if (r.suite == reversed[0])
            out->server_order = 0;
    }
}

enum tls_reply_kind tls_scan_sslv2(struct tls_scan *s, struct tls_reply *r)
{
    uint8_t challenge[16], hello[64];
    if (RAND_bytes(challenge, sizeof challenge) != 1)
        memset(challenge, 0x5a, sizeof challenge);
    size_t len = tls_hello_build_sslv2(challenge, hello, sizeof hello);
    return tls_scan_exchange(s, hello, len, 1, r);
}
