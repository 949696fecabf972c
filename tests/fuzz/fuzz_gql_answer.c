/* The readers of what a store answers: introspection schemas (probes/gql_facts.h), and the signs of internals in a body (probes/leaks.h), on any bytes.
 * They must never read past the input (the copy ends in the NUL they are given), their copies
 * stay NUL-terminated within their buffers, and the counts they give agree with each other. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/gql_facts.h"
#include "probes/leaks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char message[64], excerpt[48];
    struct gql_schema_facts f;
    if (gql_facts_schema(text, &f, message, sizeof message) == 0 &&
        (f.unexplained > f.deprecated || (f.unpaged == 0 && f.unpaged_example[0]) ||
         (f.unexplained == 0 && f.unexplained_example[0])))
        abort();
    if (leak_find(text, LEAK_ALL, excerpt, sizeof excerpt) && strlen(excerpt) >= sizeof excerpt)
        abort();
    free(text);
    return 0;
}
