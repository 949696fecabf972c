/* The formats `storecheck report` renders a saved capacity result in: the HTML page of
 * `capacity --html`, drawn again from the document. */
#include <stdlib.h>

#include "common/oom.h"
#include "reports/capacity_report.h"

int capacity_report_check(const cJSON *doc, char *err, size_t errlen)
{
    struct capacity_report r;
    if (capacity_report_read(doc, &r, err, errlen))
        return -1;
    capacity_report_read_free(&r);
    return 0;
}

/* The document has passed capacity_report_check; an empty page if it had not. */
static char *render_html(const cJSON *doc)
{
    struct capacity_report r;
    char err[256];
    if (capacity_report_read(doc, &r, err, sizeof err))
        return xstrdup("");
    char *text = capacity_html_render(&r);
    capacity_report_read_free(&r);
    return text;
}

const struct reporter reporter_capacity_html = {"html", render_html};

const struct reporter *const capacity_reporters[] = {&reporter_capacity_html, NULL};
