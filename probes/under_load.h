/*
 * Checks that only mean something while the store is under load. `storecheck run` runs them
 * beside its load (the fault check while the configured fault is injected); they are not in
 * probe_registry, so a plain audit never runs them.
 */
#ifndef STORECHECK_PROBES_UNDER_LOAD_H
#define STORECHECK_PROBES_UNDER_LOAD_H

#include <stddef.h>

#include "probes/probe.h"

/* Health/readiness still fast, error pages still clean, rate limiting still 429. */
extern const struct probe *const under_load_probes[];
extern const size_t under_load_probe_count;

/* While the fault is on: checkout fails honestly (503 + Retry-After), the catalog stays up. */
extern const struct probe probe_r_fault_under_load;

#endif
