#ifndef STORECHECK_COMMON_OOM_H
#define STORECHECK_COMMON_OOM_H

#include <stddef.h>

/* Out of memory for a structure the program cannot run without: say so and exit 3. */
_Noreturn void oom_abort(size_t wanted);

/* malloc/calloc/realloc that call oom_abort instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
