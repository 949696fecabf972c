/*
 * A Prometheus remote-write 1.0 request body: the samples as one WriteRequest (protobuf-c,
 * from remote_write.proto), every series labelled __name__, run_id, segment and its own
 * labels, sorted by name as the specification asks, then compressed with snappy's block
 * format.
 */
#ifndef STORECHECK_OUTPUTS_PROM_ENCODE_H
#define STORECHECK_OUTPUTS_PROM_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "outputs/line_formats.h"
#include "outputs/live_metrics.h"

/* The compressed body (malloc'd, *len bytes); NULL if snappy fails. */
char *prom_encode(const struct live_samples *s, const struct line_context *c, size_t *len);

#endif
