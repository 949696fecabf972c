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

/* The connections a scan may have open at once: one per connection slot of the host it holds.
 * It may ask for more before each round of hellos, without waiting for them. */
struct tls_scan_pool {
    unsigned held; /* slots held (at least 1 is used; the caller gives them all back) */
    unsigned most; /* the most to hold, at most TLS_SCAN_POOL_MAX */
    /* Takes up to want more slots without waiting and returns how many; NULL: held stays. */
    unsigned (*take)(void *arg, unsigned want);
    void *arg;
    unsigned peak; /* out: the most connections that were open at once */
};

/* tls_scan_version for versions[0..n) into out[0..n), with at most pool->held connections open
 * at once. The connections made count in s->connections and against its cap, as one after
 * another would. */
void tls_scan_pool_versions(struct tls_scan *s, struct tls_scan_pool *pool,
                            const uint16_t *versions, size_t n, struct tls_version_result *out);

#endif
