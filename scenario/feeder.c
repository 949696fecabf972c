#include "scenario/feeder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

/* Cells are first collected as offsets into a growing buffer, pointers fixed at the end. */
struct parse {
    const char *s;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    char *data;
    size_t data_len, data_cap;
    size_t *offs;
    uint32_t *lens;
    size_t ncells, cells_cap;
};

static int col_at(const struct parse *p, size_t pos)
{
    return (int)(pos - p->line_start) + 1;
}

static void put(struct parse *p, const char *s, size_t n)
{
    if (!n) /* an empty cell: data may still be NULL, and memcpy must not see it */
        return;
    if (p->data_len + n > p->data_cap) {
        p->data_cap = (p->data_len + n) * 2;
        p->data = xrealloc(p->data, p->data_cap);
    }
    memcpy(p->data + p->data_len, s, n);
    p->data_len += n;
}

static void start_cell(struct parse *p)
{
    if (p->ncells == p->cells_cap) {
        p->cells_cap = p->cells_cap ? p->cells_cap * 2 : 64;
        p->offs = xrealloc(p->offs, p->cells_cap * sizeof *p->offs);
        p->lens = xrealloc(p->lens, p->cells_cap * sizeof *p->lens);
    }
    p->offs[p->ncells] = p->data_len;
}

static int end_cell(struct parse *p, struct parse_error *err, size_t start)
{
    size_t n = p->data_len - p->offs[p->ncells];
    if (n > UINT32_MAX)
        return parse_error_set(err, p->line, col_at(p, start), "field too long");
    p->lens[p->ncells++] = (uint32_t)n;
    put(p, "", 1);
    return 0;
}

static void newline(struct parse *p, size_t nl_pos)
{
    p->line++;
    p->line_start = nl_pos + 1;
}

/* One field at p->pos; stops at the ',' or line end after it (not consumed). */
static int parse_field(struct parse *p, struct parse_error *err)
{
    const char *s = p->s;
    size_t start = p->pos;
    start_cell(p);
    if (p->pos < p->len && s[p->pos] == '"') {
        int open_line = p->line, open_col = col_at(p, start);
        p->pos++;
        for (;;) {
            if (p->pos == p->len)
                return parse_error_set(err, open_line, open_col, "quoted field is not closed");
            char c = s[p->pos];
            if (c == '"') {
                if (p->pos + 1 < p->len && s[p->pos + 1] == '"') {
                    put(p, "\"", 1);
                    p->pos += 2;
                    continue;
                }
                p->pos++;
                break;
            }
            if (c == '\n')
                newline(p, p->pos);
            put(p, &c, 1);
            p->pos++;
        }
        if (p->pos < p->len && s[p->pos] != ',' && s[p->pos] != '\n' &&
            !(s[p->pos] == '\r' && p->pos + 1 < p->len && s[p->pos + 1] == '\n'))
            return parse_error_set(err, p->line, col_at(p, p->pos),
                                   "unexpected '%c' after a closing quote", s[p->pos]);
        return end_cell(p, err, start);
    }
    size_t i = p->pos;
    while (i < p->len && s[i] != ',' && s[i] != '\n' &&
           !(s[i] == '\r' && i + 1 < p->len && s[i + 1] == '\n')) {
        if (s[i] == '"')
            return parse_error_set(err, p->line, col_at(p, i),
                                   "a quote inside an unquoted field (quote the whole field "
                                   "and double the quote)");
        i++;
    }
    put(p, s + p->pos, i - p->pos);
    p->pos = i;
    return end_cell(p, err, start);
}

/* Skip a line end at p->pos, if any. */
static void skip_eol(struct parse *p)
{
    if (p->pos < p->len && p->s[p->pos] == '\r')
        p->pos++;
    if (p->pos < p->len && p->s[p->pos] == '\n') {
        newline(p, p->pos);
        p->pos++;
    }
}

static int at_eol(const struct parse *p)
{
    return p->pos == p->len || p->s[p->pos] == '\n' ||
           (p->s[p->pos] == '\r' && p->pos + 1 < p->len && p->s[p->pos + 1] == '\n');
}

static void free_parse(struct parse *p)
{
    free(p->data);
    free(p->offs);
    free(p->lens);
}

