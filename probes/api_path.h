/* Paths of the store's API derived from the configured catalog path: its prefix, for
 * requests that must miss, and its version segment, for other versions. */
#ifndef STORECHECK_PROBES_API_PATH_H
#define STORECHECK_PROBES_API_PATH_H

#include <stddef.h>

/* The directory of path: "/api/v1/products?x" -> "/api/v1/". "" for a NULL path. */
void api_path_prefix(const char *path, char *out, size_t len);

/* A path under path, for a request that must miss: "/api/v1/products?sort=new" and
 * "storecheck-missing-1" -> "/api/v1/products/storecheck-missing-1" (no query, one slash). */
void api_path_child(const char *path, const char *leaf, char *out, size_t len);

/* Find a "/v<digits>" segment of path (before any query): the offset and length of its
 * "v<digits>" part and the number. 0, or -1 when there is none. */
int api_path_version(const char *path, size_t *at, size_t *len, long *num);

#endif
