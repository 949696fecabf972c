#include "probes/api_path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_path_prefix(const char *path, char *out, size_t len)
{
    out[0] = '\0';
    if (!path)
        return;
    size_t n = strcspn(path, "?");
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    snprintf(out, len, "%.*s", (int)n, path);
}

void api_path_child(const char *path, const char *leaf, char *out, size_t len)
{
    size_t n = strcspn(path, "?");
    while (n > 0 && path[n - 1] == '/')
        n--;
    snprintf(out, len, "%.*s/%s", (int)n, path, leaf);
}

int api_path_version(const char *path, size_t *at, size_t *len, long *num)
{
    size_t end = strcspn(path, "?");
    for (size_t i = 0; i + 2 < end; i++) {
        if (path[i] != '/' || path[i + 1] != 'v' || !isdigit((unsigned char)path[i + 2]))
            continue;
        size_t j = i + 2;
        while (j < end && isdigit((unsigned char)path[j]))
            j++;
        if (j == end || path[j] == '/') {
            *at = i + 1;
            *len = j - i - 1;
            *num = strtol(path + i + 2, NULL, 10);
            return 0;
        }
    }
    return -1;
}
