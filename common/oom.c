#include "common/oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/exit_codes.h"

_Noreturn void oom_abort(size_t wanted)
{
    fprintf(stderr, "storecheck: out of memory (wanted %zu bytes)\n", wanted);
    exit(EXIT_RUN_ERROR);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom_abort(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom_abort(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom_abort(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}
