/*
 * Carts: create, add an item, view. Kept in a fixed ring (the oldest cart is forgotten when
 * it is full), so a long load test cannot grow memory without bound.
 */
#ifndef REFSTORE_CARTS_H
#define REFSTORE_CARTS_H

#include <stddef.h>

#include "buf.h"
#include "exchange.h"
#include "ids.h"

#define CART_LINES_MAX 32

struct cart_line {
    unsigned product_id, quantity, price_cents;
};

struct cart {
    uint32_t seq; /* 0: free slot */
    char id[20];
    struct cart_line lines[CART_LINES_MAX];
    unsigned num_lines;
    char owner[IDS_RANDOM_LEN]; /* --headless: the session token that made it */
    uint32_t order_seq;          /* idempotent-by-cart: the order made of it, 0: none yet */
};

void carts_init(void);
void carts_free(void);
/* The cart with this public id, or NULL. */
struct cart *carts_find(const char *id, size_t n);
unsigned long carts_total_cents(const struct cart *c);
/* Appends the cart's items array as JSON. */
void carts_items_json(const struct cart *c, struct buf *b);

void carts_create(struct exchange *x, const char *param, size_t plen);
void carts_get(struct exchange *x, const char *param, size_t plen);
void carts_add_item(struct exchange *x, const char *param, size_t plen);

#endif
