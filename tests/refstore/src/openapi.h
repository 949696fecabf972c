/* GET /openapi.json: an OpenAPI 3.1 description of the API. */
#ifndef REFSTORE_OPENAPI_H
#define REFSTORE_OPENAPI_H

#include <stddef.h>

#include "exchange.h"

void openapi_get(struct exchange *x, const char *param, size_t plen);

#endif
