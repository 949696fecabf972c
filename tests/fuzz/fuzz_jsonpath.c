/*
 * JSON paths: the input is a path, a newline, then a body. The path is compiled (or a fixed
 * set of paths is used when it does not compile) and evaluated on the body. When the scan
 * reads the whole body and finds nothing it has judged the body valid JSON: cJSON must agree.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen/jsonpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void eval(struct jsonpath *p, const char *body, size_t len, struct rng *rng)
{
    char out[64];
    size_t n = SIZE_MAX;
    enum jp_status st = jsonpath_eval(p, body, len, rng, out, sizeof out, &n);
    if (st == JP_MATCH && n > sizeof out)
        abort();
    if (st == JP_NO_MATCH) {
        cJSON *doc = cJSON_ParseWithLength(body, len);
        if (!doc && len && memchr(body, '\0', len) == NULL)
            abort();
        cJSON_Delete(doc);
    }
    char tiny[1];
    st = jsonpath_eval(p, body, len, rng, tiny, 0, &n);
    if (st == JP_MATCH && n != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t plen = nl ? (size_t)(nl - s) : size;
    const char *body = nl ? nl + 1 : s + size;
    size_t blen = size - plen - (nl ? 1 : 0);
    struct rng rng;
    rng_seed(&rng, 1, 0);
    struct parse_error err;
    struct jsonpath *p = jsonpath_compile(s, plen, &err);
    if (p) {
        eval(p, body, blen, &rng);
        jsonpath_free(p);
        return 0;
    }
    if (err.col < 1 || !err.msg[0])
        abort();
    static const char *const fixed[] = {"$", "$.a", "$[0]", "$[-1]", "$[*]", "$.*.b[*]"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        p = jsonpath_compile(fixed[i], strlen(fixed[i]), &err);
        eval(p, body, blen, &rng);
        jsonpath_free(p);
    }
    return 0;
}
