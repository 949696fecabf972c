/*
 * Memory for a worker's HTTP/2 sessions (an nghttp2_mem): blocks in power-of-two size classes
 * from 32 B to 64 KiB, kept on per-class free lists when freed, so the allocations nghttp2
 * makes per stream (the stream, its header copies, its frames) reuse blocks freed by earlier
 * streams instead of reaching malloc once the run is warm. Larger blocks go to malloc.
 * One thread: no locks. What the lists hold is released with block_pool_free.
 */
#ifndef STORECHECK_LOADGEN_BLOCK_POOL_H
#define STORECHECK_LOADGEN_BLOCK_POOL_H

#include <nghttp2/nghttp2.h>

enum { BLOCK_POOL_CLASSES = 12 }; /* 32 B << 0 .. 32 B << 11 = 64 KiB */

struct block_pool {
    void *free[BLOCK_POOL_CLASSES];
    nghttp2_mem mem; /* for nghttp2_session_client_new3 */
};

void block_pool_init(struct block_pool *p);
void block_pool_free(struct block_pool *p);

#endif
