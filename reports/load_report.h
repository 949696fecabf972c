/*
 * The reports of a load result (the document `storecheck load --json` writes,
 * docs/load-json.md): an HTML page with charts (load_html.c) and a Markdown summary
 * (load_markdown.c). Members they do not know are ignored, so a result with added fields
 * (a merged one) renders as well.
 */
#ifndef STORECHECK_REPORTS_LOAD_REPORT_H
#define STORECHECK_REPORTS_LOAD_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "reports/reporter.h"

/* Is doc a load result this build can render? 0, or -1 with the reason in err. */
int load_report_check(const cJSON *doc, char *err, size_t errlen);

extern const struct reporter reporter_load_html;
extern const struct reporter reporter_load_markdown;

/* The formats of a load result, NULL-terminated. */
extern const struct reporter *const load_reporters[];

#endif
