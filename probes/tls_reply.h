/*
 * What a server sent back to a hand-written ClientHello, read only up to its ServerHello (no
 * key exchange): the chosen version, suite and compression and the extensions, an alert, or
 * the class of error. Pure: works on the bytes received so far and says when it needs more.
 * Any input, however hostile, ends in one of the kinds below.
 */
#ifndef STORECHECK_PROBES_TLS_REPLY_H
#define STORECHECK_PROBES_TLS_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum tls_reply_kind {
    TLS_REPLY_MORE,       /* incomplete so far: read more */
    TLS_REPLY_HELLO,      /* a ServerHello (or an SSL 2.0 SERVER-HELLO) */
    TLS_REPLY_ALERT,      /* an alert before any ServerHello: the offer was refused */
    TLS_REPLY_GARBAGE,    /* not TLS: unknown record type or version */
    TLS_REPLY_OVERSIZE,   /* a record or the ServerHello longer than any real one */
    TLS_REPLY_UNEXPECTED, /* TLS records, but no ServerHello first */
    TLS_REPLY_MALFORMED,  /* a ServerHello whose fields do not add up */
    /* Set by the reader, not the parser: */
    TLS_REPLY_CLOSED,   /* the server closed before a complete answer */
    TLS_REPLY_TIMEOUT,  /* no complete answer by the deadline */
    TLS_REPLY_CONNECT,  /* no TCP connection */
    TLS_REPLY_LIMIT,    /* the connection budget is spent, or the scan was stopped */
};

/* The most bytes a reader should collect for one answer; past it the answer is OVERSIZE. */
enum { TLS_REPLY_MAX_BYTES = 32768 };

struct tls_reply {
    enum tls_reply_kind kind;
    uint16_t version;        /* server_version (supported_versions when sent); SSL 2.0: 0x0002 */
    uint16_t suite;          /* chosen cipher suite */
    uint8_t compression;     /* 0: none */
    int renegotiation_info;  /* the server sent the renegotiation_info extension */
    int heartbeat;           /* the server sent the heartbeat extension */
    int extensions;          /* how many extensions the ServerHello carried */
    uint8_t alert_level;     /* ALERT: 1 warning, 2 fatal; 0 an SSL 2.0 ERROR message */
    uint8_t alert;           /* ALERT: the description, e.g. 40 handshake_failure */
    uint32_t sslv2_kinds[8]; /* SSL 2.0: the cipher kinds the server has (first 8) */
    size_t sslv2_nkinds;     /* SSL 2.0: how many it listed */
};

/* Parse buf[0..len). sslv2: the hello sent was SSL 2.0, so an SSL 2.0 SERVER-HELLO may come
 * back. Fills r and returns r->kind. */
enum tls_reply_kind tls_reply_parse(const uint8_t *buf, size_t len, int sslv2,
                                    struct tls_reply *r);

/* What an answer was, for evidence: "alert handshake failure (40)", "connection closed",
 * "timed out", "answered with TLS 1.0" (a ServerHello), ... */
void tls_reply_describe(const struct tls_reply *r, char *buf, size_t len);

/* "handshake failure", "protocol version", ... ("alert 123" style when unknown). */
const char *tls_alert_name(uint8_t description);
/* "ServerHello", "garbage", "timed out", ... */
const char *tls_reply_kind_name(enum tls_reply_kind kind);

#endif
