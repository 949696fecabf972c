/*
 * Strict reading of the fields of a saved result document: every field present and of its
 * type, counts whole and exact, numbers finite. The first field that is not names itself in
 * the error ("steps[].latency_us.p99 is not a count"); later reads of a failed document
 * return zeros and NULLs, so a reader checks once at the end.
 */
#ifndef STORECHECK_REPORTS_JSON_FIELDS_H
#define STORECHECK_REPORTS_JSON_FIELDS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_FIELDS_MAX_EXACT 9007199254740992.0 /* 2^53: larger counts are not exact in JSON */

struct json_fields {
    char *err;
    size_t errlen;
    int failed;
};

/* Fail with the reason, unless already failed. */
void jf_fail(struct json_fields *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The field k of object o (where names o in the error), or NULL with a failure. */
const cJSON *jf_field(struct json_fields *rd, const cJSON *o, const char *k, const char *where);
/* A whole number 0..2^53. */
uint64_t jf_u64(struct json_fields *rd, const cJSON *o, const char *k, const char *where);
/* A finite number. */
double jf_num(struct json_fields *rd, const cJSON *o, const char *k, const char *where);
/* true or false. */
int jf_flag(struct json_fields *rd, const cJSON *o, const char *k, const char *where);
/* A string, or NULL (with a failure unless null_ok and it is null). */
const char *jf_str(struct json_fields *rd, const cJSON *o, const char *k, const char *where,
                   int null_ok);
const cJSON *jf_array(struct json_fields *rd, const cJSON *o, const char *k, const char *where);
const cJSON *jf_object(struct json_fields *rd, const cJSON *o, const char *k, const char *where);

#endif
