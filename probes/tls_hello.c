#include "probes/tls_hello.h"

#include <string.h>

enum {
    CONTENT_HANDSHAKE = 22,
    HS_CLIENT_HELLO = 1,
    EXT_SERVER_NAME = 0x0000,
    EXT_SUPPORTED_GROUPS = 0x000a,
    EXT_EC_POINT_FORMATS = 0x000b,
    EXT_SIGNATURE_ALGORITHMS = 0x000d,
    EXT_HEARTBEAT = 0x000f,
    EXT_RENEGOTIATION_INFO = 0xff01,
    SUITE_RENEG_SCSV = 0x00ff,
    SUITE_FALLBACK_SCSV = 0x5600,
    COMPRESSION_DEFLATE = 1,
};

/* x25519, secp256r1, secp384r1, secp521r1, x448, ffdhe2048, ffdhe3072, ffdhe4096 */
static const uint16_t groups[] = {0x001d, 0x0017, 0x0018, 0x0019,
                                  0x001e, 0x0100, 0x0101, 0x0102};
/* ECDSA and RSA-PSS/PKCS#1 with SHA-256/384/512, then SHA-1 and DSA for old servers. */
static const uint16_t sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401,
                                   0x0501, 0x0601, 0x0203, 0x0201, 0x0402, 0x0202};

const char *tls_wire_version_name(uint16_t version)
{
    switch (version) {
    case TLS_WIRE_SSL2:
        return "SSL 2.0";
    case TLS_WIRE_SSL3:
        return "SSL 3.0";
    case TLS_WIRE_TLS10:
        return "TLS 1.0";
    case TLS_WIRE_TLS11:
        return "TLS 1.1";
    case TLS_WIRE_TLS12:
        return "TLS 1.2";
    case TLS_WIRE_TLS13:
        return "TLS 1.3";
    default:
        return "unknown version";
    }
}

/* A bounded writer: once it overflows, every later put is dropped and ok stays 0. */
struct writer {
    uint8_t *p;
    size_t cap, len;
    int ok;
};

static void put8(struct writer *w, unsigned v)
{
    if (w->len + 1 > w->cap) {
        w->ok = 0;
        return;
    }
    w->p[w->len++] = (uint8_t)v;
}

static void put16(struct writer *w, unsigned v)
{
    put8(w, (v >> 8) & 0xff);
    put8(w, v & 0xff);
}

static void put_bytes(struct writer *w, const void *b, size_t n)
{
    if (w->len + n > w->cap) {
        w->ok = 0;
        return;
    }
    memcpy(w->p + w->len, b, n);
    w->len += n;
}

/* Fill a length field of `bytes` bytes at `at` with everything written after it. */
static void patch_len(struct writer *w, size_t at, int bytes)
{
    if (!w->ok)
        return;
    size_t n = w->len - at - (size_t)bytes;
    for (int i = bytes - 1; i >= 0; i--, n >>= 8)
        w->p[at + (size_t)i] = (uint8_t)(n & 0xff);
}

static void put_u16_list(struct writer *w, const uint16_t *v, size_t n)
{
    put16(w, (unsigned)(n * 2));
    for (size_t i = 0; i < n; i++)
        put16(w, v[i]);
}

static void put_extensions(struct writer *w, const struct tls_hello *h)
{
    size_t at = w->len;
    put16(w, 0);
    if (h->sni && h->sni[0]) {
        size_t n = strlen(h->sni);
        put16(w, EXT_SERVER_NAME);
        put16(w, (unsigned)n + 5);
        put16(w, (unsigned)n + 3);
        put8(w, 0); /* host_name */
        put16(w, (unsigned)n);
        put_bytes(w, h->sni, n);
    }
    const uint16_t *g = h->ngroups ? h->groups : groups;
    size_t ng = h->ngroups ? h->ngroups : sizeof groups / sizeof *groups;
    put16(w, EXT_SUPPORTED_GROUPS);
    put16(w, (unsigned)(ng * 2 + 2));
    put_u16_list(w, g, ng);
    put16(w, EXT_EC_POINT_FORMATS);
    put16(w, 2);
    put8(w, 1);
    put8(w, 0); /* uncompressed */
    if (h->version >= TLS_WIRE_TLS12) {
        put16(w, EXT_SIGNATURE_ALGORITHMS);
        put16(w, (unsigned)sizeof sigalgs + 2);
        put_u16_list(w, sigalgs, sizeof sigalgs / sizeof *sigalgs);
    }
    if (h->reneg == TLS_RENEG_EXTENSION) {
        put16(w, EXT_RENEGOTIATION_INFO);
        put16(w, 1);
        put8(w, 0); /* empty renegotiated_connection */
    }
    if (h->heartbeat) {
        put16(w, EXT_HEARTBEAT);
        put16(w, 1);
        put8(w, 1); /* peer_allowed_to_send */
    }
    patch_len(w, at, 2);
}

