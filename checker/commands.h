/* The subcommand descriptors, one per checker/cmd_NAME.c. */
#ifndef STORECHECK_CHECKER_COMMANDS_H
#define STORECHECK_CHECKER_COMMANDS_H

#include "checker/cli.h"

extern const struct command cmd_run;
extern const struct command cmd_audit;
extern const struct command cmd_load;
extern const struct command cmd_capacity;
extern const struct command cmd_validate;
extern const struct command cmd_init;
extern const struct command cmd_report;
extern const struct command cmd_diff;
extern const struct command cmd_merge;

#endif
