/*
 * Variables of one virtual user, and the names they are known by.
 *
 * Names are interned once at load time into a vars_schema (name -> small integer id), so
 * templates and extractions refer to a variable by id and the hot path never compares names.
 * A struct vars holds one value per id in a fixed-size byte area allocated once, at
 * vars_create; vars_set never allocates. Replacing a value reuses its space when the new one
 * fits, else appends, compacting the area when it runs out.
 */
#ifndef STORECHECK_SCENARIO_VARS_H
#define STORECHECK_SCENARIO_VARS_H

#include <stddef.h>
#include <stdint.h>

struct vars_schema {
    char **names;
    size_t count;
    size_t cap;
};

void vars_schema_init(struct vars_schema *s);
void vars_schema_free(struct vars_schema *s);
/* The id of name[0..len), added if new. */
int vars_schema_intern(struct vars_schema *s, const char *name, size_t len);
/* The id of name[0..len), or -1. */
int vars_schema_find(const struct vars_schema *s, const char *name, size_t len);

struct vars_slot {
    uint32_t off;
    uint32_t len;
    uint32_t room; /* bytes reserved at off; 0 with len 0 and off UINT32_MAX: unset */
};

struct vars {
    struct vars_slot *slots;
    size_t nslots;
    char *data;
    uint32_t cap;
    uint32_t used;
};

/* One allocation holding nslots values of at most data_cap bytes together; NULL if out of
 * memory or data_cap does not fit 32 bits. */
struct vars *vars_create(size_t nslots, size_t data_cap);
void vars_destroy(struct vars *v);
/* Unset every variable (e.g. at the start of an iteration). */
void vars_reset(struct vars *v);
/* Set variable id to val[0..len). 0, or -1 when the id is out of range or the values no
 * longer fit in data_cap bytes together (the old value is then unset). */
int vars_set(struct vars *v, int id, const char *val, size_t len);
/* The value of id (not NUL-terminated) and its length, or NULL when unset. */
static inline const char *vars_get(const struct vars *v, int id, size_t *len)
{
    if (id < 0 || (size_t)id >= v->nslots || v->slots[id].off == UINT32_MAX)
        return NULL;
    *len = v->slots[id].len;
    return v->data + v->slots[id].off;
}

#endif