size_t tls_hello_build(const struct tls_hello *h, uint8_t *out, size_t cap)
{
    if (h->nsuites > 32000 || h->ngroups > 256 || (h->sni && strlen(h->sni) > 255) ||
        h->version < TLS_WIRE_SSL3 || h->version > TLS_WIRE_TLS12)
        return 0;
    struct writer w = {out, cap, 0, 1};
    put8(&w, CONTENT_HANDSHAKE);
    /* Record version: SSL 3.0 for an SSL 3.0 hello, else TLS 1.0, which every server takes. */
    put16(&w, h->version == TLS_WIRE_SSL3 ? TLS_WIRE_SSL3 : TLS_WIRE_TLS10);
    size_t record_len = w.len;
    put16(&w, 0);
    put8(&w, HS_CLIENT_HELLO);
    size_t hs_len = w.len;
    put8(&w, 0);
    put16(&w, 0);
    put16(&w, h->version);
    put_bytes(&w, h->random, sizeof h->random);
    put8(&w, 0); /* no session id */
    size_t nsuites = h->nsuites + (h->reneg == TLS_RENEG_SCSV) + (h->fallback_scsv != 0);
    put16(&w, (unsigned)(nsuites * 2));
    for (size_t i = 0; i < h->nsuites; i++)
        put16(&w, h->suites[i]);
    if (h->reneg == TLS_RENEG_SCSV)
        put16(&w, SUITE_RENEG_SCSV);
    if (h->fallback_scsv)
        put16(&w, SUITE_FALLBACK_SCSV);
    if (h->deflate) {
        put8(&w, 2);
        put8(&w, COMPRESSION_DEFLATE);
    } else {
        put8(&w, 1);
    }
    put8(&w, 0); /* null compression, always offered */
    if (h->extensions && h->version > TLS_WIRE_SSL3)
        put_extensions(&w, h);
    patch_len(&w, hs_len, 3);
    patch_len(&w, record_len, 2);
    return w.ok && w.len - record_len - 2 <= 16384 ? w.len : 0;
}

const uint32_t tls_sslv2_kinds[7] = {0x010080, 0x020080, 0x030080, 0x040080,
                                     0x050080, 0x060040, 0x0700c0};

const char *tls_sslv2_kind_name(uint32_t kind)
{
    switch (kind) {
    case 0x010080:
        return "SSL_CK_RC4_128_WITH_MD5";
    case 0x020080:
        return "SSL_CK_RC4_128_EXPORT40_WITH_MD5";
    case 0x030080:
        return "SSL_CK_RC2_128_CBC_WITH_MD5";
    case 0x040080:
        return "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5";
    case 0x050080:
        return "SSL_CK_IDEA_128_CBC_WITH_MD5";
    case 0x060040:
        return "SSL_CK_DES_64_CBC_WITH_MD5";
    case 0x0700c0:
        return "SSL_CK_DES_192_EDE3_CBC_WITH_MD5";
    default:
        return "unknown SSL 2.0 cipher kind";
    }
}

size_t tls_hello_build_sslv2(const uint8_t challenge[16], uint8_t *out, size_t cap)
{
    struct writer w = {out, cap, 0, 1};
    size_t nkinds = sizeof tls_sslv2_kinds / sizeof *tls_sslv2_kinds;
    size_t body = 9 + nkinds * 3 + 16;
    put16(&w, 0x8000 | (unsigned)body); /* 2-byte header, no padding */
    put8(&w, 1);                        /* CLIENT-HELLO */
    put16(&w, TLS_WIRE_SSL2);
    put16(&w, (unsigned)(nkinds * 3));
    put16(&w, 0);  /* session id length */
    put16(&w, 16); /* challenge length */
    for (size_t i = 0; i < nkinds; i++) {
        put8(&w, tls_sslv2_kinds[i] >> 16);
        put16(&w, tls_sslv2_kinds[i] & 0xffff);
    }
    put_bytes(&w, challenge, 16);
    return w.ok ? w.len : 0;
}
