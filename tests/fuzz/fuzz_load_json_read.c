/* The load result reader `storecheck merge` uses: any input is read or refused without a
 * crash or leak; what is read renders back into a document that reads again to the same
 * numbers and renders to the same text, and adds up with itself to twice them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen/result_merge.h"
#include "reports/load_json.h"
#include "reports/load_json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(const struct load_result *a, const struct load_result *b)
{
    if (a->totals.requests != b->totals.requests || a->totals.responses != b->totals.responses ||
        a->latency->total != b->latency->total || a->latency->sum != b->latency->sum ||
        a->latency->max != b->latency->max || a->step_count != b->step_count ||
        a->scenario_count != b->scenario_count || a->seconds_count != b->seconds_count ||
        a->segment.count != b->segment.count || strcmp(a->run_id, b->run_id) != 0 ||
        hist_percentile(a->latency, 99) != hist_percentile(b->latency, 99))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc;
    struct load_result r;
    struct load_json_source src;
    char err[256];
    if (load_json_read((const char *)data, size, &doc, &r, &src, err, sizeof err))
        return 0;
    struct load_json_meta meta = {.urls = src.urls,
                                  .url_count = src.url_count,
                                  .method = src.method,
                                  .headers = (const char *const *)src.headers,
                                  .header_count = src.header_count,
                                  .profile = src.profile,
                                  .outputs = src.outputs,
                                  .output_count = src.output_count,
                                  .output_segments = src.output_segments};
    char *text = load_json_render(&r, &meta);
    cJSON *doc2;
    struct load_result r2;
    struct load_json_source src2;
    if (load_json_read(text, strlen(text), &doc2, &r2, &src2, err, sizeof err))
        abort();
    same_or_abort(&r, &r2);
    struct load_json_meta meta2 = {.urls = src2.urls,
                                   .url_count = src2.url_count,
                                   .method = src2.method,
                                   .headers = (const char *const *)src2.headers,
                                   .header_count = src2.header_count,
                                   .profile = src2.profile,
                                   .outputs = src2.outputs,
                                   .output_count = src2.output_count,
                                   .output_segments = src2.output_segments};
    char *again = load_json_render(&r2, &meta2);
    if (strcmp(text, again) != 0)
        abort();
    free(again);
    uint64_t responses = r.totals.responses, count = r.latency->total;
    if (load_result_add(&r2, &r, 0, 0, err, sizeof err) || r2.totals.responses != 2 * responses ||
        r2.latency->total != 2 * count)
        abort();
    free(text);
    load_result_free(&r2);
    load_json_source_free(&src2);
    cJSON_Delete(doc2);
    load_result_free(&r);
    load_json_source_free(&src);
    cJSON_Delete(doc);
    return 0;
}
