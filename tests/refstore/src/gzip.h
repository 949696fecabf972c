/* gzip compression of response bodies (zlib, one reused stream). */
#ifndef REFSTORE_GZIP_H
#define REFSTORE_GZIP_H

#include <stddef.h>

#include "buf.h"

/* Appends the gzip form of data to out. */
void gzip_compress(const void *data, size_t len, struct buf *out);

#endif
