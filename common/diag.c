#include "common/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

void diag_list_init(struct diag_list *l)
{
    memset(l, 0, sizeof *l);
}

void diag_list_free(struct diag_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].file);
        free(l->items[i].key_path);
        free(l->items[i].message);
    }
    free(l->items);
    diag_list_init(l);
}

void diag_add(struct diag_list *l, const char *file, int line, int col, const char *key_path,
              const char *fmt, ...)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    struct diag *d = &l->items[l->count++];
    d->file = file ? xstrdup(file) : NULL;
    d->line = line;
    d->col = col;
    d->key_path = key_path && *key_path ? xstrdup(key_path) : NULL;
    d->message = msg;
}

void diag_format(const struct diag *d, char *buf, size_t len)
{
    size_t used = 0;
#define PUT(...)                                                                            \
    do {                                                                                    \
        int w_ = snprintf(buf + used, used < len ? len - used : 0, __VA_ARGS__);            \
        if (w_ > 0)                                                                         \
            used += (size_t)w_;                                                             \
    } while (0)
    if (len)
        buf[0] = '\0';
    if (d->file)
        PUT("%s:", d->file);
    if (d->line > 0)
        PUT("%d:%d:", d->line, d->col);
    if (used)
        PUT(" ");
    if (d->key_path)
        PUT("%s: ", d->key_path);
    PUT("%s", d->message);
#undef PUT
}

void diag_list_print(const struct diag_list *l, FILE *out)
{
    char buf[2048];
    for (size_t i = 0; i < l->count; i++) {
        diag_format(&l->items[i], buf, sizeof buf);
        fprintf(out, "%s\n", buf);
    }
}
