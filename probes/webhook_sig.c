#include "probes/webhook_sig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

enum { KEY_MAX = 256, MAC_LEN = 32, MAX_SIGS = 8 };

const char *whsig_signature_header(enum webhook_scheme s)
{
    return s == WEBHOOK_STRIPE    ? "Stripe-Signature"
           : s == WEBHOOK_SHOPIFY ? "X-Shopify-Hmac-Sha256"
                                  : "webhook-signature";
}

const char *whsig_id_header(enum webhook_scheme s)
{
    return s == WEBHOOK_SHOPIFY  ? "X-Shopify-Webhook-Id"
           : s == WEBHOOK_STRIPE ? NULL /* Stripe's event id is in the body */
                                 : "webhook-id";
}

const char *whsig_scheme_name(enum webhook_scheme s)
{
    return s == WEBHOOK_STRIPE ? "stripe" : s == WEBHOOK_SHOPIFY ? "shopify" : "standard-webhooks";
}

/* Decode base64 text of n bytes into out (at most cap bytes); its length or -1. */
static int b64_decode(const char *text, size_t n, unsigned char *out, size_t cap)
{
    if (n == 0 || n % 4 || n / 4 * 3 > cap)
        return -1;
    int len = EVP_DecodeBlock(out, (const unsigned char *)text, (int)n);
    if (len < 0)
        return -1;
    if (text[n - 1] == '=')
        len--;
    if (text[n - 2] == '=')
        len--;
    return len;
}

/* The HMAC key of a secret: Standard Webhooks decodes "whsec_" base64; the others use the
 * secret's bytes as written. Length or -1. */
static int secret_key(enum webhook_scheme s, const char *secret, unsigned char *key)
{
    size_t n = strlen(secret);
    if (s == WEBHOOK_STANDARD && strncmp(secret, "whsec_", 6) == 0)
        return b64_decode(secret + 6, n - 6, key, KEY_MAX);
    if (n > KEY_MAX)
        return -1;
    memcpy(key, secret, n);
    return (int)n;
}

/* HMAC-SHA256 of the concatenation of up to three parts. */
static void mac3(const unsigned char *key, int keylen, const char *a, size_t alen, const char *b,
                 size_t blen, const char *c, size_t clen, unsigned char out[MAC_LEN])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *mc = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0),
                           OSSL_PARAM_construct_end()};
    size_t outlen = 0;
    memset(out, 0, MAC_LEN);
    if (mc && EVP_MAC_init(mc, key, (size_t)keylen, params)) {
        EVP_MAC_update(mc, (const unsigned char *)a, alen);
        EVP_MAC_update(mc, (const unsigned char *)b, blen);
        EVP_MAC_update(mc, (const unsigned char *)c, clen);
        EVP_MAC_final(mc, out, &outlen, MAC_LEN);
    }
    EVP_MAC_CTX_free(mc);
    EVP_MAC_free(mac);
}

static void hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", in[i]);
}

