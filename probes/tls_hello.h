/*
 * ClientHello bytes written by hand, so that the scanner can offer protocol versions and
 * cipher suites the local OpenSSL will not (SSL 2.0, SSL 3.0, RC4, 3DES, EXPORT, NULL).
 * Pure functions: no I/O, the caller supplies the random bytes.
 */
#ifndef STORECHECK_PROBES_TLS_HELLO_H
#define STORECHECK_PROBES_TLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

enum tls_wire_version {
    TLS_WIRE_SSL2 = 0x0002,
    TLS_WIRE_SSL3 = 0x0300,
    TLS_WIRE_TLS10 = 0x0301,
    TLS_WIRE_TLS11 = 0x0302,
    TLS_WIRE_TLS12 = 0x0303,
    TLS_WIRE_TLS13 = 0x0304,
};

/* "SSL 2.0", "SSL 3.0", "TLS 1.0" .. "TLS 1.3", "unknown version" */
const char *tls_wire_version_name(uint16_t version);

/* How the client signals secure renegotiation (RFC 5746). */
enum tls_reneg_signal {
    TLS_RENEG_NONE,
    TLS_RENEG_SCSV,      /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00FF) after the suites */
    TLS_RENEG_EXTENSION, /* an empty renegotiation_info extension */
};

struct tls_hello {
    uint16_t version;         /* client_version: TLS_WIRE_SSL3 .. TLS_WIRE_TLS12 */
    uint8_t random[32];
    const char *sni;          /* host name for server_name; NULL or "": none */
    const uint16_t *suites;   /* in preference order */
    size_t nsuites;
    enum tls_reneg_signal reneg;
    int extensions;           /* send SNI, supported_groups, ec_point_formats and, at TLS 1.2,
                                 signature_algorithms (none at SSL 3.0) */
    /* What the vulnerability probes add to an ordinary hello; zero: nothing. */
    const uint16_t *groups;   /* supported_groups to send instead of the default list */
    size_t ngroups;
    int fallback_scsv;        /* TLS_FALLBACK_SCSV (0x5600) after the suites (RFC 7507) */
    int deflate;              /* offer DEFLATE compression (method 1) before null */
    int heartbeat;            /* the heartbeat extension, peer_allowed_to_send (RFC 6520) */
};

/* The ClientHello as one handshake record into out. Returns its length, 0 when it does not
 * fit in cap or the input is out of range (more than 32767 suites, a name over 255 bytes). */
size_t tls_hello_build(const struct tls_hello *h, uint8_t *out, size_t cap);

/* The SSL 2.0 cipher kinds (3-byte ids) an SSLv2 CLIENT-HELLO offers. */
extern const uint32_t tls_sslv2_kinds[7];
const char *tls_sslv2_kind_name(uint32_t kind);

/* An SSLv2 CLIENT-HELLO (2-byte header, version 0x0002) offering every SSL 2.0 cipher kind,
 * with challenge as its 16-byte challenge. Returns its length, 0 when cap is too small. */
size_t tls_hello_build_sslv2(const uint8_t challenge[16], uint8_t *out, size_t cap);

#endif
