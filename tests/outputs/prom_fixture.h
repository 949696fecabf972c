/*
 * A real Prometheus for the tests: Debian's prometheus started on 127.0.0.1 on a free port,
 * with the remote-write receiver on and its storage in a temporary folder; ready within a
 * timeout, queried through its HTTP API, stopped and removed at the end.
 */
#ifndef STORECHECK_TESTS_OUTPUTS_PROM_FIXTURE_H
#define STORECHECK_TESTS_OUTPUTS_PROM_FIXTURE_H

#include <sys/types.h>

struct prom_fixture {
    pid_t pid;
    int port;
    char dir[64];
    char write_url[96]; /* http://127.0.0.1:PORT/api/v1/write */
};

/* 0 when it answers /-/ready; -1 when prometheus is not installed (the caller skips) or
 * did not come up within timeout_s (its log is printed). */
int prom_start(struct prom_fixture *p, int timeout_s);
void prom_stop(struct prom_fixture *p);

/* The value of an instant query that gives exactly one sample; -1 with the answer printed
 * otherwise. */
int prom_query(const struct prom_fixture *p, const char *promql, double *value);

/* A loopback port nothing listens on (it was free a moment ago). */
int prom_free_port(void);

#endif
