#include "loadgen/request_list.h"

#include <string.h>

static const struct request *list_next(struct request_source *s, struct lg_slot *slot,
                                       uint64_t *cursor, uint64_t *intended, uint64_t now)
{
    const struct request_list *l = (const struct request_list *)s;
    const struct request *r = &l->requests[*cursor % l->count];
    ++*cursor;
    return r;
}

static const struct request_source_ops list_ops = {.next = list_next};

void request_list_init(struct request_list *l, const struct request *requests, size_t count)
{
    memset(l, 0, sizeof *l);
    l->base.ops = &list_ops;
    l->requests = requests;
    l->count = count;
}
