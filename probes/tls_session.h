/*
 * One hand-written handshake kept open past the server's first flight, for the probes that
 * send something more on it (a heartbeat request, an early ChangeCipherSpec) and judge the
 * answer. Counts against the scan's connection budget and deadline like tls_scan_exchange;
 * every read is bounded in bytes (TLS_FLIGHT_MAX_BYTES) and time.
 */
#ifndef STORECHECK_PROBES_TLS_SESSION_H
#define STORECHECK_PROBES_TLS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "probes/tls_flight.h"
#include "probes/tls_hello.h"
#include "probes/tls_scan.h"

struct tls_session {
    struct tls_scan *scan;
    int fd;
    uint64_t deadline_ms; /* this connection's: the scan's timeout from its start */
    uint8_t *buf;         /* TLS_FLIGHT_MAX_BYTES, what the server sent */
    size_t len, used;     /* received; taken by the flight */
};

/* Connect, send the hello (random bytes filled here), read the flight through ServerHelloDone.
 * Returns the flight's kind (HELLO: complete; CONNECT, CLOSED, TIMEOUT, LIMIT from the reader).
 * Call tls_session_close afterwards whatever it returned. */
enum tls_reply_kind tls_session_open(struct tls_session *t, struct tls_scan *s, struct tls_hello *h,
                                     struct tls_flight *f);

/* Send bytes on the open connection: 0, or -1 when it is closed or the time is spent. */
int tls_session_send(struct tls_session *t, const uint8_t *p, size_t n);

/* The first non-handshake record the server sends next, waiting at most wait_ms (and never
 * past the connection's deadline). */
enum tls_after_kind tls_session_after(struct tls_session *t, uint64_t wait_ms, struct tls_after *a);

void tls_session_close(struct tls_session *t);

/* The record header for one message of the given content type at the given version. */
void tls_record_header(uint8_t out[5], uint8_t type, uint16_t version, size_t len);

#endif
