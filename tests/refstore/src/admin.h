/*
 * The admin listener, the cooperative fault hook: POST /faults/orders_down turns the fault on,
 * DELETE turns it off, GET /faults lists the active ones; GET /activity says when the last
 * order was created and the fault last started.
 */
#ifndef REFSTORE_ADMIN_H
#define REFSTORE_ADMIN_H

#include "exchange.h"

void admin_dispatch(struct exchange *x);

#endif
