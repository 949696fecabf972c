#include "reports/json_fields.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

void jf_fail(struct json_fields *rd, const char *fmt, ...)
{
    if (rd->failed)
        return;
    rd->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err, rd->errlen, fmt, ap);
    va_end(ap);
}

const cJSON *jf_field(struct json_fields *rd, const cJSON *o, const char *k, const char *where)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    if (!v)
        jf_fail(rd, "%s.%s is missing", where, k);
    return v;
}

uint64_t jf_u64(struct json_fields *rd, const cJSON *o, const char *k, const char *where)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (!v)
        return 0;
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || !(d >= 0) || d > JSON_FIELDS_MAX_EXACT || d != floor(d)) {
        jf_fail(rd, "%s.%s is not a count", where, k);
        return 0;
    }
    return (uint64_t)d;
}

double jf_num(struct json_fields *rd, const cJSON *o, const char *k, const char *where)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (v && (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))) {
        jf_fail(rd, "%s.%s is not a number", where, k);
        return 0;
    }
    return v ? v->valuedouble : 0;
}

int jf_flag(struct json_fields *rd, const cJSON *o, const char *k, const char *where)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (v && !cJSON_IsBool(v))
        jf_fail(rd, "%s.%s is not true or false", where, k);
    return v && cJSON_IsTrue(v);
}

const char *jf_str(struct json_fields *rd, const cJSON *o, const char *k, const char *where,
                   int null_ok)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (v && cJSON_IsString(v))
        return v->valuestring;
    if (v && !(null_ok && cJSON_IsNull(v)))
        jf_fail(rd, "%s.%s is not a string", where, k);
    return NULL;
}

const cJSON *jf_array(struct json_fields *rd, const cJSON *o, const char *k, const char *where)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (v && !cJSON_IsArray(v)) {
        jf_fail(rd, "%s.%s is not an array", where, k);
        return NULL;
    }
    return v;
}

const cJSON *jf_object(struct json_fields *rd, const cJSON *o, const char *k, const char *where)
{
    const cJSON *v = jf_field(rd, o, k, where);
    if (v && !cJSON_IsObject(v)) {
        jf_fail(rd, "%s.%s is not an object", where, k);
        return NULL;
    }
    return v;
}
