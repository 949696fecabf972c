/*
 * The TLS <= 1.2 cipher suites the handshake scanner offers, by IANA id: the modern ones
 * and the weak ones OpenSSL 3 no longer offers (RC4, DES/3DES, EXPORT, NULL, anonymous,
 * static ECDH), with what each is made of and flags for judging.
 */
#ifndef STORECHECK_PROBES_TLS_SUITES_H
#define STORECHECK_PROBES_TLS_SUITES_H

#include <stddef.h>
#include <stdint.h>

enum tls_suite_flag {
    SUITE_RC4 = 1 << 0,
    SUITE_3DES = 1 << 1,
    SUITE_DES = 1 << 2,    /* single DES, 56 or 40 bits */
    SUITE_EXPORT = 1 << 3, /* 40/56-bit export grade */
    SUITE_NULL = 1 << 4,   /* no encryption */
    SUITE_ANON = 1 << 5,   /* no server authentication */
    SUITE_MD5 = 1 << 6,    /* MD5 record MAC */
    SUITE_CBC = 1 << 7,    /* block cipher in CBC mode */
    SUITE_AEAD = 1 << 8,
    SUITE_FS = 1 << 9,     /* ephemeral, authenticated key exchange */
    SUITE_TLS12 = 1 << 10, /* defined for TLS 1.2 only */
};

/* Any of these makes a suite weak. */
#define SUITE_WEAK_FLAGS                                                                   \
    (SUITE_RC4 | SUITE_3DES | SUITE_DES | SUITE_EXPORT | SUITE_NULL | SUITE_ANON | SUITE_MD5)

struct tls_suite {
    uint16_t id;
    const char *iana;    /* "TLS_RSA_WITH_RC4_128_SHA" */
    const char *name;    /* OpenSSL's name, as sslscan prints it: "RC4-SHA" */
    const char *kx;      /* "RSA", "DHE", "ECDHE", "ECDH", "RSA(512)" for export */
    const char *auth;    /* "RSA", "ECDSA", "DSS", "None" */
    const char *enc;     /* "AESGCM(128)", "RC4(128)", "None" */
    const char *mac;     /* "SHA1", "SHA256", "MD5", "AEAD" */
    unsigned flags;      /* enum tls_suite_flag */
};

/* The whole table, ordered by id; count in *n. */
const struct tls_suite *tls_suites(size_t *n);

/* The entry for an id, NULL when the table does not know it. */
const struct tls_suite *tls_suite_find(uint16_t id);

/* "RC4", "3DES", "EXPORT", ... for the weak flags of a suite, space separated, "" when none. */
void tls_suite_weakness(const struct tls_suite *s, char *buf, size_t len);

#endif
