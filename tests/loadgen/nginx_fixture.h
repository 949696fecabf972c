/* An nginx on 127.0.0.1 for integration tests: one process (master_process off), so stopping
 * that process stalls the server; generated config and certificate in a temporary directory. */
#ifndef STORECHECK_TESTS_LOADGEN_NGINX_FIXTURE_H
#define STORECHECK_TESTS_LOADGEN_NGINX_FIXTURE_H

#include <sys/types.h>

struct nginx_fixture {
    pid_t pid;
    int port;     /* plain HTTP on 127.0.0.1 and [::1] */
    int tls_port; /* HTTPS on 127.0.0.1, a certificate for IP 127.0.0.1; it closes a
                     connection after 20 requests, so clients reconnect and resume */
    int h2_port;  /* HTTP/2 over TLS (ALPN h2 or http/1.1), the same certificate; after 50
                     requests on a connection it says GOAWAY */
    int h2c_port; /* HTTP/2 over plain TCP (prior knowledge), at most 16 streams at once */
    /* Both HTTP/2 servers answer /api/item with {"id":"42"} and the cookie sid=abc, and
     * /echo/X with "sid=<the cookie sent> at /echo/X". */
    char dir[64];
    char cert[96]; /* the certificate, which is its own CA */
};

/* 0 when running, -1 when nginx is missing or did not come up (the caller skips). */
int nginx_start(struct nginx_fixture *n);
void nginx_stop(struct nginx_fixture *n);

#endif
