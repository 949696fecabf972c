/*
 * Check expressions: the input is an expression, a newline, then a body. The expression is
 * compiled (a failure must say where and why) and, when it compiles, evaluated on the body
 * and on a fixed head: what a failed check reports stays within its bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t elen = nl ? (size_t)(nl - s) : size;
    const char *body = nl ? nl + 1 : s + size;
    size_t blen = size - elen - (nl ? 1 : 0);
    struct parse_error err = {0};
    struct check *c = check_compile(s, elen, &err);
    if (!c) {
        if (err.col < 1 || (size_t)err.col > elen + 1 || !err.msg[0])
            abort();
        return 0;
    }
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";
    struct response_view rv = {head, sizeof head - 1, body, blen};
    struct rng rng;
    rng_seed(&rng, 1, 0);
    char scratch[128], got[CHECK_GOT_MAX];
    memset(got, 1, sizeof got);
    int r = check_eval(c, &rv, &rng, scratch, sizeof scratch, got);
    if (r != 0 && r != 1)
        abort();
    if (r == 0 && !memchr(got, '\0', sizeof got))
        abort();
    check_free(c);
    return 0;
}
