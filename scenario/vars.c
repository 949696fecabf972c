#include "scenario/vars.h"

#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

void vars_schema_init(struct vars_schema *s)
{
    memset(s, 0, sizeof *s);
}

void vars_schema_free(struct vars_schema *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->names[i]);
    free(s->names);
    vars_schema_init(s);
}

int vars_schema_find(const struct vars_schema *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->count; i++)
        if (strncmp(s->names[i], name, len) == 0 && s->names[i][len] == '\0')
            return (int)i;
    return -1;
}

int vars_schema_intern(struct vars_schema *s, const char *name, size_t len)
{
    int id = vars_schema_find(s, name, len);
    if (id >= 0)
        return id;
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->names = xrealloc(s->names, s->cap * sizeof *s->names);
    }
    char *copy = xmalloc(len + 1);
    memcpy(copy, name, len);
    copy[len] = '\0';
    s->names[s->count] = copy;
    return (int)s->count++;
}

struct vars *vars_create(size_t nslots, size_t data_cap)
{
    if (data_cap >= UINT32_MAX ||
        nslots > (SIZE_MAX - sizeof(struct vars) - data_cap) / sizeof(struct vars_slot))
        return NULL;
    struct vars *v = malloc(sizeof *v + nslots * sizeof *v->slots + data_cap);
    if (!v)
        return NULL;
    v->slots = (struct vars_slot *)(v + 1);
    v->nslots = nslots;
    v->data = (char *)(v->slots + nslots);
    v->cap = (uint32_t)data_cap;
    vars_reset(v);
    return v;
}

void vars_destroy(struct vars *v)
{
    free(v);
}

void vars_reset(struct vars *v)
{
    for (size_t i = 0; i < v->nslots; i++)
        v->slots[i] = (struct vars_slot){UINT32_MAX, 0, 0};
    v->used = 0;
}

/* Move the live values to the front, in offset order, dropping the holes between them. */
static void compact(struct vars *v)
{
    uint32_t pos = 0;
    for (;;) {
        /* The set value with the lowest offset at or after pos still to move. */
        struct vars_slot *next = NULL;
        for (size_t i = 0; i < v->nslots; i++) {
            struct vars_slot *s = &v->slots[i];
            if (s->off != UINT32_MAX && s->off >= pos && (!next || s->off < next->off))
                next = s;
        }
        if (!next)
            break;
        memmove(v->data + pos, v->data + next->off, next->len);
        next->off = pos;
        next->room = next->len;
        pos += next->len;
    }
    v->used = pos;
}

int vars_set(struct vars *v, int id, const char *val, size_t len)
{
    if (id < 0 || (size_t)id >= v->nslots)
        return -1;
    struct vars_slot *s = &v->slots[id];
    if (s->off != UINT32_MAX && len <= s->room) {
        memmove(v->data + s->off, val, len);
        s->len = (uint32_t)len;
        return 0;
    }
    *s = (struct vars_slot){UINT32_MAX, 0, 0};
    if (len > v->cap - v->used) {
        /* val may point into our own area (copying one variable to another): keep it safe
         * by compacting only when it does not. */
        if (val >= v->data && val < v->data + v->cap)
            return -1;
        compact(v);
        if (len > v->cap - v->used)
            return -1;
    }
    memmove(v->data + v->used, val, len);
    *s = (struct vars_slot){v->used, (uint32_t)len, (uint32_t)len};
    v->used += (uint32_t)len;
    return 0;
}
