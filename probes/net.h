/*
 * Sockets for the TLS probes and the engine's preflight: non-blocking connects and waits that
 * always end by a deadline (monotonic ms, probe_now_ms) or when *cancel becomes non-zero.
 */
#ifndef STORECHECK_PROBES_NET_H
#define STORECHECK_PROBES_NET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A connected non-blocking TCP socket to host:port, trying each resolved address in turn.
 * Returns the fd, or -1 with the reason in err ("connection refused", "timed out"). cancel
 * may be NULL. Name resolution itself (getaddrinfo) cannot be bounded; IP literals and
 * /etc/hosts names resolve without waiting. */
int net_connect(const char *host, unsigned port, uint64_t deadline_ms, atomic_int *cancel,
                char *err, size_t errlen);

/* Wait until fd is ready for events (POLLIN/POLLOUT). 1 ready, 0 deadline or cancel. */
int net_wait(int fd, short events, uint64_t deadline_ms, atomic_int *cancel);

#endif
