#include "reports/outputs_json.h"

#include <string.h>

#include "common/oom.h"
#include "reports/load_json_parts.h"

enum { MAX_OUTPUTS = 4096 };

cJSON *outputs_json(const struct out_stats *outputs, size_t n, const uint32_t *segments,
                    const struct strv *secrets)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        const struct out_stats *st = &outputs[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", out_kind_names[st->kind]);
        load_json_add_redacted(o, "target", st->target, secrets);
        if (segments)
            cJSON_AddNumberToObject(o, "segment", segments[i]);
        load_json_add_u64(o, "sent", st->sent);
        load_json_add_u64(o, "dropped", st->dropped);
        load_json_add_u64(o, "failed", st->failed);
        load_json_add_redacted(o, "error", st->error[0] ? st->error : NULL, secrets);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static enum out_kind kind_of(struct json_fields *rd, const char *name)
{
    for (int k = 0; name && k < OUT_KIND_COUNT; k++)
        if (strcmp(name, out_kind_names[k]) == 0)
            return (enum out_kind)k;
    if (name)
        jf_fail(rd, "outputs[].kind is not json, csv or prometheus-rw");
    return OUT_JSON;
}

void outputs_json_read(struct json_fields *rd, const cJSON *doc, struct out_stats **outputs,
                       uint32_t **segments, size_t *n)
{
    uint32_t *segment_of = NULL;
    *outputs = NULL;
    *n = 0;
    if (segments)
        *segments = NULL;
    if (!cJSON_GetObjectItemCaseSensitive(doc, "outputs"))
        return;
    const cJSON *a = jf_array(rd, doc, "outputs", "result"), *o;
    int count = cJSON_GetArraySize(a);
    if (count > MAX_OUTPUTS) {
        jf_fail(rd, "more than %d outputs", MAX_OUTPUTS);
        return;
    }
    *outputs = xcalloc((size_t)count + 1, sizeof **outputs);
    if (segments && count && cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a, 0), "segment"))
        *segments = segment_of = xcalloc((size_t)count, sizeof *segment_of);
    const char *w = "outputs[]";
    cJSON_ArrayForEach(o, a)
    {
        struct out_stats *st = &(*outputs)[*n];
        st->kind = kind_of(rd, jf_str(rd, o, "kind", w, 0));
        st->target = jf_str(rd, o, "target", w, 0);
        if (segment_of) {
            uint64_t segment = jf_u64(rd, o, "segment", w);
            if (segment > UINT32_MAX)
                jf_fail(rd, "outputs[].segment is above %u", UINT32_MAX);
            segment_of[*n] = (uint32_t)segment;
        }
        st->sent = jf_u64(rd, o, "sent", w);
        st->dropped = jf_u64(rd, o, "dropped", w);
        st->failed = jf_u64(rd, o, "failed", w);
        const char *error = jf_str(rd, o, "error", w, 1);
        if (error && strlen(error) >= sizeof st->error)
            jf_fail(rd, "outputs[].error is longer than %zu bytes", sizeof st->error - 1);
        else if (error)
            memcpy(st->error, error, strlen(error) + 1);
        if (rd->failed)
            return;
        ++*n;
    }
}
