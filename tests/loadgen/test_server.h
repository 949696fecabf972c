/*
 * A small HTTP server on 127.0.0.1 for the load generator's tests, run in a thread of the test
 * program. It answers well or misbehaves in one chosen way.
 */
#ifndef STORECHECK_TESTS_LOADGEN_TEST_SERVER_H
#define STORECHECK_TESTS_LOADGEN_TEST_SERVER_H

#include <pthread.h>

enum ts_mode {
    TS_GOOD,            /* 200 with a small body to every request, keep-alive */
    TS_GARBAGE_STATUS,  /* "garbage" instead of a status line */
    TS_HUGE_HEADER,     /* a 1 MB header line */
    TS_ENDLESS_CHUNKED, /* a chunked body that never ends (a chunk every 5 ms) */
    TS_LYING_LENGTH,    /* Content-Length: 100, 10 bytes of body, then close */
    TS_CLOSE_MID,       /* half a status line, then close */
    TS_TLS_GARBAGE,     /* answers a TLS ClientHello with plain text */
    TS_SILENT,          /* accepts and never answers */
    TS_SLOW_GOOD,       /* like TS_GOOD, but every answer waits 20 ms */
    TS_FLOOD,           /* a chunked body that never ends, as fast as the socket takes it */
};

struct test_server {
    enum ts_mode mode;
    int listen_fd;
    int port;
    int stop_pipe[2];
    pthread_t thread;
};

/* Listen on an ephemeral loopback port and serve in a thread. Returns 0 or -1. */
int test_server_start(struct test_server *s, enum ts_mode mode);
void test_server_stop(struct test_server *s);

/* A loopback port nothing listens on (bound, then closed). */
int test_server_closed_port(void);

#endif
