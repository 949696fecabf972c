#include "common/strv.h"

#include <stdlib.h>
#include <string.h>

void strv_add(struct arena *a, struct strv *v, const char *s)
{
    if (!*s)
        return;
    /* The capacity is implied: the array doubles whenever the count reaches a power of two. */
    if ((v->count & (v->count - 1)) == 0) {
        size_t cap = v->count ? v->count * 2 : 1;
        const char **items = arena_alloc(a, cap * sizeof *items);
        if (v->count)
            memcpy(items, v->items, v->count * sizeof *items);
        v->items = items;
    }
    v->items[v->count++] = s;
}

static int longest_first(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la > lb ? -1 : 1;
    return strcmp(a, b);
}

void strv_sort_unique(struct strv *v)
{
    if (v->count < 2)
        return;
    qsort(v->items, v->count, sizeof *v->items, longest_first);
    size_t out = 1;
    for (size_t i = 1; i < v->count; i++)
        if (strcmp(v->items[i], v->items[out - 1]) != 0)
            v->items[out++] = v->items[i];
    v->count = out;
}
