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

/* Does the body escape a UTF-16 surrogate (\uD800-\uDFFF)? JSON's grammar allows a lone one;
 * cJSON refuses it, so the two parsers are not compared on such bodies. */
static int has_surrogate_escape(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (s[i] == '\\' && s[i + 1] == 'u' && (s[i + 2] == 'd' || s[i + 2] == 'D') &&
            s[i + 3] && strchr("89abcdefABCDEF", s[i + 3]))
            return 1;
    return 0;
}

static void eval(struct jsonpath *p, const char *body, size_t len, struct rng *rng)
{
    char out[64];
    size_t n = SIZE_MAX;
    enum jp_status st = jsonpath_eval(p, body, len, rng, out, sizeof out, &n);
    if (st == JP_MATCH && n > sizeof out)
        abort();
    if (st == JP_NO_MATCH) {
        /* The scanner skips a byte order mark, which cJSON does not. */
        size_t bom = len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        cJSON *doc = cJSON_ParseWithLength(body + bom, len - bom);
        if (!doc && memchr(body, '\0', len) == NULL && !has_surrogate_escape(body, len))
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
