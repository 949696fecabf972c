#include "loadgen/block_pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

enum { BIG = BLOCK_POOL_CLASSES, MIN_SHIFT = 5 };

/* Before each block: its class (BIG for malloc's own, with its size). 16 bytes keep the
 * block aligned. */
struct head {
    union {
        void *next;  /* while on a free list */
        size_t size; /* BIG */
    } u;
    uint32_t cls;
} __attribute__((aligned(16)));

/* The smallest class whose blocks hold size bytes (BIG when none does). */
static uint32_t class_of(size_t size)
{
    if (size <= (size_t)1 << MIN_SHIFT)
        return 0;
    uint32_t bits = 64 - (uint32_t)__builtin_clzll((unsigned long long)(size - 1));
    return bits - MIN_SHIFT < BIG ? bits - MIN_SHIFT : BIG;
}

static void *pool_malloc(size_t size, void *ud)
{
    struct block_pool *p = ud;
    uint32_t c = class_of(size);
    struct head *h = c < BIG ? p->free[c] : NULL;
    if (h)
        p->free[c] = h->u.next;
    else
        h = xmalloc(sizeof *h + (c < BIG ? (size_t)1 << (c + MIN_SHIFT) : size));
    h->cls = c;
    h->u.size = size;
    return h + 1;
}

static void pool_free(void *ptr, void *ud)
{
    struct block_pool *p = ud;
    if (!ptr)
        return;
    struct head *h = (struct head *)ptr - 1;
    uint32_t c = h->cls;
    if (c == BIG) {
        free(h);
        return;
    }
    h->u.next = p->free[c];
    p->free[c] = h;
}

static void *pool_calloc(size_t n, size_t size, void *ud)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *ptr = pool_malloc(n * size, ud);
    memset(ptr, 0, n * size);
    return ptr;
}

static void *pool_realloc(void *ptr, size_t size, void *ud)
{
    if (!ptr)
        return pool_malloc(size, ud);
    const struct head *h = (const struct head *)ptr - 1;
    uint32_t c = h->cls;
    if (c < BIG && size <= (size_t)1 << (c + MIN_SHIFT))
        return ptr;
    void *to = pool_malloc(size, ud);
    size_t old = c < BIG ? (size_t)1 << (c + MIN_SHIFT) : h->u.size;
    memcpy(to, ptr, old < size ? old : size);
    pool_free(ptr, ud);
    return to;
}

void block_pool_init(struct block_pool *p)
{
    memset(p, 0, sizeof *p);
    p->mem = (nghttp2_mem){p, pool_malloc, pool_free, pool_calloc, pool_realloc};
}

void block_pool_free(struct block_pool *p)
{
    for (int c = 0; c < BLOCK_POOL_CLASSES; c++)
        while (p->free[c]) {
            struct head *h = p->free[c];
            p->free[c] = h->u.next;
            free(h);
        }
}
