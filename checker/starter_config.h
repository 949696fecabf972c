/*
 * The starter configs `storecheck init` writes: the commented one that points at the reference
 * store's address, and the one written from what a running store showed of itself (with a
 * TODO comment for each thing it did not show). Both validate as they are: tests check.
 */
#ifndef STORECHECK_CHECKER_STARTER_CONFIG_H
#define STORECHECK_CHECKER_STARTER_CONFIG_H

#include "checker/store_discovery.h"
#include "common/strbuf.h"

extern const char starter_config[];

/* The config for a looked-at store, appended to out. ca_file: the CA bundle the store was
 * verified with (written as it is: give an absolute path), or NULL. Everything the store
 * said is quoted or written as a comment so that it cannot add a key. */
void starter_config_discovered(const struct discovery *d, const char *ca_file, struct strbuf *out);

#endif
