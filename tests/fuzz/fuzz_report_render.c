/* Saved reports: any JSON that passes the report check renders in every format without a
 * crash, no tag from the data reaches the HTML or the Markdown, the SARIF log is JSON, and a
 * report diffed against itself shows no regression. Any JSON that passes the load result check
 * renders in both load formats the same way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/load_report.h"
#include "reports/report_diff.h"
#include "reports/report_doc.h"
#include "reports/reporter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The HTML's own elements are none of these; the Markdown has no element at all. */
static void no_tag_from_data(const struct reporter *r, const char *text)
{
    static const char *const foreign[] = {"<script", "<img",    "<iframe", "<a ",
                                          "<link",   "<object", "<embed",  "<form"};
    for (size_t i = 0; strcmp(r->name, "html") == 0 && i < sizeof foreign / sizeof *foreign; i++)
        if (strstr(text, foreign[i]))
            abort();
    if (strcmp(r->name, "markdown") == 0 && strchr(text, '<'))
        abort();
}

/* The SARIF log is JSON whatever the report held. */
static void sarif_is_json(const struct reporter *r, const char *text)
{
    if (strcmp(r->name, "sarif") != 0)
        return;
    cJSON *log = cJSON_Parse(text);
    if (!log)
        abort();
    cJSON_Delete(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    char err[256];
    for (const struct reporter *const *r = load_reporters;
         doc && load_report_check(doc, err, sizeof err) == 0 && *r; r++) {
        char *text = (*r)->render(doc);
        no_tag_from_data(*r, text);
        free(text);
    }
    if (!doc || rd_check(doc, err, sizeof err) != 0) {
        cJSON_Delete(doc);
        return 0;
    }
    for (const struct reporter *const *r = reporters; *r; r++) {
        char *text = (*r)->render(doc);
        no_tag_from_data(*r, text);
        sarif_is_json(*r, text);
        free(text);
    }
    struct textbuf out = {0};
    if (report_diff(doc, doc, 0.1, &out) != 0)
        abort();
    tb_free(&out);
    cJSON_Delete(doc);
    return 0;
}
