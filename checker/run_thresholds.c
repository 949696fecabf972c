#include "checker/run_thresholds.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/oom.h"
#include "scenario/threshold.h"

/* One expression given: 0, or -1 with why it is refused. */
static int check_given(const char *src, const struct config *cfg, int scenario_run, char *err,
                       size_t errlen)
{
    const struct load *l = scenario_run ? &cfg->load : NULL;
    struct threshold_expr t;
    struct parse_error pe;
    char why[256];
    int col = threshold_read(src, l ? l->scenarios : NULL, l ? l->scenario_count : 0, &t, why,
                             sizeof why);
    if (col == 0)
        return 0;
    /* It parses, so what a run of URLs refuses is its selector. */
    if (!scenario_run && threshold_parse(src, &t, &pe) == 0)
        snprintf(err, errlen,
                 "--threshold '%s': a run of URLs has no scenarios or steps to select; "
                 "selectors are for the scenarios of a CONFIG",
                 src);
    else
        snprintf(err, errlen, "--threshold '%s': %s (column %d)", src, why, col);
    return -1;
}

struct threshold *run_thresholds(const struct config *cfg, int scenario_run,
                                 const char *const *given, size_t n, size_t *count, char *err,
                                 size_t errlen)
{
    size_t own = cfg ? cfg->load.threshold_count : 0;
    for (size_t i = 0; i < n; i++)
        if (check_given(given[i], cfg, scenario_run, err, errlen) != 0)
            return NULL;
    struct threshold *all = xcalloc(own + n + 1, sizeof *all);
    for (size_t i = 0; i < own; i++)
        all[i] = cfg->load.thresholds[i];
    for (size_t i = 0; i < n; i++)
        all[own + i] = (struct threshold){.expr = given[i]};
    *count = own + n;
    return all;
}
