/*
 * A growable byte buffer. Memory is kept across buf_reset so a connection's buffers stop
 * allocating once they have grown to the size of its largest message.
 */
#ifndef REFSTORE_BUF_H
#define REFSTORE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

void buf_free(struct buf *b);
static inline void buf_reset(struct buf *b)
{
    b->len = 0;
}
/* Make room for n more bytes; returns the write position. */
char *buf_reserve(struct buf *b, size_t n);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_put_u64(struct buf *b, uint64_t v);
/* Appends s as the inside of a JSON string (no quotes), escaping as needed. */
void buf_json_str(struct buf *b, const char *s, size_t n);
/* Appends s with &, <, >, " and ' escaped for HTML. */
void buf_html(struct buf *b, const char *s, size_t n);
/* The first occurrence of needle in hay[0..n), or NULL. */
const char *mem_find(const char *hay, size_t n, const char *needle);
/* Drop the first n bytes. */
void buf_consume(struct buf *b, size_t n);

#endif
