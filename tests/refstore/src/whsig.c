#include "whsig.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

static bool secret_key(const char *secret, unsigned char *key, size_t *key_len)
{
    if (strncmp(secret, "whsec_", 6) != 0) {
        size_t n = strlen(secret);
        if (n > 256)
            return false;
        memcpy(key, secret, n);
        *key_len = n;
        return true;
    }
    const char *b64 = secret + 6;
    size_t n = strlen(b64);
    if (n == 0 || n % 4 || n > 340)
        return false;
    int len = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)n);
    if (len < 0)
        return false;
    /* EVP_DecodeBlock counts padding bytes as zeros; drop them. */
    while (n && b64[n - 1] == '=') {
        n--;
        len--;
    }
    *key_len = (size_t)len;
    return true;
}

bool whsig_sign(const char *secret, const char *id, size_t id_len, const char *ts, size_t ts_len,
                const char *body, size_t body_len, char out[WHSIG_B64_LEN])
{
    unsigned char key[256], mac[EVP_MAX_MD_SIZE];
    size_t key_len;
    if (!secret_key(secret, key, &key_len))
        return false;
    size_t mac_len = 0;
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *h = alg ? EVP_MAC_CTX_new(alg) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};
    bool ok = h && EVP_MAC_init(h, key, key_len, params) &&
              EVP_MAC_update(h, (const unsigned char *)id, id_len) &&
              EVP_MAC_update(h, (const unsigned char *)".", 1) &&
              EVP_MAC_update(h, (const unsigned char *)ts, ts_len) &&
              EVP_MAC_update(h, (const unsigned char *)".", 1) &&
              EVP_MAC_update(h, (const unsigned char *)body, body_len) &&
              EVP_MAC_final(h, mac, &mac_len, sizeof mac);
    EVP_MAC_CTX_free(h);
    EVP_MAC_free(alg);
    if (!ok || mac_len != 32)
        return false;
    EVP_EncodeBlock((unsigned char *)out, mac, 32);
    return true;
}

bool whsig_verify(const char *secret, const char *id, size_t id_len, const char *ts, size_t ts_len,
                  const char *body, size_t body_len, const char *header, size_t header_len)
{
    char expected[WHSIG_B64_LEN];
    if (!whsig_sign(secret, id, id_len, ts, ts_len, body, body_len, expected))
        return false;
    size_t elen = strlen(expected);
    bool found = false;
    size_t i = 0;
    while (i < header_len) {
        while (i < header_len && header[i] == ' ')
            i++;
        size_t start = i;
        while (i < header_len && header[i] != ' ')
            i++;
        const char *entry = header + start;
        size_t n = i - start;
        if (n == 3 + elen && memcmp(entry, "v1,", 3) == 0 &&
            CRYPTO_memcmp(entry + 3, expected, elen) == 0)
            found = true;
    }
    return found;
}
