/*
 * The key path of a config value as diagnostics print it: "load.scenarios.browse[0].path".
 * A fixed buffer: a path longer than it is cut short, never overflowed.
 */
#ifndef STORECHECK_CONFIG_KEYPATH_H
#define STORECHECK_CONFIG_KEYPATH_H

#include <stddef.h>

struct keypath {
    char buf[512];
    size_t len;
};

void keypath_init(struct keypath *p);
/* Append ".key" (or "key" at the top) / "[i]". Each returns a mark for keypath_pop. */
size_t keypath_push_key(struct keypath *p, const char *key);
size_t keypath_push_index(struct keypath *p, size_t index);
/* Return to the length a push returned. */
void keypath_pop(struct keypath *p, size_t mark);

#endif
