#include "checker/cli.h"
#include "checker/commands.h"

/* A subcommand is listed here only once it works. */
const struct command *const cli_commands[] = {
    &cmd_run,
    &cmd_audit,
    &cmd_load,
    &cmd_capacity,
    &cmd_validate,
    &cmd_init,
    &cmd_report,
    &cmd_diff,
    &cmd_merge,
    NULL,
};
