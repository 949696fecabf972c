/*
 * What the vulnerability probes learn first with the handshake scanner: which of SSL 3.0 and
 * TLS 1.0-1.2 the server answers at (one hello each), and for the probes that judge from the
 * sets, every suite it accepts per version (tls_scan_version) and SSL 2.0.
 */
#ifndef STORECHECK_PROBES_TLS_SURVEY_H
#define STORECHECK_PROBES_TLS_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "probes/tls_hello.h"
#include "probes/tls_scan.h"
#include "probes/tls_scan_pool.h"
#include "probes/tls_suites.h"

/* TLS_SURVEY_IN_FLIGHT: the hellos a survey sends at once at most, as S-TLS-CIPHERS. */
enum { TLS_SURVEY_VERSIONS = 4, TLS_SURVEY_IN_FLIGHT = 4 };
/* SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2: the index of a version in the arrays below. */
extern const uint16_t tls_survey_wire[TLS_SURVEY_VERSIONS];

struct tls_offered {
    int offered[TLS_SURVEY_VERSIONS]; /* a ServerHello at that version came back */
    uint16_t highest;                 /* the highest offered, 0 when none */
    struct tls_reply why;             /* the TLS 1.2 answer: why none, when none */
};

/* One hello per version, every suite valid there. */
void tls_survey_offered(struct tls_scan *s, struct tls_offered *out);

/* An answer that decides nothing (no TLS spoken, no connection, time spent): the probe is an
 * error with this class, never a verdict. */
int tls_reply_undecided(const struct tls_reply *r);

struct tls_survey {
    struct tls_reply sslv2; /* the answer to the SSL 2.0 CLIENT-HELLO */
    int sslv2_accepted;
    struct tls_version_result v[TLS_SURVEY_VERSIONS];
};

/* SSL 2.0 (when with_sslv2) and every suite at SSL 3.0 .. TLS 1.2, the versions' hellos sent
 * side by side through pool (probes/tls_scan_pool.h) as S-TLS-CIPHERS sends them. */
void tls_survey_run(struct tls_scan *s, struct tls_scan_pool *pool, int with_sslv2,
                    struct tls_survey *out);

/* The suites of the table valid at version that keep accepts (keep NULL: all), in table
 * order, at most cap. */
size_t tls_suites_at(uint16_t version, int (*keep)(const struct tls_suite *), uint16_t *out,
                     size_t cap);

/* One hello as the probe composed it (its random bytes filled here), one answer. */
enum tls_reply_kind tls_survey_hello(struct tls_scan *s, struct tls_hello *h, struct tls_reply *r);

/* "A B C" of the suites' OpenSSL names, into buf. */
void tls_suite_names(const uint16_t *ids, size_t n, char *buf, size_t len);

#endif
