/* A list of strings, and growing one inside an arena. */
#ifndef STORECHECK_COMMON_STRV_H
#define STORECHECK_COMMON_STRV_H

#include <stddef.h>

#include "common/arena.h"

struct strv {
    const char **items;
    size_t count;
};

/* Append s, unless it is empty. s is not copied: it must outlive the list. */
void strv_add(struct arena *a, struct strv *v, const char *s);

/* Sort longest first (so a secret is replaced before any shorter secret inside it) and drop
 * repeats. */
void strv_sort_unique(struct strv *v);

#endif
