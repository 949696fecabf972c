/* CSV feeders: parse any bytes; when they parse, every cell is reachable, picks stay in
 * range, and writing the cells back as CSV (every field quoted) parses to the same cells. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/feeder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every field quoted, quotes doubled, CRLF line ends. */
static char *write_csv(const struct feeder_data *f, size_t *len)
{
    size_t cap = 16, n = 0;
    for (size_t k = 0; k < (f->nrows + 1) * f->ncols; k++)
        cap += 2 * f->lens[k] + 4;
    char *out = malloc(cap);
    for (size_t k = 0; k < (f->nrows + 1) * f->ncols; k++) {
        out[n++] = '"';
        for (size_t i = 0; i < f->lens[k]; i++) {
            if (f->cells[k][i] == '"')
                out[n++] = '"';
            out[n++] = f->cells[k][i];
        }
        out[n++] = '"';
        if ((k + 1) % f->ncols) {
            out[n++] = ',';
        } else {
            out[n++] = '\r';
            out[n++] = '\n';
        }
    }
    *len = n;
    return out;
}

static void round_trip(const struct feeder_data *f)
{
    size_t len;
    char *text = write_csv(f, &len);
    struct parse_error err;
    struct feeder_data *g = feeder_parse(text, len, &err);
    if (!g || g->ncols != f->ncols || g->nrows != f->nrows)
        abort();
    for (size_t k = 0; k < (f->nrows + 1) * f->ncols; k++)
        if (g->lens[k] != f->lens[k] || memcmp(g->cells[k], f->cells[k], f->lens[k]) != 0)
            abort();
    feeder_free(g);
    free(text);
}

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
    size_t row;
    for (uint64_t i = 0; i < 8; i++) {
        uint64_t seq = 1 + 3 * i;
        if (feeder_pick(f, FEEDER_RANDOM, seq, &rng, &row) || row >= f->nrows)
            abort();
        if (feeder_pick(f, FEEDER_SEQUENTIAL, seq, NULL, &row) || row >= f->nrows)
            abort();
        if (feeder_pick(f, FEEDER_UNIQUE, seq, NULL, &row) == FEEDER_OK && row >= f->nrows)
            abort();
    }
    round_trip(f);
    feeder_free(f);
    return 0;
}
