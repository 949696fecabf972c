/*
 * The sender of Prometheus remote-write requests: a thread of its own POSTs the bodies
 * queued to it, one at a time, in order, with libcurl. The load never waits for it: the
 * queue holds PROM_PUSH_QUEUE bodies, and when it is full the oldest is dropped (every body
 * carries totals since the start, so a newer one supersedes it) and counted. A push the
 * receiver may take later (no answer, 5xx, 429) is tried again twice, unless a newer one is
 * queued by then; any other refusal is final.
 */
#ifndef STORECHECK_OUTPUTS_PROM_PUSH_H
#define STORECHECK_OUTPUTS_PROM_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "common/out_spec.h"

enum { PROM_PUSH_QUEUE = 4 };

struct prom_push;

/* Start the sender for url; each request waits at most timeout_ms. NULL if no thread could be
 * started. */
struct prom_push *prom_push_start(const char *url, uint64_t timeout_ms);

/* Queue a body (malloc'd; the sender owns it now). Never blocks on the network. */
void prom_push_queue(struct prom_push *p, char *body, size_t len);

/* Wait at most wait_ms for the queue to be sent, then stop the sender (a push still under
 * way is abandoned and what is left in the queue counted as dropped), add its counts to
 * *stats and free it. */
void prom_push_finish(struct prom_push *p, uint64_t wait_ms, struct out_stats *stats);

#endif
