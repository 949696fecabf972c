#include "reports/report_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/report_doc.h"

enum { REPORT_MAX_BYTES = 256 << 20 };

cJSON *report_read_json(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0, n;
    char *buf = xmalloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len > REPORT_MAX_BYTES)
            break;
        if (len + 1 == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    cJSON *doc = len > REPORT_MAX_BYTES ? NULL : cJSON_ParseWithLength(buf, len);
    free(buf);
    if (!doc)
        snprintf(err, errlen, "%s: %s", path,
                 len > REPORT_MAX_BYTES ? "larger than 256 MiB" : "not valid JSON");
    return doc;
}

cJSON *report_read(const char *path, char *err, size_t errlen)
{
    cJSON *doc = report_read_json(path, err, errlen);
    if (!doc)
        return NULL;
    char why[256];
    if (rd_check(doc, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path, why);
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}
