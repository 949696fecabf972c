/*
 * The readers of the config's sections, one file each (cfg_target.c, cfg_audit.c,
 * cfg_load.c, cfg_scenario.c); config_load.c puts them together. Each is a cfg_read_fn whose
 * dst is the section's struct.
 */
#ifndef STORECHECK_CONFIG_CFG_SECTIONS_H
#define STORECHECK_CONFIG_CFG_SECTIONS_H

#include "config/cfg_walk.h"

void cfg_target_read(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_audit_read(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_load_read(struct cfg_walk *w, const struct yaml_node *v, void *dst);
/* load.fault must name one of target.faults (checked once both sections are read). */
void cfg_load_check_fault(struct cfg_walk *w, const struct config *cfg);
/* audit.session and audit.order must name scenarios of load.scenarios, and the order scenario
 * must extract cart_id (checked once both sections are read). */
void cfg_audit_check_scenarios(struct cfg_walk *w, const struct config *cfg);
void cfg_capacity_read(struct cfg_walk *w, const struct yaml_node *v, void *dst);
/* capacity: the default step and max_rate from load.max_rate, also without the section (once
 * both are read); a section without any max_rate is an error. */
void cfg_capacity_check(struct cfg_walk *w, struct config *cfg);
/* One scenario: a list of steps; dst is a struct scenario whose name is set. */
void cfg_scenario_read(struct cfg_walk *w, const struct yaml_node *v, void *dst);

/* The mappings each section reads through field tables, for did-you-mean. */
extern const struct cfg_section cfg_target_sections[];
extern const struct cfg_section cfg_audit_sections[];
extern const struct cfg_section cfg_load_sections[];
extern const struct cfg_section cfg_capacity_sections[];

/* Defaults of what the file leaves out. */
void cfg_target_defaults(struct target *t);
void cfg_audit_defaults(struct audit *a);
void cfg_load_defaults(struct load *l);
void cfg_capacity_defaults(struct capacity *c);

#endif
