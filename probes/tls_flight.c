#include "probes/tls_flight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/tls_suites.h"

enum {
    CONTENT_CCS = 20,
    CONTENT_ALERT = 21,
    CONTENT_HANDSHAKE = 22,
    CONTENT_HEARTBEAT = 24,
    MAX_RECORD = 16384 + 2048,
    HS_SERVER_HELLO = 2,
    HS_CERTIFICATE = 11,
    HS_SERVER_KEY_EXCHANGE = 12,
    HS_CERTIFICATE_REQUEST = 13,
    HS_SERVER_HELLO_DONE = 14,
    HS_CERTIFICATE_STATUS = 22,
    CURVE_NAMED = 3,
};

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* The record header at buf: 0 complete record (type, body length in *rlen), 1 incomplete,
 * -1 not TLS, -2 longer than TLS allows. */
static int record_at(const uint8_t *buf, size_t len, unsigned *type, size_t *rlen)
{
    if (len < 5)
        return 1;
    *type = buf[0];
    *rlen = get16(buf + 3);
    if (*type < CONTENT_CCS || *type > CONTENT_HEARTBEAT || buf[1] != 3)
        return -1;
    if (*rlen > MAX_RECORD)
        return -2;
    return len < 5 + *rlen ? 1 : 0;
}

/* The bit length of a big-endian unsigned integer of n bytes, leading zero bytes ignored. */
static unsigned bit_length(const uint8_t *p, size_t n)
{
    while (n && *p == 0) {
        p++;
        n--;
    }
    if (!n)
        return 0;
    unsigned bits = (unsigned)(n - 1) * 8;
    for (uint8_t top = *p; top; top >>= 1)
        bits++;
    return bits;
}

/* ServerKeyExchange body: DHE (p, g, Ys) or ECDHE (named curve, point) by the chosen suite. */
static enum tls_reply_kind key_exchange(const uint8_t *b, size_t n, struct tls_flight *f)
{
    const struct tls_suite *su = tls_suite_find(f->hello.suite);
    f->key_exchange = 1;
    if (!su)
        return TLS_REPLY_MORE;
    if (strncmp(su->kx, "DHE", 3) == 0) {
        if (n < 2 || 2 + (size_t)get16(b) > n || get16(b) == 0)
            return TLS_REPLY_MALFORMED;
        f->dh_bits = bit_length(b + 2, get16(b));
    } else if (strncmp(su->kx, "ECDHE", 5) == 0) {
        if (n < 3 || b[0] != CURVE_NAMED)
            return TLS_REPLY_MALFORMED;
        f->curve = (uint16_t)get16(b + 1);
    }
    return TLS_REPLY_MORE;
}

static enum tls_reply_kind set(struct tls_flight *f, enum tls_reply_kind k)
{
    f->kind = k;
    return k;
}

enum tls_reply_kind tls_flight_parse(const uint8_t *buf, size_t len, struct tls_flight *f)
{
    memset(f, 0, sizeof *f);
    if (len > TLS_FLIGHT_MAX_BYTES)
        return set(f, TLS_REPLY_OVERSIZE);
    enum tls_reply_kind k = tls_reply_parse(buf, len, 0, &f->hello);
    if (k != TLS_REPLY_HELLO)
        return set(f, k);
    /* Handshake messages are gathered across records: a certificate chain spans several. */
    uint8_t *hs = malloc(len);
    if (!hs)
        return set(f, TLS_REPLY_OVERSIZE);
    size_t nhs = 0, done = 0, at = 0;
    k = TLS_REPLY_MORE;
    while (k == TLS_REPLY_MORE) {
        unsigned type = 0;
        size_t rlen = 0;
        int rc = record_at(buf + at, len - at, &type, &rlen);
        if (rc != 0) {
            k = rc == 1 ? TLS_REPLY_MORE : rc == -1 ? TLS_REPLY_GARBAGE : TLS_REPLY_OVERSIZE;
            break;
        }
        const uint8_t *body = buf + at + 5;
        at += 5 + rlen;
        if (type == CONTENT_ALERT) {
            f->hello.alert_level = rlen >= 2 ? body[0] : 0;
            f->hello.alert = rlen >= 2 ? body[1] : 0;
            k = rlen >= 2 ? TLS_REPLY_ALERT : TLS_REPLY_MALFORMED;
            break;
        }
        if (type != CONTENT_HANDSHAKE) {
            k = TLS_REPLY_UNEXPECTED;
            break;
        }
        memcpy(hs + nhs, body, rlen);
        nhs += rlen;
        /* Every complete message so far, from where the last one ended. */
        while (k == TLS_REPLY_MORE && nhs - done >= 4) {
            const uint8_t *m = hs + done;
            size_t mlen = (size_t)m[1] << 16 | (size_t)m[2] << 8 | m[3];
            if (mlen > TLS_FLIGHT_MAX_BYTES) {
                k = TLS_REPLY_OVERSIZE;
                break;
            }
            if (nhs - done < 4 + mlen)
                break;
            done += 4 + mlen;
            if (m[0] == HS_SERVER_HELLO_DONE) {
                f->used = at;
                k = TLS_REPLY_HELLO;
            } else if (m[0] == HS_CERTIFICATE && mlen >= 6) {
                /* certificate_list<3 bytes>, then the leaf's own 3-byte length and DER */
                size_t n = (size_t)m[7] << 16 | (size_t)m[8] << 8 | m[9];
                if (6 + n <= mlen && n <= sizeof f->leaf) {
                    memcpy(f->leaf, m + 10, n);
                    f->leaf_len = n;
                }
            } else if (m[0] == HS_SERVER_KEY_EXCHANGE) {
                k = key_exchange(m + 4, mlen, f);
            } else if (m[0] == HS_SERVER_HELLO
                           ? done != 4 + mlen
                           : m[0] != HS_CERTIFICATE && m[0] != HS_CERTIFICATE_REQUEST &&
                                 m[0] != HS_CERTIFICATE_STATUS) {
                k = TLS_REPLY_UNEXPECTED; /* a second ServerHello, or a message out of place */
            }
        }
    }
    free(hs);
    return set(f, k);
}

