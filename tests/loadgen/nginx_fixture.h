/* An nginx on 127.0.0.1 for integration tests: one process (master_process off), so stopping
 * that process stalls the server; generated config in a temporary directory. */
#ifndef STORECHECK_TESTS_LOADGEN_NGINX_FIXTURE_H
#define STORECHECK_TESTS_LOADGEN_NGINX_FIXTURE_H

#include <sys/types.h>

struct nginx_fixture {
    pid_t pid;
    int port;
    char dir[64];
};

/* 0 when running, -1 when nginx is missing or did not come up (the caller skips). */
int nginx_start(struct nginx_fixture *n);
void nginx_stop(struct nginx_fixture *n);

#endif
