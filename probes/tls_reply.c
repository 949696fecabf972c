#include "probes/tls_reply.h"

#include <stdio.h>
#include <string.h>

#include "probes/tls_hello.h"

enum {
    CONTENT_CCS = 20,
    CONTENT_ALERT = 21,
    CONTENT_HANDSHAKE = 22,
    CONTENT_APPDATA = 23,
    HS_SERVER_HELLO = 2,
    MAX_RECORD = 16384 + 2048, /* the largest ciphertext record TLS allows */
    MAX_SERVER_HELLO = 4096,   /* far above any real ServerHello */
    EXT_RENEGOTIATION_INFO = 0xff01,
    EXT_HEARTBEAT = 0x000f,
    EXT_SUPPORTED_VERSIONS = 0x002b,
    SSL2_SERVER_HELLO = 4,
    SSL2_ERROR = 0,
};

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static enum tls_reply_kind set(struct tls_reply *r, enum tls_reply_kind k)
{
    r->kind = k;
    return k;
}

/* The ServerHello body (after the 4-byte handshake header). */
static enum tls_reply_kind server_hello(const uint8_t *b, size_t n, struct tls_reply *r)
{
    if (n < 38)
        return set(r, TLS_REPLY_MALFORMED);
    r->version = (uint16_t)get16(b);
    size_t at = 34, sid = b[at++];
    if (sid > 32 || at + sid + 3 > n)
        return set(r, TLS_REPLY_MALFORMED);
    at += sid;
    r->suite = (uint16_t)get16(b + at);
    r->compression = b[at + 2];
    at += 3;
    if (at == n)
        return set(r, TLS_REPLY_HELLO); /* no extensions */
    if (at + 2 > n || at + 2 + get16(b + at) != n)
        return set(r, TLS_REPLY_MALFORMED);
    at += 2;
    while (at < n) {
        if (at + 4 > n)
            return set(r, TLS_REPLY_MALFORMED);
        unsigned type = get16(b + at), len = get16(b + at + 2);
        at += 4;
        if (at + len > n)
            return set(r, TLS_REPLY_MALFORMED);
        if (type == EXT_RENEGOTIATION_INFO)
            r->renegotiation_info = 1;
        if (type == EXT_HEARTBEAT)
            r->heartbeat = 1;
        if (type == EXT_SUPPORTED_VERSIONS && len == 2)
            r->version = (uint16_t)get16(b + at);
        r->extensions++;
        at += len;
    }
    return set(r, TLS_REPLY_HELLO);
}

/* An SSL 2.0 record with a 2-byte header: SERVER-HELLO or ERROR. */
static enum tls_reply_kind sslv2_reply(const uint8_t *buf, size_t len, struct tls_reply *r)
{
    if (len < 2)
        return set(r, TLS_REPLY_MORE);
    size_t body = (size_t)(buf[0] & 0x7f) << 8 | buf[1];
    if (len < 3)
        return set(r, TLS_REPLY_MORE);
    if (buf[2] == SSL2_ERROR)
        return set(r, TLS_REPLY_ALERT);
    if (buf[2] != SSL2_SERVER_HELLO)
        return set(r, TLS_REPLY_GARBAGE);
    if (len < 2 + body)
        return set(r, TLS_REPLY_MORE);
    const uint8_t *b = buf + 2;
    if (body < 11)
        return set(r, TLS_REPLY_MALFORMED);
    size_t cert = get16(b + 5), specs = get16(b + 7), conn = get16(b + 9);
    if (specs % 3 || 11 + cert + specs + conn != body)
        return set(r, TLS_REPLY_MALFORMED);
    r->version = (uint16_t)get16(b + 3);
    const uint8_t *s = b + 11 + cert;
    r->sslv2_nkinds = specs / 3;
    for (size_t i = 0; i < r->sslv2_nkinds && i < sizeof r->sslv2_kinds / sizeof *r->sslv2_kinds;
         i++)
        r->sslv2_kinds[i] = (uint32_t)s[3 * i] << 16 | get16(s + 3 * i + 1);
    return set(r, TLS_REPLY_HELLO);
}

