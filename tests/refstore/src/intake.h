/*
 * POST /api/v1/payments/callback: callbacks from a payment provider, verified in the Standard
 * Webhooks scheme with the intake secret. 401 for a bad or missing signature, 400 for a
 * timestamp more than 5 minutes off, 409 for a webhook-id seen before, 204 when accepted.
 */
#ifndef REFSTORE_INTAKE_H
#define REFSTORE_INTAKE_H

#include <stddef.h>

#include "exchange.h"

#define INTAKE_TOLERANCE_S 300
#define INTAKE_SEEN_MAX    4096 /* webhook-ids remembered for replay detection */

void intake_callback(struct exchange *x, const char *param, size_t plen);

#endif
