/*
 * What `storecheck validate` (and audit and run, before any request) can catch in the
 * endpoints beyond their YAML shape: every template of a path, header or body compiles and
 * uses only variables something defines (the probes' own id, q, cart_id and key, or one the
 * audit.session scenario extracts), every check compiles, and a request has no more headers
 * than the probes' client sends.
 */
#ifndef STORECHECK_PROBES_ENDPOINT_CHECK_H
#define STORECHECK_PROBES_ENDPOINT_CHECK_H

#include <stddef.h>

#include "config/config.h"
#include "common/diag.h"

/* The most headers an endpoint request may set. */
enum { ENDPOINT_MAX_HEADERS = 10 };

/* Add a located diagnostic for each problem; returns how many. */
size_t endpoint_check(const struct config *cfg, struct diag_list *diags);

#endif
