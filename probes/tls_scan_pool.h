/*
 * The handshake scanner's suite enumeration with its hellos sent concurrently, a few at a time:
 * the versions side by side, and within a version that follows the client's order, the suite
 * list split among the connections (a server that picks the first suite it knows from the
 * client's list picks the same suites from each part; the union in the table's order is what
 * one connection after another finds). A server that picks by its own order is enumerated one
 * hello after another, as tls_scan_version does, since the order of its picks is the finding.
 */
#ifndef STORECHECK_PROBES_TLS_SCAN_POOL_H
#define STORECHECK_PROBES_TLS_SCAN_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "probes/tls_scan.h"

enum { TLS_SCAN_POOL_MAX = 8 };

/* tls_scan_version for versions[0..n) into out[0..n), with at most in_flight connections open
 * at once (clamped to 1..TLS_SCAN_POOL_MAX; the caller holds that many of the host's
 * connection slots). The connections made count in s->connections and against its cap, as
 * one after another would. Returns the most connections that were open at once. */
unsigned tls_scan_pool_versions(struct tls_scan *s, const uint16_t *versions, size_t n,
                                unsigned in_flight, struct tls_version_result *out);

#endif
