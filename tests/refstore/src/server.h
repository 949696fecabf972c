/*
 * Listening sockets and client connections: non-blocking reads and writes, plain or TLS,
 * request framing (Content-Length, chunked, pipelining, keep-alive), back-pressure and the
 * timeouts that keep a slow or idle client from holding the server.
 */
#ifndef REFSTORE_SERVER_H
#define REFSTORE_SERVER_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "exchange.h"

enum { SERVER_BAD_ADDRESS = -1, SERVER_BIND_FAILED = -2 };

/* A bound listener's port and its address as text: "127.0.0.1:8080", "[::1]:8443". */
struct server_bound {
    int port;
    char addr[64];
};

/*
 * Binds host:port (loopback only; port 0 picks one) and starts accepting on store.loop.
 * ctx is NULL for plain HTTP. Fills *bound; on failure returns SERVER_BAD_ADDRESS (not
 * HOST:PORT, or not loopback) or SERVER_BIND_FAILED, with err set.
 */
int server_listen(const char *hostport, enum listener_kind kind, SSL_CTX *ctx,
                  struct server_bound *bound, char *err, size_t errlen);

/* Checks an address as server_listen would, without binding: 0 or SERVER_BAD_ADDRESS. */
int server_check_address(const char *hostport, char *err, size_t errlen);

/* Stops accepting and closes every connection. */
void server_shutdown(void);

/* Is a the text form of a loopback address (127.0.0.0/8, ::1, localhost)? */
int server_is_loopback(const char *host);

#endif
