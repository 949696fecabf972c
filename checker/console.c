#include "checker/console.h"

#include <string.h>

static size_t on_stdout(const char *const *paths, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += paths[i] && strcmp(paths[i], "-") == 0;
    return count;
}

FILE *console_stream(const char *const *paths, size_t n)
{
    return on_stdout(paths, n) ? stderr : stdout;
}

int console_check(const struct command *cmd, const char *const *paths, size_t n)
{
    if (on_stdout(paths, n) <= 1)
        return 0;
    return cli_usage_error(cmd,
                           "%zu reports would go to stdout (-): one at most, the others "
                           "to files",
                           on_stdout(paths, n));
}
