/*
 * The HTML report of a load result (the document `storecheck load --json` writes,
 * docs/load-json.md). Members it does not know are ignored, so a result with added fields
 * (a merged one) renders as well.
 */
#ifndef STORECHECK_REPORTS_LOAD_HTML_H
#define STORECHECK_REPORTS_LOAD_HTML_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "reports/reporter.h"

/* Is doc a load result this build can render? 0, or -1 with the reason in err. */
int load_html_check(const cJSON *doc, char *err, size_t errlen);

/* The page (malloc'd). doc has passed load_html_check. */
char *load_html_render(const cJSON *doc);

/* The load report as a format, for reporter_write. */
extern const struct reporter reporter_load_html;

#endif
