/*
 * JSON paths: the input is a path, a newline, then a body. The path is compiled and evaluated
 * on the body, and so are a few fixed paths whose answers are compared with cJSON's:
 *  - when the scan reads the whole body and finds nothing, it has judged the body valid JSON:
 *    cJSON must parse it;
 *  - when both take the body for JSON, the string or number cJSON has at $, $.a, $[0] or
 *    $[-1] must be what the scanner finds there.
 * cJSON reads numbers more loosely ("0e", "1." and "01" go to strtod) and the scanner stops
 * at a first match without reading on, so values are compared only on bodies that a full scan
 * (a wildcard path) accepts and cJSON reads to the end.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/jsonpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does the body have an escape the two parsers treat differently on purpose? JSON's grammar
 * allows a lone UTF-16 surrogate, which cJSON refuses; cJSON ends a string at \u0000. */
static int has_odd_escape(const char *s, size_t n)
{
    for (size_t i = 0; i + 5 < n; i++) {
        if (s[i] != '\\' || s[i + 1] != 'u')
            continue;
        if ((s[i + 2] == 'd' || s[i + 2] == 'D') && s[i + 3] && strchr("89abcdefABCDEF", s[i + 3]))
            return 1;
        if (memcmp(s + i + 2, "0000", 4) == 0)
            return 1;
    }
    return 0;
}

static enum jp_status eval(struct jsonpath *p, const char *body, size_t len, struct rng *rng,
                           char *out, size_t cap, size_t *n)
{
    *n = SIZE_MAX;
    enum jp_status st = jsonpath_eval(p, body, len, rng, out, cap, n);
    if (st == JP_MATCH && *n > cap)
        abort();
    size_t zero;
    if (jsonpath_eval(p, body, len, rng, out, 0, &zero) == JP_MATCH && zero != 0)
        abort();
    return st;
}

/* The value cJSON has at fixed path i (see paths in LLVMFuzzerTestOneInput). */
static const cJSON *cjson_at(const cJSON *doc, int i)
{
    switch (i) {
    case 0:
        return doc;
    case 1:
        return cJSON_IsObject(doc) ? cJSON_GetObjectItemCaseSensitive(doc, "a") : NULL;
    case 2:
        return cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, 0) : NULL;
    case 3:
        return cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, cJSON_GetArraySize(doc) - 1) : NULL;
    }
    return NULL;
}

static void compare(const cJSON *v, enum jp_status st, const char *out, size_t n)
{
    if (!v || (!cJSON_IsString(v) && !cJSON_IsNumber(v)))
        return;
    if (st != JP_MATCH)
        abort();
    if (cJSON_IsString(v)) {
        if (strlen(v->valuestring) != n || memcmp(v->valuestring, out, n) != 0)
            abort();
    } else {
        char num[256];
        if (n >= sizeof num)
            return;
        memcpy(num, out, n);
        num[n] = '\0';
        if (strtod(num, NULL) != v->valuedouble)
            abort();
    }
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
    static char out[1 << 16];
    size_t n;
    struct parse_error err;
    struct jsonpath *p = jsonpath_compile(s, plen, &err);
    if (p)
        eval(p, body, blen, &rng, out, 64, &n);
    else if (err.col < 1 || !err.msg[0])
        abort();
    jsonpath_free(p);

    /* The scanner skips a byte order mark, which cJSON does not. */
    size_t bom = blen >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    int comparable = !memchr(body, '\0', blen) && !has_odd_escape(body, blen);
    const char *end = NULL;
    cJSON *doc = comparable ? cJSON_ParseWithLengthOpts(body + bom, blen - bom, &end, 0) : NULL;
    while (doc && end < body + blen && strchr(" \t\r\n", *end))
        end++;
    int cjson_whole = doc && end == body + blen;
    static const char *const paths[] = {"$[*]", "$.*.b[*]", "$", "$.a", "$[0]", "$[-1]"};
    int scan_valid = 0;
    for (int i = 0; i < 6; i++) {
        p = jsonpath_compile(paths[i], strlen(paths[i]), &err);
        enum jp_status st = eval(p, body, blen, &rng, out, sizeof out, &n);
        jsonpath_free(p);
        if (i == 0)
            scan_valid = st != JP_NOT_JSON;
        if (comparable && st == JP_NO_MATCH && !cjson_whole)
            abort();
        if (scan_valid && cjson_whole && i >= 2)
            compare(cjson_at(doc, i - 2), st, out, n);
    }
    cJSON_Delete(doc);
    return 0;
}
