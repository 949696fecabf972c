/* --out and load.outputs items: parse any text; when it parses, the kind is known, the target
 * is a non-empty tail of the input and a URL target parses as a URL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/out_spec.h"
#include "common/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct out_spec o;
    char err[320] = "";
    if (out_spec_parse(text, &o, err, sizeof err) == 0) {
        if ((unsigned)o.kind >= OUT_KIND_COUNT || !o.target[0] || o.target <= text ||
            o.target > text + strlen(text) || o.target[-1] != '=')
            abort();
        struct url u;
        if (o.kind == OUT_PROMETHEUS_RW && url_parse(o.target, &u, err, sizeof err))
            abort();
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    free(text);
    return 0;
}
