/* The capacity result reader `storecheck report` uses: any input is read or refused without a
 * crash or leak; what is read writes back into a document that reads again to the same page. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/capacity_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    struct capacity_report r;
    char err[256] = "";
    if (capacity_report_read(doc, &r, err, sizeof err)) {
        if (!err[0])
            abort(); /* a refusal always says why */
        cJSON_Delete(doc);
        return 0;
    }
    char *html = capacity_html_render(&r), *text = capacity_json_render(&r);
    cJSON *doc2 = cJSON_Parse(text);
    struct capacity_report r2;
    if (capacity_report_read(doc2, &r2, err, sizeof err))
        abort();
    char *html2 = capacity_html_render(&r2);
    if (strcmp(html, html2) != 0 || r2.step_count != r.step_count)
        abort();
    free(html2);
    capacity_report_read_free(&r2);
    cJSON_Delete(doc2);
    free(text);
    free(html);
    capacity_report_read_free(&r);
    cJSON_Delete(doc);
    return 0;
}
