/* The console tables of a scenario run: per scenario (iterations and their duration) and per
 * step (requests, latency, failures by reason, each failing check with why), secrets
 * redacted, on out. */
#ifndef STORECHECK_CHECKER_SCENARIO_TABLE_H
#define STORECHECK_CHECKER_SCENARIO_TABLE_H

#include <stdio.h>

#include "checker/cli.h"
#include "config/config.h"
#include "loadgen/result.h"

void scenario_table_print(const struct cli *cli, FILE *out, const struct load_result *r,
                          const struct strv *secrets);

#endif
