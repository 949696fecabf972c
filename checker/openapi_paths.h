/*
 * The store endpoints an OpenAPI document (3.x, or Swagger 2.0, as JSON) names: its product
 * list, one product, search, cart, cart items, checkout, login, health, readiness and metrics
 * paths, as storecheck's endpoint templates ({{id}}, {{q}}, {{cart_id}}). Read by the shape of
 * each path and its method only; deprecated operations are passed over. Bounded: a document of
 * at most OPENAPI_MAX_BYTES, the first OPENAPI_MAX_PATHS paths, each at most OPENAPI_PATH_MAX
 * long and made of URL path characters only, so every path found can be written into YAML
 * between double quotes as it is.
 */
#ifndef STORECHECK_CHECKER_OPENAPI_PATHS_H
#define STORECHECK_CHECKER_OPENAPI_PATHS_H

#include <stddef.h>

#include "config/config.h"

enum { OPENAPI_MAX_BYTES = 4 << 20, OPENAPI_MAX_PATHS = 2000, OPENAPI_PATH_MAX = 256 };

struct openapi_paths {
    char paths[EP_COUNT][OPENAPI_PATH_MAX]; /* "" where the document names no such endpoint */
};

/* Read len bytes of JSON. 0 when it is an OpenAPI or Swagger document (even one that names
 * nothing storecheck knows), -1 with the reason in err when it is not. */
int openapi_paths_read(const char *text, size_t len, struct openapi_paths *out, char *err,
                       size_t errlen);

#endif
