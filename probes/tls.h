/*
 * TLS handshakes for the S-TLS-* and T-HTTP2 probes, with OpenSSL directly on a non-blocking
 * socket: one handshake per call, pinned to a protocol version and cipher list when asked,
 * ending by the probe's deadline. The client accepts everything (security level 0, legacy
 * versions) so that it sees what the server offers; judging is the probe's job.
 */
#ifndef STORECHECK_PROBES_TLS_H
#define STORECHECK_PROBES_TLS_H

#include <openssl/ct.h>
#include <openssl/ssl.h>

#include "probes/probe.h"

struct tls_attempt {
    int version;              /* TLS1_VERSION .. TLS1_3_VERSION pinned (min = max); 0: any */
    const char *cipher_list;  /* TLS <= 1.2 suites (OpenSSL names); NULL: every suite */
    const char *ciphersuites; /* TLS 1.3 suites; NULL: OpenSSL's default */
    const char *alpn;         /* comma list, e.g. "h2,http/1.1"; NULL: none */
    int status_request;       /* ask for a stapled OCSP response (RFC 6066) and for SCTs in
                                 the TLS extension (RFC 6962); fills ocsp and scts, and
                                 verifies nothing (verify_result is not meaningful) */
    int renegotiate;          /* after the handshake, ask for a new one (TLS <= 1.2) */
};

enum tls_renegotiation {
    TLS_RENEG_NOT_TRIED,  /* not asked, TLS 1.3, or the handshake failed */
    TLS_RENEG_ACCEPTED,   /* the server completed a second handshake */
    TLS_RENEG_REFUSED,    /* an alert or a close (reneg_error says which) */
    TLS_RENEG_NO_ANSWER,  /* nothing by the deadline */
};

struct tls_outcome {
    int connected;            /* the TCP connection was made */
    int ok;                   /* the handshake completed */
    char error[256];          /* why it did not */
    int version;              /* negotiated */
    const SSL_CIPHER *cipher; /* negotiated; static data owned by OpenSSL */
    char alpn[32];            /* negotiated protocol, "" when none */
    long verify_result;       /* chain verification against ca_file / the system store */
    X509 *cert;               /* the leaf, owned: tls_outcome_free */
    STACK_OF(X509) * chain;   /* as sent by the server, owned */
    enum tls_renegotiation renegotiation; /* when asked */
    char reneg_error[256];    /* why it was refused */
    unsigned char *ocsp;      /* status_request: the stapled OCSP response (DER), owned; */
    size_t ocsp_len;          /*   NULL when none was stapled */
    STACK_OF(SCT) * scts;     /* status_request: every SCT seen (certificate, OCSP response,
                                 TLS extension; SCT_get_source), owned; NULL when none */
};

/* One handshake with target.base_url's host and port. 0 when it completed, -1 when not
 * (out->error says why: refused, timed out, a handshake alert). */
int tls_try(struct probe_ctx *ctx, const struct tls_attempt *a, struct tls_outcome *out);
void tls_outcome_free(struct tls_outcome *o);

/* "TLS 1.0" .. "TLS 1.3" */
const char *tls_version_name(int version);

/* host is an IPv4 or IPv6 literal, which SNI must not carry. */
int tls_host_is_ip(const char *host);

#endif
