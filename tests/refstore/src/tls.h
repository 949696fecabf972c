/*
 * The HTTPS listener's TLS context. The good store offers TLS 1.2+ with forward-secret AEAD
 * ciphers; the legacy variant also accepts TLS 1.0/1.1 and CBC-SHA1 and static-RSA ciphers,
 * which OpenSSL 3 only allows at security level 0.
 */
#ifndef REFSTORE_TLS_H
#define REFSTORE_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

/* NULL with a reason in err when the certificate or key cannot be used. */
SSL_CTX *tls_create(const char *cert, const char *key, bool legacy, char *err, size_t errlen);

#endif