enum tls_reply_kind tls_reply_parse(const uint8_t *buf, size_t len, int sslv2,
                                    struct tls_reply *r)
{
    memset(r, 0, sizeof *r);
    if (len > TLS_REPLY_MAX_BYTES)
        return set(r, TLS_REPLY_OVERSIZE);
    if (sslv2 && len && (buf[0] & 0x80))
        return sslv2_reply(buf, len, r);
    /* Handshake bytes gathered across records: the ServerHello may be split. */
    uint8_t hs[MAX_SERVER_HELLO + 4];
    size_t nhs = 0, at = 0;
    while (at + 5 <= len) {
        unsigned type = buf[at], major = buf[at + 1], rlen = get16(buf + at + 3);
        if (type < CONTENT_CCS || type > CONTENT_APPDATA || (major != 3 && major != 0))
            return set(r, TLS_REPLY_GARBAGE);
        if (rlen > MAX_RECORD)
            return set(r, TLS_REPLY_OVERSIZE);
        if (at + 5 + rlen > len)
            return set(r, TLS_REPLY_MORE);
        const uint8_t *body = buf + at + 5;
        at += 5 + rlen;
        if (type == CONTENT_ALERT && nhs == 0) {
            if (rlen < 2)
                return set(r, TLS_REPLY_MALFORMED);
            r->alert_level = body[0];
            r->alert = body[1];
            return set(r, TLS_REPLY_ALERT);
        }
        if (type != CONTENT_HANDSHAKE)
            return set(r, TLS_REPLY_UNEXPECTED);
        size_t take = rlen < sizeof hs - nhs ? rlen : sizeof hs - nhs;
        memcpy(hs + nhs, body, take);
        nhs += take;
        if (nhs >= 1 && hs[0] != HS_SERVER_HELLO)
            return set(r, TLS_REPLY_UNEXPECTED);
        if (nhs >= 4) {
            size_t mlen = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];
            if (mlen > MAX_SERVER_HELLO)
                return set(r, TLS_REPLY_OVERSIZE);
            if (nhs >= 4 + mlen)
                return server_hello(hs + 4, mlen, r);
        }
    }
    return set(r, TLS_REPLY_MORE);
}

const char *tls_alert_name(uint8_t d)
{
    switch (d) {
    case 0:
        return "close notify";
    case 10:
        return "unexpected message";
    case 20:
        return "bad record mac";
    case 21:
        return "decryption failed";
    case 22:
        return "record overflow";
    case 40:
        return "handshake failure";
    case 47:
        return "illegal parameter";
    case 50:
        return "decode error";
    case 51:
        return "decrypt error";
    case 70:
        return "protocol version";
    case 71:
        return "insufficient security";
    case 80:
        return "internal error";
    case 86:
        return "inappropriate fallback";
    case 90:
        return "user canceled";
    case 100:
        return "no renegotiation";
    case 112:
        return "unrecognized name";
    default:
        return "other alert";
    }
}

const char *tls_reply_kind_name(enum tls_reply_kind k)
{
    switch (k) {
    case TLS_REPLY_MORE:
        return "incomplete answer";
    case TLS_REPLY_HELLO:
        return "ServerHello";
    case TLS_REPLY_ALERT:
        return "alert";
    case TLS_REPLY_GARBAGE:
        return "not TLS (garbage)";
    case TLS_REPLY_OVERSIZE:
        return "oversized record or message";
    case TLS_REPLY_UNEXPECTED:
        return "no ServerHello first";
    case TLS_REPLY_MALFORMED:
        return "malformed ServerHello";
    case TLS_REPLY_CLOSED:
        return "connection closed";
    case TLS_REPLY_TIMEOUT:
        return "timed out";
    case TLS_REPLY_CONNECT:
        return "cannot connect";
    case TLS_REPLY_LIMIT:
        return "connection budget or time spent";
    }
    return "unknown";
}

void tls_reply_describe(const struct tls_reply *r, char *buf, size_t len)
{
    if (r->kind == TLS_REPLY_ALERT && r->alert_level == 0)
        snprintf(buf, len, "SSL 2.0 error message");
    else if (r->kind == TLS_REPLY_ALERT)
        snprintf(buf, len, "alert %s (%u)", tls_alert_name(r->alert), r->alert);
    else if (r->kind == TLS_REPLY_HELLO)
        snprintf(buf, len, "answered with %s", tls_wire_version_name(r->version));
    else
        snprintf(buf, len, "%s", tls_reply_kind_name(r->kind));
}
