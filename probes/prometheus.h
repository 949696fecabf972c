/*
 * A strict reader of the Prometheus text exposition format (version 0.0.4): HELP and TYPE
 * lines, samples with optional labels and timestamp, one metric family's samples together,
 * the text ending in a newline. It checks and counts; it keeps nothing.
 */
#ifndef STORECHECK_PROBES_PROMETHEUS_H
#define STORECHECK_PROBES_PROMETHEUS_H

#include <stddef.h>

struct prom_stats {
    size_t samples;
    size_t families; /* distinct metric names with a TYPE line or samples */
};

/* Parse len bytes of text. 0, or -1 with "line N: what is wrong" in err. */
int prom_parse(const char *text, size_t len, struct prom_stats *st, char *err, size_t errlen);

#endif