/* Decode a lowercase or uppercase hex signature of MAC_LEN bytes; 0 or -1. */
static int unhex(const char *s, size_t n, unsigned char *out)
{
    if (n != 2 * MAC_LEN)
        return -1;
    for (size_t i = 0; i < MAC_LEN; i++) {
        unsigned v;
        char two[3] = {s[2 * i], s[2 * i + 1], 0};
        if (!strchr("0123456789abcdefABCDEF", two[0]) ||
            !strchr("0123456789abcdefABCDEF", two[1]) || sscanf(two, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

/* A unix timestamp: digits only, at most 12 of them. */
static int parse_ts(const char *s, size_t n, long long *out)
{
    if (n == 0 || n > 12)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static enum whsig_result verify_standard(const unsigned char *key, int keylen, const char *id,
                                         const char *timestamp, const char *sig, const char *body,
                                         size_t len, long long *ts, char *why, size_t whylen)
{
    if (!id || !timestamp) {
        snprintf(why, whylen, "webhook-%s header missing", id ? "timestamp" : "id");
        return WHSIG_MISSING;
    }
    if (parse_ts(timestamp, strlen(timestamp), ts) != 0) {
        snprintf(why, whylen, "webhook-timestamp is not a unix time");
        return WHSIG_MALFORMED;
    }
    unsigned char want[MAC_LEN];
    char prefix[600];
    int plen = snprintf(prefix, sizeof prefix, "%s.%s.", id, timestamp);
    if (plen < 0 || (size_t)plen >= sizeof prefix) {
        snprintf(why, whylen, "webhook-id too long");
        return WHSIG_MALFORMED;
    }
    mac3(key, keylen, prefix, (size_t)plen, body, len, "", 0, want);
    int entries = 0;
    for (const char *p = sig; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        const char *comma = memchr(p, ',', n);
        if (!comma) {
            snprintf(why, whylen, "webhook-signature entry without a version (\"v1,<base64>\")");
            return WHSIG_MALFORMED;
        }
        entries++;
        unsigned char got[MAC_LEN + 3];
        size_t vlen = (size_t)(comma - p);
        if (vlen == 2 && memcmp(p, "v1", 2) == 0 &&
            b64_decode(comma + 1, n - vlen - 1, got, sizeof got) == MAC_LEN &&
            CRYPTO_memcmp(got, want, MAC_LEN) == 0) {
            snprintf(why, whylen, "v1 signature valid");
            return WHSIG_VALID;
        }
        p += n;
        if (entries == MAX_SIGS)
            break;
    }
    if (!entries) {
        snprintf(why, whylen, "webhook-signature is empty");
        return WHSIG_MALFORMED;
    }
    snprintf(why, whylen, "none of %d signature entr%s matches the secret", entries,
             entries == 1 ? "y" : "ies");
    return WHSIG_MISMATCH;
}

static enum whsig_result verify_stripe(const unsigned char *key, int keylen, const char *sig,
                                       const char *body, size_t len, long long *ts, char *why,
                                       size_t whylen)
{
    const char *t = NULL, *v1[MAX_SIGS];
    size_t tlen = 0, v1len[MAX_SIGS], nv1 = 0;
    for (const char *p = sig; *p;) {
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);
        if (!eq) {
            snprintf(why, whylen, "Stripe-Signature item without '='");
            return WHSIG_MALFORMED;
        }
        size_t klen = (size_t)(eq - p);
        if (klen == 1 && p[0] == 't') {
            t = eq + 1;
            tlen = n - 2;
        } else if (klen == 2 && memcmp(p, "v1", 2) == 0 && nv1 < MAX_SIGS) {
            v1[nv1] = eq + 1;
            v1len[nv1++] = n - 3;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!t || parse_ts(t, tlen, ts) != 0) {
        snprintf(why, whylen, "Stripe-Signature without a t=<unix time>");
        return WHSIG_MALFORMED;
    }
    if (!nv1) {
        snprintf(why, whylen, "Stripe-Signature without a v1= signature");
        return WHSIG_MALFORMED;
    }
    unsigned char want[MAC_LEN];
    mac3(key, keylen, t, tlen, ".", 1, body, len, want);
    for (size_t i = 0; i < nv1; i++) {
        unsigned char got[MAC_LEN];
        if (unhex(v1[i], v1len[i], got) != 0) {
            snprintf(why, whylen, "Stripe-Signature v1 is not 64 hex digits");
            return WHSIG_MALFORMED;
        }
        if (CRYPTO_memcmp(got, want, MAC_LEN) == 0) {
            snprintf(why, whylen, "v1 signature valid");
            return WHSIG_VALID;
        }
    }
    snprintf(why, whylen, "no v1 signature matches the secret");
    return WHSIG_MISMATCH;
}

static enum whsig_result verify_shopify(const unsigned char *key, int keylen, const char *sig,
                                        const char *body, size_t len, char *why, size_t whylen)
{
    unsigned char got[MAC_LEN + 3], want[MAC_LEN];
    if (b64_decode(sig, strlen(sig), got, sizeof got) != MAC_LEN) {
        snprintf(why, whylen, "X-Shopify-Hmac-Sha256 is not base64 of 32 bytes");
        return WHSIG_MALFORMED;
    }
    mac3(key, keylen, body, len, "", 0, "", 0, want);
    if (CRYPTO_memcmp(got, want, MAC_LEN) != 0) {
        snprintf(why, whylen, "the HMAC does not match the secret");
        return WHSIG_MISMATCH;
    }
    snprintf(why, whylen, "HMAC valid");
    return WHSIG_VALID;
}

enum whsig_result whsig_verify(enum webhook_scheme s, const char *secret, const char *id,
                               const char *timestamp, const char *sig, const char *body,
                               size_t body_len, long long *ts, char *why, size_t whylen)
{
    *ts = -1;
    unsigned char key[KEY_MAX];
    int keylen = secret_key(s, secret, key);
    if (keylen <= 0) {
        snprintf(why, whylen, "the configured secret is not usable (whsec_ needs base64)");
        return WHSIG_BAD_SECRET;
    }
    if (!sig) {
        snprintf(why, whylen, "no %s header", whsig_signature_header(s));
        return WHSIG_MISSING;
    }
    enum whsig_result r =
        s == WEBHOOK_STRIPE ? verify_stripe(key, keylen, sig, body, body_len, ts, why, whylen)
        : s == WEBHOOK_SHOPIFY
            ? verify_shopify(key, keylen, sig, body, body_len, why, whylen)
            : verify_standard(key, keylen, id, timestamp, sig, body, body_len, ts, why, whylen);
    OPENSSL_cleanse(key, sizeof key);
    return r;
}

int whsig_sign(enum webhook_scheme s, const char *secret, const char *id, long long ts,
               const char *body, size_t body_len, char lines[3][256])
{
    unsigned char key[KEY_MAX], mac[MAC_LEN];
    int keylen = secret_key(s, secret, key);
    for (int i = 0; i < 3; i++)
        lines[i][0] = '\0';
    if (keylen <= 0)
        return -1;
    char t[24];
    snprintf(t, sizeof t, "%lld", ts);
    if (s == WEBHOOK_STRIPE) {
        char h[2 * MAC_LEN + 1];
        mac3(key, keylen, t, strlen(t), ".", 1, body, body_len, mac);
        hex(mac, MAC_LEN, h);
        snprintf(lines[0], 256, "Stripe-Signature: t=%s,v1=%s", t, h);
    } else if (s == WEBHOOK_SHOPIFY) {
        unsigned char b64[64];
        mac3(key, keylen, body, body_len, "", 0, "", 0, mac);
        EVP_EncodeBlock(b64, mac, MAC_LEN);
        snprintf(lines[0], 256, "X-Shopify-Hmac-Sha256: %s", b64);
        snprintf(lines[1], 256, "X-Shopify-Webhook-Id: %s", id);
    } else {
        unsigned char b64[64];
        char prefix[600];
        int plen = snprintf(prefix, sizeof prefix, "%s.%s.", id, t);
        if (plen < 0 || (size_t)plen >= sizeof prefix)
            return -1;
        mac3(key, keylen, prefix, (size_t)plen, body, body_len, "", 0, mac);
        EVP_EncodeBlock(b64, mac, MAC_LEN);
        snprintf(lines[0], 256, "webhook-id: %s", id);
        snprintf(lines[1], 256, "webhook-timestamp: %s", t);
        snprintf(lines[2], 256, "webhook-signature: v1,%s", b64);
    }
    OPENSSL_cleanse(key, sizeof key);
    return 0;
}
