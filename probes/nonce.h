/* Random hex tokens for the values probes make up: request ids, idempotency keys, event ids,
 * paths that must not exist. */
#ifndef STORECHECK_PROBES_NONCE_H
#define STORECHECK_PROBES_NONCE_H

#include <stddef.h>

/* nbytes random bytes as 2*nbytes lowercase hex digits and a NUL in out. */
void nonce_hex(char *out, size_t nbytes);

#endif
