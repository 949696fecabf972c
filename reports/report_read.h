/* Reading a saved run report or load result (JSON) back into a document the renderers take. */
#ifndef STORECHECK_REPORTS_REPORT_READ_H
#define STORECHECK_REPORTS_REPORT_READ_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The JSON document in path (at most 256 MiB), unchecked; NULL with the reason in err. The
 * caller deletes it. */
cJSON *report_read_json(const char *path, char *err, size_t errlen);

/* The document in path, checked with rd_check; NULL with the reason in err. The caller
 * deletes it. */
cJSON *report_read(const char *path, char *err, size_t errlen);

#endif
