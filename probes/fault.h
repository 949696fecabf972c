/*
 * The cooperative fault hook (target.faults): start a fault, stop it, and never leave one
 * running. Every started fault is remembered until it is stopped, so fault_undo_all can stop
 * it from the audit command's signal path, after a probe error or a timeout.
 *
 * An action is an HTTP request (its host must be in allowed_hosts, as for every request) or a
 * /bin/sh -c command; both end within their timeout. Command output is discarded: it may hold
 * secrets.
 */
#ifndef STORECHECK_PROBES_FAULT_H
#define STORECHECK_PROBES_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* The fault of that name, or NULL. */
const struct fault *fault_find(const struct config *cfg, const char *name);

/* Run a fault's start action and remember it as active (even when the action failed: its
 * stop may still be needed). 0 on success (2xx / exit 0), -1 with why; after a stop
 * (common/stop.h) nothing is started and it returns -1. */
int fault_start(const struct config *cfg, const struct fault *f, uint64_t timeout_ms, char *why,
                size_t whylen);
/* Run its stop action and forget it. 0 or -1 with why. */
int fault_stop(const struct config *cfg, const struct fault *f, uint64_t timeout_ms, char *why,
               size_t whylen);

/* Stop every fault still active (from any thread, e.g. on SIGINT); returns how many. */
size_t fault_undo_all(void);

#endif
