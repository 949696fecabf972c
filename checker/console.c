#include "checker/console.h"

#include <string.h>

FILE *console_stream(const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (paths[i] && strcmp(paths[i], "-") == 0)
            return stderr;
    return stdout;
}
