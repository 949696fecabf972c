/*
 * The thresholds a load run is judged by: the config's load.thresholds and, after them, those
 * given on the command line with --threshold.
 */
#ifndef STORECHECK_CHECKER_RUN_THRESHOLDS_H
#define STORECHECK_CHECKER_RUN_THRESHOLDS_H

#include <stddef.h>

#include "config/config.h"

/* load.thresholds of cfg (NULL: none) followed by the n expressions given, each of which must
 * parse and, when it has a selector, name a scenario or step of cfg's load.scenarios in a
 * scenario run (a run of URLs has none). A list to free, its length in *count; NULL with the
 * reason in err when an expression given is refused. */
struct threshold *run_thresholds(const struct config *cfg, int scenario_run,
                                 const char *const *given, size_t n, size_t *count, char *err,
                                 size_t errlen);

#endif
