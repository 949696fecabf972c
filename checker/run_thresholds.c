#include "checker/run_thresholds.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/oom.h"
#include "scenario/threshold.h"

/* One expression given: 0, or -1 with why it is refused. */
static int check_given(const char *src, const struct load *scenarios, char *err, size_t errlen)
{
    struct threshold_expr t;
    struct parse_error pe;
    char why[256];
    if (threshold_parse(src, &t, &pe) != 0) {
        snprintf(err, errlen, "--threshold '%s': %s (column %d)", src, pe.msg, pe.col);
        return -1;
    }
    if (t.sel == TH_SEL_ALL)
        return 0;
    if (!scenarios) {
        snprintf(err, errlen,
                 "--threshold '%s': a run of URLs has no scenarios or steps to select; "
                 "selectors are for the scenarios of a CONFIG",
                 src);
        return -1;
    }
    if (threshold_check_selector(&t, scenarios->scenarios, scenarios->scenario_count, why,
                                 sizeof why) != 0) {
        snprintf(err, errlen, "--threshold '%s': %s", src, why);
        return -1;
    }
    return 0;
}

struct threshold *run_thresholds(const struct config *cfg, const char *const *given, size_t n,
                                 const struct load *scenarios, size_t *count, char *err,
                                 size_t errlen)
{
    size_t own = cfg ? cfg->load.threshold_count : 0;
    for (size_t i = 0; i < n; i++)
        if (check_given(given[i], scenarios, err, errlen) != 0)
            return NULL;
    struct threshold *all = xcalloc(own + n + 1, sizeof *all);
    for (size_t i = 0; i < own; i++)
        all[i] = cfg->load.thresholds[i];
    for (size_t i = 0; i < n; i++)
        all[own + i] = (struct threshold){.expr = given[i]};
    *count = own + n;
    return all;
}
