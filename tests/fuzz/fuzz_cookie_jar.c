/* Cookie jar: any response head updates a small jar; the Cookie header it gives back always
 * fits what was stored, and holds no line breaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/cookie_jar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cookie_jar *j = cookie_jar_create(4, 64);
    cookie_jar_update(j, (const char *)data, size, 1445412480);
    cookie_jar_update(j, (const char *)data, size, 0);
    if (cookie_jar_count(j) > 4)
        abort();
    char buf[64 + 3 * 2];
    size_t n;
    if (cookie_jar_header(j, buf, sizeof buf, &n) != 0 || n > sizeof buf)
        abort();
    if (memchr(buf, '\n', n) || memchr(buf, '\r', n))
        abort();
    cookie_jar_destroy(j);
    return 0;
}
