/*
 * GraphQL answers: any bytes are judged without reading outside them, and a failure's reason
 * and what it saw stay within their bounds, NUL-terminated and printable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/graphql_answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    if (!end)
        abort();
    for (; s < end; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"Error", "ErrorResult", ""};
    char *body = malloc(size ? size : 1); /* exactly size bytes, so ASan sees an overread */
    memcpy(body, data, size);
    struct graphql_failure f;
    enum graphql_verdict v = graphql_answer_judge(body, size, names, 3, &f);
    if (v != GRAPHQL_OK) {
        printable(f.reason, sizeof f.reason);
        printable(f.got, sizeof f.got);
    }
    free(body);
    return 0;
}
