/*
 * The command line: global options, the subcommand table, and the console conventions
 * (quiet, colour) every subcommand follows. Only checker/ prints.
 */
#ifndef STORECHECK_CHECKER_CLI_H
#define STORECHECK_CHECKER_CLI_H

#include <stdio.h>

struct cli {
    int quiet; /* -q/--quiet: only errors and the final verdict line */
    int color; /* stdout is a terminal and NO_COLOR is unset and no --no-color */
    int tty;   /* stderr is a terminal: live progress lines are allowed */
};

struct command {
    const char *name;
    const char *summary; /* one line in `storecheck --help` */
    const char *help;    /* the whole `storecheck NAME --help` text */
    /* argv[0] is the command name; global options are already removed. Returns an exit code
     * from common/exit_codes.h. */
    int (*run)(const struct cli *cli, int argc, char **argv);
};

/* The subcommands that work, in the order --help lists them; NULL-terminated. */
extern const struct command *const cli_commands[];

/* 1 if argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Print a usage error for a command ("storecheck NAME: msg") and a hint; returns EXIT_USAGE. */
int cli_usage_error(const struct command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* arg, which no option of cmd took, as the one CONFIG operand: 0 once stored in *config;
 * EXIT_USAGE after saying why when it is an unknown option or a second CONFIG. */
int cli_config_operand(const struct command *cmd, const char *arg, const char **config);

/* Colour escapes, or "" when colour is off. */
const char *cli_red(const struct cli *cli);
const char *cli_green(const struct cli *cli);
const char *cli_yellow(const struct cli *cli);
const char *cli_bold(const struct cli *cli);
const char *cli_reset(const struct cli *cli);

#endif
