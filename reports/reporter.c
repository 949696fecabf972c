#include "reports/reporter.h"

#include <stdlib.h>

#include "reports/atomic_write.h"
#include "reports/json_exact.h"

const struct reporter reporter_json = {"json", json_print_exact};

const struct reporter *const reporters[] = {
    &reporter_json, &reporter_html, &reporter_junit, &reporter_markdown, &reporter_sarif, NULL,
};

int reporter_write(const struct reporter *r, const cJSON *doc, const char *path, char *err,
                   size_t errlen)
{
    char *text = r->render(doc);
    int rc = atomic_write(path, text, err, errlen);
    free(text);
    return rc;
}
