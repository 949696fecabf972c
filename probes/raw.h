/*
 * Raw HTTP/1.1 exchanges, for what libcurl will not send (a malformed request) or cannot aim
 * (one resolved address of the host): bytes out as given, the answer read until the server
 * closes, the answer is long enough, or the deadline. TLS when base_url is https, with SNI of
 * base_url's host and the certificate's fingerprint recorded; verification is not enforced
 * (the caller judges, and S-TLS-CERT judges the certificate).
 */
#ifndef STORECHECK_PROBES_RAW_H
#define STORECHECK_PROBES_RAW_H

#include <stddef.h>

#include "probes/probe.h"

struct raw_reply {
    int status;      /* from the status line; 0 when none came */
    char head[8192]; /* the start of the answer, NUL-terminated (NULs replaced) */
    size_t len;
    char cert_sha256[65]; /* hex SHA-256 of the leaf certificate; "" over plain HTTP */
    char error[256];      /* why there is no answer; "" when there is one */
};

/* Send len bytes of req to addr (an IP literal or a host name; NULL: base_url's host) on
 * base_url's port. Ends by the target timeout or the probe's deadline. 0 when a status line
 * came back, -1 when not (out->error says why). */
int raw_exchange(struct probe_ctx *ctx, const char *addr, const char *req, size_t len,
                 struct raw_reply *out);

#endif
