/*
 * The audit's bound on connections open at once to one host (audit.max_connections_per_host).
 * Probes run on many threads; each takes slots from the gate before it connects and gives them
 * back once its connections are closed, so that a small server (nginx with 64 worker
 * connections) sees the same load on every run and answers every probe alike.
 */
#ifndef STORECHECK_PROBES_CONN_GATE_H
#define STORECHECK_PROBES_CONN_GATE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum { CONN_GATE_DEFAULT = 6 };

/* Take up to want slots for host (compared without case) of at most limit (0: the default).
 * Waits for the first until deadline_ms (monotonic, probe_now_ms) or until *cancel is set
 * (cancel may be NULL); with wait_first 0 it does not wait at all. Returns how many it took:
 * 0 when none was free in time. */
unsigned conn_gate_take(const char *host, unsigned limit, unsigned want, int wait_first,
                        uint64_t deadline_ms, atomic_int *cancel);

/* One slot of host for a probe's own socket, waiting until deadline_ms or the probe's
 * cancellation: 1, or 0 with err saying no connection was free in time. */
struct probe_ctx;
int conn_gate_take_socket(const struct probe_ctx *ctx, const char *host, uint64_t deadline_ms,
                          char *err, size_t errlen);

/* Give n slots of host back. */
void conn_gate_give(const char *host, unsigned n);

/* The most slots of host taken at once since the last reset, and the reset (for tests). */
unsigned conn_gate_peak(const char *host);
void conn_gate_reset_peak(void);

#endif
