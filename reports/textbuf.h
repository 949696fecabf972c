/*
 * A growing text buffer for the renderers: append, printf, escape for HTML/XML. Aborts on out
 * of memory (common/oom.h) like the rest of the program, so callers check nothing.
 */
#ifndef STORECHECK_REPORTS_TEXTBUF_H
#define STORECHECK_REPORTS_TEXTBUF_H

#include <stddef.h>

struct textbuf {
    char *s; /* NUL-terminated once anything was added; NULL before */
    size_t len, cap;
};

void tb_add(struct textbuf *b, const char *s);
void tb_addn(struct textbuf *b, const char *s, size_t n);
void tb_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' as character references: safe as HTML/XML text and in quoted attribute
 * values. NULL adds nothing. Control characters other than tab and newline (not allowed in
 * XML 1.0) and bytes that are not well-formed UTF-8 become U+FFFD. */
void tb_add_escaped(struct textbuf *b, const char *s);
/* s as text in a Markdown table cell: no pipe or line break may end the cell, and no HTML
 * from the data may render (Markdown hosts render inline HTML). */
void tb_add_md_cell(struct textbuf *b, const char *s);
/* The text (never NULL; "" when empty); the buffer is left empty and owns nothing. */
char *tb_take(struct textbuf *b);
void tb_free(struct textbuf *b);

#endif