void tls_flight_describe(const struct tls_flight *f, char *buf, size_t len)
{
    struct tls_reply r = f->hello;
    r.kind = f->kind;
    tls_reply_describe(&r, buf, len);
}

enum tls_after_kind tls_after_parse(const uint8_t *buf, size_t len, struct tls_after *a)
{
    memset(a, 0, sizeof *a);
    size_t at = 0;
    for (;;) {
        unsigned type = 0;
        size_t rlen = 0;
        int rc = record_at(buf + at, len - at, &type, &rlen);
        if (rc == -1)
            return a->kind = TLS_AFTER_GARBAGE;
        if (rc == -2)
            return a->kind = TLS_AFTER_OVERSIZE;
        if (len - at < 5)
            return a->kind = TLS_AFTER_MORE;
        a->record_len = rlen;
        const uint8_t *body = buf + at + 5;
        size_t have = len - at - 5;
        /* A heartbeat is judged on its header: a leaking answer can be 16 KiB long. */
        if (type == CONTENT_HEARTBEAT && have >= 3 && rlen >= 3) {
            a->heartbeat_type = body[0];
            a->heartbeat_payload = get16(body + 1);
            return a->kind = TLS_AFTER_HEARTBEAT;
        }
        if (rc == 1)
            return a->kind = TLS_AFTER_MORE;
        if (type == CONTENT_ALERT && rlen >= 2) {
            a->alert_level = body[0];
            a->alert = body[1];
            return a->kind = TLS_AFTER_ALERT;
        }
        if (type != CONTENT_HANDSHAKE)
            return a->kind = TLS_AFTER_OTHER;
        at += 5 + rlen;
    }
}

void tls_after_describe(const struct tls_after *a, char *buf, size_t len)
{
    switch (a->kind) {
    case TLS_AFTER_ALERT:
        snprintf(buf, len, "alert %s (%u)", tls_alert_name(a->alert), a->alert);
        break;
    case TLS_AFTER_HEARTBEAT:
        snprintf(buf, len, "heartbeat %s claiming %u payload bytes in a %zu-byte record",
                 a->heartbeat_type == 2 ? "response" : "message", a->heartbeat_payload,
                 a->record_len);
        break;
    case TLS_AFTER_OTHER:
        snprintf(buf, len, "a record that is neither alert nor heartbeat (%zu bytes)",
                 a->record_len);
        break;
    case TLS_AFTER_GARBAGE:
        snprintf(buf, len, "not TLS (garbage)");
        break;
    case TLS_AFTER_OVERSIZE:
        snprintf(buf, len, "oversized record");
        break;
    case TLS_AFTER_CLOSED:
        snprintf(buf, len, "connection closed");
        break;
    case TLS_AFTER_TIMEOUT:
        snprintf(buf, len, "no answer (timed out)");
        break;
    case TLS_AFTER_MORE:
        snprintf(buf, len, "incomplete record");
        break;
    }
}
