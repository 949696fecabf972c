/*
 * What the certificate-depth probes (S-TLS-CHAIN, S-TLS-CERT-USAGE, S-TLS-OCSP,
 * S-TLS-MUST-STAPLE, S-TLS-CT) share: one OpenSSL handshake that asks for OCSP stapling and
 * SCTs, the trust store the target is judged against, finding a certificate's issuer, and
 * certificate fields as text for evidence. Parsing is OpenSSL's; judging is the probes'.
 */
#ifndef STORECHECK_PROBES_CERT_PROBE_H
#define STORECHECK_PROBES_CERT_PROBE_H

#include <openssl/x509.h>

#include "probes/probe.h"
#include "probes/tls.h"

/* One handshake with status_request, its evidence recorded under label (what it sent). 0 with
 * o holding at least the leaf (free with tls_outcome_free); -1 when the probe is decided
 * already: skip on a plain-http target, error when no certificate came. */
int cert_probe_handshake(struct probe_ctx *ctx, struct tls_outcome *o, char *label,
                         size_t labellen);

/* The trust anchors: target.tls.ca_file, else the system store. NULL with err when the file
 * cannot be read. X509_STORE_free it. */
X509_STORE *cert_probe_trust(const struct probe_ctx *ctx, char *err, size_t errlen);

/* cert's issuer: first among sent (signature checked too), else in store (NULL: not looked
 * up). Borrowed from sent, or up-referenced from the store (*owned = 1: X509_free it). NULL
 * when neither holds it. */
X509 *cert_probe_issuer(X509 *cert, const STACK_OF(X509) * sent, X509_STORE *store, int *owned);

/* cert was issued by itself (a root, or a self-signed leaf). */
int cert_probe_self_issued(X509 *cert);

/* Append text to buf, "; "-separated. */
void cert_probe_add(char *buf, size_t len, const char *text);

/* The verdict from what a probe found: fail with the failures (the warnings after them), else
 * warn with the warnings, else pass with pass_text. */
void cert_probe_verdict(struct probe_ctx *ctx, const char *fail, const char *warn,
                        const char *pass_text);

/* "CN=shop.example, O=..." (subject), UTF-8 kept, for evidence. */
void cert_probe_subject(X509 *cert, char *buf, size_t len);
/* "Dec  6 18:00:00 2026 GMT" */
void cert_probe_time(const ASN1_TIME *t, char *buf, size_t len);

#endif
