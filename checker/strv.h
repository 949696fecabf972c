/* Growing a struct strv (common/config.h) inside an arena. */
#ifndef STORECHECK_CHECKER_STRV_H
#define STORECHECK_CHECKER_STRV_H

#include "common/arena.h"
#include "common/config.h"

/* Append s, unless it is empty. s is not copied: it must outlive the list. */
void strv_add(struct arena *a, struct strv *v, const char *s);

/* Sort longest first (so a secret is replaced before any shorter secret inside it) and drop
 * repeats. */
void strv_sort_unique(struct strv *v);

#endif
