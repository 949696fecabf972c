/*
 * The server's whole first flight to a hand-written ClientHello, through ServerHelloDone, and
 * the first record it sends after that: what the vulnerability probes read once they have sent
 * something more (a heartbeat request, an early ChangeCipherSpec). Only what they judge is
 * kept: the ServerHello (as tls_reply_parse reads it), the ServerKeyExchange's group (DHE prime
 * size, ECDHE named curve), an alert, a heartbeat response's claimed payload length. Pure: works
 * on the bytes received so far and says when it needs more; any input ends in a kind below.
 */
#ifndef STORECHECK_PROBES_TLS_FLIGHT_H
#define STORECHECK_PROBES_TLS_FLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "probes/tls_reply.h"

/* The most bytes a reader collects for a flight; past it the flight is OVERSIZE. */
enum { TLS_FLIGHT_MAX_BYTES = 65536, TLS_FLIGHT_LEAF_MAX = 8192 };

struct tls_flight {
    enum tls_reply_kind kind; /* HELLO: a complete flight through ServerHelloDone; ALERT,
                                 GARBAGE, OVERSIZE, UNEXPECTED, MALFORMED or MORE as for
                                 tls_reply_parse */
    struct tls_reply hello;   /* the ServerHello; the alert when kind is ALERT */
    size_t used;              /* bytes the flight took: what follows is the next answer */
    int key_exchange;         /* a ServerKeyExchange came */
    unsigned dh_bits;         /* DHE: bits of the prime p; 0 when not DHE */
    uint16_t curve;           /* ECDHE: the named curve (IANA group id); 0 when not ECDHE */
    uint8_t leaf[TLS_FLIGHT_LEAF_MAX]; /* the first certificate's DER, when it fits */
    size_t leaf_len;                   /* 0: no Certificate message, or a larger leaf */
};

/* Parse buf[0..len). Fills f and returns f->kind. */
enum tls_reply_kind tls_flight_parse(const uint8_t *buf, size_t len, struct tls_flight *f);

/* "alert handshake failure (40)", "timed out", "connection closed", ... */
void tls_flight_describe(const struct tls_flight *f, char *buf, size_t len);

enum tls_after_kind {
    TLS_AFTER_MORE,      /* incomplete so far: read more */
    TLS_AFTER_ALERT,     /* an alert record */
    TLS_AFTER_HEARTBEAT, /* a heartbeat record (its header: type and claimed payload length) */
    TLS_AFTER_OTHER,     /* a ChangeCipherSpec or application data record */
    TLS_AFTER_GARBAGE,   /* not a TLS record */
    TLS_AFTER_OVERSIZE,  /* a record longer than TLS allows */
    /* Set by the reader, not the parser: */
    TLS_AFTER_CLOSED,  /* the server closed without sending a record */
    TLS_AFTER_TIMEOUT, /* nothing by the wait's end */
};

struct tls_after {
    enum tls_after_kind kind;
    uint8_t alert_level, alert; /* ALERT */
    uint8_t heartbeat_type;     /* HEARTBEAT: 1 request, 2 response */
    unsigned heartbeat_payload; /* HEARTBEAT: the payload_length it claims */
    size_t record_len;          /* the record's length field */
};

/* The first record of buf[0..len) that is not a handshake record (those are skipped). */
enum tls_after_kind tls_after_parse(const uint8_t *buf, size_t len, struct tls_after *a);

/* "alert unexpected message (10)", "heartbeat response claiming 16384 payload bytes", ... */
void tls_after_describe(const struct tls_after *a, char *buf, size_t len);

#endif
