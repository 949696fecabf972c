/* Saved reports: any JSON that passes the report check renders in every format without a
 * crash, the HTML never carries a raw tag from the data, and a report diffed against itself
 * shows no regression. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_diff.h"
#include "reports/report_doc.h"
#include "reports/reporter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    char err[256];
    if (!doc || rd_check(doc, err, sizeof err) != 0) {
        cJSON_Delete(doc);
        return 0;
    }
    for (const struct reporter *const *r = reporters; *r; r++) {
        char *text = (*r)->render(doc);
        /* The only elements the HTML has are its own; none of them is a script. */
        if (strcmp((*r)->name, "html") == 0 && strstr(text, "<script"))
            abort();
        free(text);
    }
    struct textbuf out = {0};
    if (report_diff(doc, doc, 0.1, &out) != 0)
        abort();
    tb_free(&out);
    cJSON_Delete(doc);
    return 0;
}
