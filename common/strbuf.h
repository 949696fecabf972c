/* A growing NUL-terminated string for building text of unknown length. */
#ifndef STORECHECK_COMMON_STRBUF_H
#define STORECHECK_COMMON_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *p; /* NULL until the first put */
    size_t len, cap;
};

void strbuf_put(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);
void strbuf_free(struct strbuf *b);

#endif
