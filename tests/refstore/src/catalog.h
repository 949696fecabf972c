/*
 * The deterministic catalog: N products generated from a seed. Each product's JSON body, its
 * gzip form and its ETag are computed once at startup so the product endpoint only copies.
 */
#ifndef REFSTORE_CATALOG_H
#define REFSTORE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

struct product {
    unsigned id;
    char sku[16];
    char name[64];
    char lower[64]; /* name in lower case, for search */
    unsigned price_cents;
    unsigned stock;
    char *json, *json_gz;
    size_t json_len, json_gz_len;
    char etag[24];
};

void catalog_init(uint64_t seed, unsigned count);
void catalog_free(void);
unsigned catalog_count(void);
/* The product with this id (1-based), or NULL. */
const struct product *catalog_get(unsigned long id);

/* The product whose id is the decimal text s[0..n), or NULL. */
const struct product *catalog_lookup(const char *s, size_t n);

#endif
