/*
 * A request source that cycles through a fixed list of requests built before the run (the
 * URLs of a `load` run). It holds no state of its own: the position is the caller's cursor,
 * so one list serves every worker.
 */
#ifndef STORECHECK_LOADGEN_REQUEST_LIST_H
#define STORECHECK_LOADGEN_REQUEST_LIST_H

#include <stddef.h>

#include "loadgen/source.h"

struct request_list {
    struct request_source base;
    const struct request *requests;
    size_t count;
};

void request_list_init(struct request_list *l, const struct request *requests, size_t count);

#endif
