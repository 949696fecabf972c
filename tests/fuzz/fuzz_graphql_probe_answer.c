/* The GraphQL answer reader: any bytes, as a store's answer to a probe. It must never read past
 * the input (the copy has no NUL after it); what it calls an answer has data or errors; the
 * excerpts it writes are NUL-terminated within their buffers; a batch never counts more
 * answers than the input has bytes; read as a schema, it never picks a recursive field without a
 * root field to reach it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/graphql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct gql_answer a;
    if (gql_read(copy, size, &a) == 0) {
        if (!a.data && !a.errors)
            abort();
        if ((gql_error_count(&a) > 0) != (a.errors != NULL))
            abort();
        for (size_t i = 0; i <= gql_error_count(&a); i++) {
            const char *m = gql_error_message(&a, i);
            if (i == gql_error_count(&a) && m)
                abort();
        }
        gql_data_at(&a, "__schema.queryType.name");
        gql_data_at(&a, "__typename");
        char out[64];
        memset(out, 'x', sizeof out);
        if (gql_suggestion(&a, out, sizeof out) && !memchr(out, '\0', sizeof out))
            abort();
        memset(out, 'x', sizeof out);
        if (gql_extensions_leak(&a, out, sizeof out) && !memchr(out, '\0', sizeof out))
            abort();
    }
    gql_answer_free(&a);
    if (gql_batch_executed(copy, size) > size)
        abort();
    /* The same bytes as an introspection answer: a recursive field needs a root field. */
    struct gql_schema s;
    if (gql_schema_parse(copy, size, &s) == 0 && s.recursive && !s.root_field)
        abort();
    gql_schema_free(&s);
    free(copy);
    return 0;
}