struct feeder_data *feeder_parse(const char *text, size_t len, struct parse_error *err)
{
    struct parse p = {.s = text, .len = len, .line = 1};
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        p.pos = p.line_start = 3;
    size_t ncols = 0, nrows = 0;
    while (p.pos < len) {
        if (at_eol(&p)) { /* an empty line */
            skip_eol(&p);
            continue;
        }
        int rec_line = p.line;
        size_t fields = 0;
        for (;;) {
            if (parse_field(&p, err))
                goto fail;
            fields++;
            if (p.pos < len && text[p.pos] == ',') {
                p.pos++;
                continue;
            }
            break;
        }
        if (ncols == 0) {
            ncols = fields;
        } else if (fields != ncols) {
            parse_error_set(err, rec_line, 1, "row has %zu field%s, the header has %zu", fields,
                            fields == 1 ? "" : "s", ncols);
            goto fail;
        } else {
            nrows++;
        }
        skip_eol(&p);
    }
    if (ncols == 0) {
        parse_error_set(err, 1, 1, "empty file: expected a header row naming the columns");
        goto fail;
    }
    for (size_t c = 0; c < ncols; c++) {
        const char *name = p.data + p.offs[c];
        if (!*name) {
            parse_error_set(err, 1, 1, "column %zu has an empty name", c + 1);
            goto fail;
        }
        for (size_t d = 0; d < c; d++)
            if (strcmp(name, p.data + p.offs[d]) == 0) {
                parse_error_set(err, 1, 1, "column '%s' is named twice", name);
                goto fail;
            }
    }
    if (nrows == 0) {
        parse_error_set(err, p.line, 1, "no data rows after the header");
        goto fail;
    }
    struct feeder_data *f = xcalloc(1, sizeof *f);
    f->ncols = ncols;
    f->nrows = nrows;
    f->data = p.data;
    f->lens = p.lens;
    f->cells = xmalloc(p.ncells * sizeof *f->cells);
    for (size_t k = 0; k < p.ncells; k++)
        f->cells[k] = p.data + p.offs[k];
    f->names = f->cells;
    free(p.offs);
    return f;
fail:
    free_parse(&p);
    return NULL;
}

void feeder_free(struct feeder_data *f)
{
    if (!f)
        return;
    free(f->data);
    free(f->lens);
    free(f->cells);
    free(f);
}

struct feeder_data *feeder_load(const char *path, struct parse_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        parse_error_set(err, 0, 0, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            buf = xrealloc(buf, cap);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    int bad = ferror(fp);
    fclose(fp);
    struct feeder_data *f = NULL;
    if (bad)
        parse_error_set(err, 0, 0, "cannot read %s", path);
    else
        f = feeder_parse(buf ? buf : "", len, err);
    free(buf);
    return f;
}

int feeder_column(const struct feeder_data *f, const char *name)
{
    for (size_t c = 0; c < f->ncols; c++)
        if (strcmp(f->names[c], name) == 0)
            return (int)c;
    return -1;
}

int feeder_pick(const struct feeder_data *f, enum feeder_mode mode, uint64_t seq, struct rng *r,
                size_t *row)
{
    switch (mode) {
    case FEEDER_RANDOM:
        *row = (size_t)rng_below(r, f->nrows);
        return FEEDER_OK;
    case FEEDER_SEQUENTIAL:
        *row = (size_t)(seq % f->nrows);
        return FEEDER_OK;
    case FEEDER_UNIQUE:
        if (seq >= f->nrows)
            return FEEDER_EXHAUSTED;
        *row = (size_t)seq;
        return FEEDER_OK;
    }
    return FEEDER_EXHAUSTED;
}

void feeder_bind(const struct feeder_data *f, const char *prefix, struct vars_schema *schema,
                 int *ids)
{
    for (size_t c = 0; c < f->ncols; c++) {
        if (!prefix) {
            ids[c] = vars_schema_intern(schema, f->names[c], strlen(f->names[c]));
            continue;
        }
        size_t p = strlen(prefix), n = strlen(f->names[c]);
        char *name = xmalloc(p + 1 + n);
        memcpy(name, prefix, p);
        name[p] = '.';
        memcpy(name + p + 1, f->names[c], n);
        ids[c] = vars_schema_intern(schema, name, p + 1 + n);
        free(name);
    }
}

int feeder_set_vars(const struct feeder_data *f, size_t row, const int *ids, struct vars *v)
{
    for (size_t c = 0; c < f->ncols; c++) {
        size_t len;
        const char *s = feeder_cell(f, row, c, &len);
        if (vars_set(v, ids[c], s, len))
            return -1;
    }
    return 0;
}
