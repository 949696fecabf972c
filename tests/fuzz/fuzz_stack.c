/* Recognising the stack from headers: any bytes, read as "Name: value" lines. The product-token
 * reader must always move forward and stay inside the value; recognition must name each
 * product at most once, edge inward, with evidence that fits its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_LINES = 64 };

static void check_products(const char *value)
{
    const char *p = value, *end = value + strlen(value);
    char name[16];
    while (p < end) {
        const char *before = p;
        if (stack_next_product(&p, name, sizeof name) != 0)
            break;
        if (p <= before || p > end || strlen(name) >= sizeof name)
            abort();
    }
    if (p > end)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct http_header h[MAX_LINES];
    size_t n = 0;
    for (char *line = text; line && *line && n < MAX_LINES;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            h[n++] = (struct http_header){line, colon + 1 + strspn(colon + 1, " ")};
            check_products(h[n - 1].value);
        }
        line = next;
    }
    struct stack_report st;
    memset(&st, 0, sizeof st);
    stack_recognise(h, n, &st);
    if (st.count > STACK_COUNT)
        abort();
    for (size_t i = 0; i < st.count; i++) {
        if (i && st.components[i].id <= st.components[i - 1].id)
            abort();
        if (!memchr(st.components[i].evidence, '\0', sizeof st.components[i].evidence))
            abort();
    }
    free(text);
    return 0;
}
