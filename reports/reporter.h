/*
 * The report formats as a const table of renderers. Each renders the run report document
 * (report_json.h) into the text of one file, so a saved JSON re-renders every format exactly.
 * Renderers never print and never touch the network.
 */
#ifndef STORECHECK_REPORTS_REPORTER_H
#define STORECHECK_REPORTS_REPORTER_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct reporter {
    const char *name; /* "json", "html", "junit", "markdown", "sarif" */
    /* The text of the file (malloc'd). The document has passed rd_check. */
    char *(*render)(const cJSON *doc);
};

extern const struct reporter reporter_json;
extern const struct reporter reporter_html;
extern const struct reporter reporter_junit;
extern const struct reporter reporter_markdown;
extern const struct reporter reporter_sarif;

/* Every format, NULL-terminated. */
extern const struct reporter *const reporters[];

/* Render doc with r and write the file atomically. 0, or -1 with err. */
int reporter_write(const struct reporter *r, const cJSON *doc, const char *path, char *err,
                   size_t errlen);

#endif
