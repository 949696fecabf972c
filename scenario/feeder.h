/*
 * CSV data feeders: a file read once at load time whose columns become variables, shared
 * read-only by every thread, with a row picked per use.
 *
 * The file is RFC 4180 CSV: a header row naming the columns, then rows with as many fields;
 * fields separated by ',', optionally quoted with '"' (a quote inside is written twice, a
 * quoted field may span lines); lines end in CRLF or LF; empty lines are skipped (write ""
 * for an empty value in a one-column file); a UTF-8 byte order mark is ignored.
 *
 * Picking (enum feeder_mode in config/config.h):
 *   FEEDER_RANDOM      any row, uniformly, from the caller's PRNG
 *   FEEDER_SEQUENTIAL  row seq mod rows: rows in order, wrapping around
 *   FEEDER_UNIQUE      row seq, once; FEEDER_EXHAUSTED past the last row
 * The caller gives each use its run-wide number seq (scenario/vu.h), so threads and segments
 * share no counter and a row never repeats across them.
 */
#ifndef STORECHECK_SCENARIO_FEEDER_H
#define STORECHECK_SCENARIO_FEEDER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "scenario/parse_error.h"
#include "scenario/rng.h"
#include "scenario/vars.h"

struct feeder_data {
    size_t ncols;
    size_t nrows;
    const char **names; /* column names: the header row, cells[0..ncols) */
    const char **cells; /* row-major, (1 + nrows) * ncols, each NUL-terminated */
    uint32_t *lens;     /* length of each cell */
    char *data;         /* owns the text of the cells */
};

/* Parse CSV text. NULL with err (line:col within the text) when it is not valid. */
struct feeder_data *feeder_parse(const char *text, size_t len, struct parse_error *err);
/* Read and parse a file; an I/O error has line 0. */
struct feeder_data *feeder_load(const char *path, struct parse_error *err);
void feeder_free(struct feeder_data *f);

/* Index of a column, or -1. */
int feeder_column(const struct feeder_data *f, const char *name);

static inline const char *feeder_cell(const struct feeder_data *f, size_t row, size_t col,
                                      size_t *len)
{
    size_t k = (row + 1) * f->ncols + col;
    *len = f->lens[k];
    return f->cells[k];
}

enum { FEEDER_OK = 0, FEEDER_EXHAUSTED = -1 };

/* Pick the row of use number seq into *row. FEEDER_EXHAUSTED only in FEEDER_UNIQUE mode. r is
 * used only by FEEDER_RANDOM (it may be NULL otherwise). */
int feeder_pick(const struct feeder_data *f, enum feeder_mode mode, uint64_t seq, struct rng *r,
                size_t *row);

/* Intern each column as a variable: ids[col] (ids has ncols entries). The variable is named
 * after the column, or "prefix.column" when prefix is not NULL (the feeder's name, so that
 * {{users.email}} and {{email}} may both be offered: bind twice, set both). */
void feeder_bind(const struct feeder_data *f, const char *prefix, struct vars_schema *schema,
                 int *ids);
/* Set the variables of row; 0, or -1 when they do not fit in v. */
int feeder_set_vars(const struct feeder_data *f, size_t row, const int *ids, struct vars *v);

#endif
