/* CSV feeders: parse any bytes; when they parse, every cell is reachable and picks stay in
 * range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen/feeder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parse_error err;
    struct feeder_data *f = feeder_parse((const char *)data, size, &err);
    if (!f) {
        if (err.line < 1 || err.col < 1 || !err.msg[0])
            abort();
        return 0;
    }
    if (f->ncols == 0 || f->nrows == 0)
        abort();
    size_t total = 0;
    for (size_t r = 0; r < f->nrows; r++) {
        for (size_t c = 0; c < f->ncols; c++) {
            size_t n;
            const char *cell = feeder_cell(f, r, c, &n);
            if (cell[n] != '\0')
                abort();
            total += n;
        }
    }
    if (total > size)
        abort();
    struct rng rng;
    rng_seed(&rng, size, 0);
    struct feeder_cursor cur;
    feeder_cursor_init(&cur, 1, 3);
    size_t row;
    for (int i = 0; i < 8; i++) {
        if (feeder_pick(f, FEEDER_RANDOM, &cur, &rng, &row) || row >= f->nrows)
            abort();
        if (feeder_pick(f, FEEDER_SEQUENTIAL, &cur, &rng, &row) || row >= f->nrows)
            abort();
        if (feeder_pick(f, FEEDER_UNIQUE, &cur, &rng, &row) == FEEDER_OK && row >= f->nrows)
            abort();
    }
    feeder_free(f);
    return 0;
}
