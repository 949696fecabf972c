/* The catalog API: product list (paginated), one product (the hot path), search. */
#ifndef REFSTORE_API_CATALOG_H
#define REFSTORE_API_CATALOG_H

#include <stddef.h>

#include "exchange.h"

void api_products(struct exchange *x, const char *param, size_t plen);
void api_product(struct exchange *x, const char *param, size_t plen);
void api_search(struct exchange *x, const char *param, size_t plen);

/* GET / of a headless store (--api-only): where the API is. */
void api_index(struct exchange *x, const char *param, size_t plen);

#endif
