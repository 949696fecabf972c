#include "config/keypath.h"

#include <stdarg.h>
#include <stdio.h>

void keypath_init(struct keypath *p)
{
    p->buf[0] = '\0';
    p->len = 0;
}

__attribute__((format(printf, 2, 3))) static size_t append(struct keypath *p, const char *fmt, ...)
{
    size_t mark = p->len;
    size_t room = sizeof p->buf - p->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p->buf + p->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len += (size_t)n < room ? (size_t)n : room - 1;
    return mark;
}

size_t keypath_push_key(struct keypath *p, const char *key)
{
    return append(p, p->len ? ".%s" : "%s", key);
}

size_t keypath_push_index(struct keypath *p, size_t index)
{
    return append(p, "[%zu]", index);
}

void keypath_pop(struct keypath *p, size_t mark)
{
    if (mark <= p->len) {
        p->len = mark;
        p->buf[mark] = '\0';
    }
}
