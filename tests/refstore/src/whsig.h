/*
 * Standard Webhooks signatures: v1 = base64(HMAC-SHA256(key, "id.timestamp.body")), where the
 * key is the base64 text after "whsec_" in the secret (a secret without the prefix is used as
 * raw bytes).
 */
#ifndef REFSTORE_WHSIG_H
#define REFSTORE_WHSIG_H

#include <stdbool.h>
#include <stddef.h>

#define WHSIG_B64_LEN 45 /* base64 of 32 bytes plus NUL */

/* Writes the base64 signature of id.timestamp.body into out; false on a malformed secret. */
bool whsig_sign(const char *secret, const char *id, size_t id_len, const char *ts, size_t ts_len,
                const char *body, size_t body_len, char out[WHSIG_B64_LEN]);

/*
 * Does the webhook-signature header value (space-separated "v1,<base64>" entries) hold a
 * valid signature? Compares in constant time.
 */
bool whsig_verify(const char *secret, const char *id, size_t id_len, const char *ts, size_t ts_len,
                  const char *body, size_t body_len, const char *header, size_t header_len);

#endif
