/*
 * The client TLS context shared by every connection of a run: verification on unless insecure
 * (system store, or ca_file), TLS 1.2 at least, the ALPN protocols the run offers, read-ahead,
 * client-side session caching through a callback so each connection can resume its own session on
 * reconnect.
 */
#ifndef STORECHECK_LOADGEN_TLS_H
#define STORECHECK_LOADGEN_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

/* alpn: the protocols offered, in ALPN wire format ("\x08http/1.1"). on_new_session is
 * OpenSSL's new-session callback (return 1 to keep the session). Returns a context, or NULL
 * with err. */
SSL_CTX *tls_ctx_new(int insecure, const char *ca_file, const char *alpn,
                     int (*on_new_session)(SSL *ssl, SSL_SESSION *sess), char *err, size_t errlen);

/* A new client SSL on fd for host: SNI for names, hostname or IP check when verifying. */
SSL *tls_ssl_new(SSL_CTX *ctx, int fd, const char *host, int host_is_ip);

/* The newest OpenSSL error as text ("" if none), clearing the queue. */
void tls_error_text(char *buf, size_t len);

#endif
