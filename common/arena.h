/*
 * A bump allocator for data that lives and dies together (a loaded config, a probe's
 * evidence). Allocation failure aborts: these are small, bounded structures.
 */
#ifndef STORECHECK_COMMON_ARENA_H
#define STORECHECK_COMMON_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
};

/* An empty arena needs no allocation: struct arena a = {0}; works as well. */
void arena_init(struct arena *a);
/* Free every block; the arena is empty and reusable afterwards. */
void arena_free(struct arena *a);
/* Zeroed, max-aligned memory owned by the arena. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
