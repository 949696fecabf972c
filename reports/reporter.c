#include "reports/reporter.h"

#include <stdlib.h>

#include "common/oom.h"
#include "reports/atomic_write.h"

static char *render_json(const cJSON *doc)
{
    char *text = cJSON_Print(doc);
    if (!text)
        oom_abort(0);
    return text;
}

const struct reporter reporter_json = {"json", render_json};

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
