/* Operations endpoints: health, readiness, Prometheus metrics. */
#ifndef REFSTORE_OPS_H
#define REFSTORE_OPS_H

#include <stddef.h>

#include "exchange.h"

void ops_healthz(struct exchange *x, const char *param, size_t plen);
void ops_readyz(struct exchange *x, const char *param, size_t plen);
void ops_metrics(struct exchange *x, const char *param, size_t plen);

#endif
