#include "tls.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned inlen, void *arg)
{
    /* HTTP/1.1 only; a client offering just h2 gets no ALPN and may fall back. */
    for (unsigned i = 0; i < inlen;) {
        unsigned n = in[i];
        if (i + 1 + n > inlen)
            break;
        if (n == 8 && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = (unsigned char)n;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + n;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static SSL_CTX *fail(SSL_CTX *ctx, const char *what, const char *file, char *err, size_t errlen)
{
    char reason[256];
    ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
    snprintf(err, errlen, "%s %s: %s", what, file ? file : "", reason);
    SSL_CTX_free(ctx);
    return NULL;
}

SSL_CTX *tls_create(const char *cert, const char *key, bool legacy, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return fail(ctx, "TLS context", NULL, err, errlen);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    if (legacy) {
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
        if (!SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"))
            return fail(ctx, "cipher list", NULL, err, errlen);
    } else {
        /* Level 1 rather than Debian's default 2, so the 1024-bit test certificate loads and
         * the key-size probe has something to find; the protocol and ciphers stay strict. */
        SSL_CTX_set_security_level(ctx, 1);
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        if (!SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20"))
            return fail(ctx, "cipher list", NULL, err, errlen);
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
        return fail(ctx, "certificate", cert, err, errlen);
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        return fail(ctx, "private key", key, err, errlen);
    if (SSL_CTX_check_private_key(ctx) != 1)
        return fail(ctx, "key does not match certificate", key, err, errlen);
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    return ctx;
}
