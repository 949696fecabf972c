/*
 * Public ids of carts and orders: a prefix, the 8-hex sequence number and an 8-hex keyed tag,
 * so ids cannot be enumerated by counting, yet map straight to their slot without a lookup.
 */
#ifndef REFSTORE_IDS_H
#define REFSTORE_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDS_LEN 19 /* "c_" + 16 hex + NUL */

#define IDS_RANDOM_LEN 33 /* 32 hex digits + NUL */

void ids_init(void);
/* 128 random bits as hex: session ids, tokens, event ids. */
void ids_random(char out[IDS_RANDOM_LEN]);
void ids_make(char prefix, uint32_t seq, char out[IDS_LEN]);
/* The sequence number of a well-formed id with this prefix and a valid tag. */
bool ids_parse(char prefix, const char *s, size_t n, uint32_t *seq);

#endif
