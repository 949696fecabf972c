/*
 * What a careless deployment exposes: a .git folder, a .env file, backups, an admin login.
 * Served only in the leak-* and admin-exposed variants; the good store answers 404.
 */
#ifndef REFSTORE_EXPOSED_H
#define REFSTORE_EXPOSED_H

#include <stdbool.h>

#include "exchange.h"

/* Answers x if its path is exposed by an active variant; false otherwise. */
bool exposed_dispatch(struct exchange *x);

#endif
