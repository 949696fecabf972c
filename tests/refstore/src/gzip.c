#include "gzip.h"

#include <stdbool.h>
#include <stdlib.h>
#include <zlib.h>

#include "common/oom.h"

static z_stream stream;
static bool ready;

void gzip_compress(const void *data, size_t len, struct buf *out)
{
    if (!ready) {
        /* windowBits 15 + 16 asks for the gzip wrapper; level 5 is a fair speed/size point. */
        if (deflateInit2(&stream, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            oom_abort(sizeof stream);
        ready = true;
    } else {
        deflateReset(&stream);
    }
    size_t bound = deflateBound(&stream, (uLong)len);
    stream.next_in = (Bytef *)(uintptr_t)data;
    stream.avail_in = (uInt)len;
    stream.next_out = (Bytef *)buf_reserve(out, bound);
    stream.avail_out = (uInt)bound;
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END)
        abort(); /* cannot happen with deflateBound's room */
    out->len += bound - stream.avail_out;
}
