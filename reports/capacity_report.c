#include "reports/capacity_report.h"

#include <stdlib.h>
#include <string.h>

void capacity_report_step_free(struct capacity_report_step *s)
{
    for (size_t i = 0; i < s->broken_count; i++) {
        free(s->broken[i]);
        free(s->broken_exprs[i]);
    }
    free(s->broken);
    free(s->broken_exprs);
    memset(s, 0, sizeof *s);
}
