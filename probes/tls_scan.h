/*
 * The handshake scanner: hand-written ClientHellos (probes/tls_hello.h) sent over fresh TCP
 * connections, answers read up to the ServerHello (probes/tls_reply.h). Finds which of SSL 2.0,
 * SSL 3.0 and TLS 1.0-1.2 a server offers, every suite of probes/tls_suites.h it accepts per
 * version and whether it or the client picks the order, whatever the local OpenSSL supports.
 * Every connection ends by its own timeout and the scan's deadline; the number of connections
 * is capped.
 */
#ifndef STORECHECK_PROBES_TLS_SCAN_H
#define STORECHECK_PROBES_TLS_SCAN_H

#include <stdatomic.h>
#include <stdint.h>

#include "probes/tls_reply.h"

struct tls_scan {
    const char *host;       /* address to connect to */
    unsigned port;
    const char *sni;        /* server_name to send; NULL: none */
    uint64_t deadline_ms;   /* monotonic (probe_now_ms): nothing runs past it */
    uint64_t timeout_ms;    /* each connection; 0: 5 s */
    atomic_int *cancel;     /* may be NULL */
    unsigned max_connections; /* 0: 400 */
    unsigned connections;   /* made so far */
    uint64_t started_ms;    /* when the scan began, for its evidence (set by the caller) */
};

/* One hello of n bytes, one answer. Returns the reply kind (also in r->kind). */
enum tls_reply_kind tls_scan_exchange(struct tls_scan *s, const uint8_t *hello, size_t n,
                                      int sslv2, struct tls_reply *r);

/* One hello at version offering every suite valid there: is the version offered at all. */
enum tls_reply_kind tls_scan_offer(struct tls_scan *s, uint16_t version, struct tls_reply *r);

enum { TLS_SCAN_MAX_SUITES = 160 };

struct tls_version_result {
    uint16_t version;          /* TLS_WIRE_SSL3 .. TLS_WIRE_TLS12 */
    int offered;               /* a ServerHello at this version came back */
    struct tls_reply first;    /* the answer to the first offer: why not offered */
    uint16_t suites[TLS_SCAN_MAX_SUITES]; /* accepted, in the order the server picked them */
    size_t nsuites;
    int server_order;          /* 1 server's order, 0 client's, -1 unknown (< 2 suites) */
    int secure_renegotiation;  /* the server answered with renegotiation_info */
    enum tls_reply_kind stop;  /* why enumeration ended (ALERT/CLOSED normally) */
};

/* Offer every suite valid at version, then the rest, until the server refuses. */
void tls_scan_version(struct tls_scan *s, uint16_t version, struct tls_version_result *out);

/* The table's suites valid at version, in table order (at most TLS_SCAN_MAX_SUITES). */
size_t tls_scan_suites_for(uint16_t version, uint16_t *out);

/* One hello at version offering exactly suites[0..n) in that order. */
enum tls_reply_kind tls_scan_offer_suites(struct tls_scan *s, uint16_t version,
                                          const uint16_t *suites, size_t n, struct tls_reply *r);

/* Offer left[0..nleft), take out the suite the server picks, and again, until the server
 * refuses; the picks are appended to out (its first reply, stop and renegotiation too).
 * left is overwritten. */
void tls_scan_enumerate(struct tls_scan *s, uint16_t version, uint16_t *left, size_t nleft,
                        struct tls_version_result *out);

/* Who picks the order among out's accepted suites (out->server_order), by one hello offering
 * them reversed; -1 when fewer than two. */
void tls_scan_order(struct tls_scan *s, struct tls_version_result *out);

/* An SSL 2.0 CLIENT-HELLO; HELLO in r when the server speaks SSL 2.0. */
enum tls_reply_kind tls_scan_sslv2(struct tls_scan *s, struct tls_reply *r);

#endif
