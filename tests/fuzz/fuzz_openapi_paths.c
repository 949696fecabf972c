/* The OpenAPI path reader: any bytes. Every path it names must start with '/' and hold only
 * URL path characters, {{template}} braces and one ?name= query, so that it can be written
 * into a YAML double-quoted string as it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/openapi_paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "-._~/{}?=";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    static struct openapi_paths p;
    char err[200];
    if (openapi_paths_read(copy, size, &p, err, sizeof err) == 0) {
        for (int ep = 0; ep < EP_COUNT; ep++) {
            const char *s = p.paths[ep];
            size_t n = strnlen(s, OPENAPI_PATH_MAX);
            if (n == OPENAPI_PATH_MAX || (n && s[0] != '/') || strspn(s, allowed) != n)
                abort();
        }
    }
    free(copy);
    return 0;
}
