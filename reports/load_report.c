#include "reports/load_report.h"

#include <stdio.h>

#include "reports/load_json.h"
#include "reports/report_doc.h"

int load_report_check(const cJSON *doc, char *err, size_t errlen)
{
    if (rd_check_kind(doc, "storecheck.load", "load result", LOAD_JSON_SCHEMA_VERSION, err, errlen))
        return -1;
    if (!cJSON_IsObject(rd_get(doc, "run")) || !cJSON_IsObject(rd_get(doc, "totals")) ||
        !cJSON_IsArray(rd_get(doc, "seconds"))) {
        snprintf(err, errlen, "the load result lacks run, totals or seconds");
        return -1;
    }
    return 0;
}

const struct reporter *const load_reporters[] = {&reporter_load_html, &reporter_load_markdown,
                                                 NULL};
