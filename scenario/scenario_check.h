/*
 * What `storecheck validate` can catch in a config's load section before a run, beyond its
 * YAML shape: every template and JSON path compiles, every variable a template uses is
 * defined before that step (extracted by an earlier step of the scenario, or a column of a
 * feeder as {{column}} or {{feeder.column}}), every feeder file is valid CSV, every threshold parses and names a scenario or step
 * that exists. The profile's mix is checked by profile_check_mix once the profile is loaded.
 */
#ifndef STORECHECK_SCENARIO_SCENARIO_CHECK_H
#define STORECHECK_SCENARIO_SCENARIO_CHECK_H

#include <stddef.h>

#include "common/diag.h"
#include "config/config.h"
#include "scenario/mix.h"

/* Add a located diagnostic for each problem; returns how many. Reads the feeder files at
 * their paths as the config loader resolved them. */
size_t scenario_check(const struct config *cfg, struct diag_list *diags);

/* Add a warning for each step whose literal path (the text outside {{ }}) holds a byte a
 * request target cannot carry as is, such as a space from ${VAR}: sent as written, it would
 * make a malformed request line. Returns how many. */
size_t scenario_check_path_targets(const struct config *cfg, struct diag_list *warnings);

/* Add a warning for each threshold whose scenario or step only scenarios run that the mix of
 * profile `profile` gives no weight: under that profile it would have no data, which fails
 * the gate. (--profile may name another profile at run time, hence a warning.) Returns how
 * many. */
size_t scenario_check_threshold_mix(const struct config *cfg, const struct mix *mix,
                                    const char *profile, struct diag_list *warnings);

#endif
