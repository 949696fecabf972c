#include "checker/cli.h"

#include <stdarg.h>
#include <string.h>

#include "common/exit_codes.h"

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

int cli_usage_error(const struct command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "storecheck %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'storecheck %s --help'.\n", cmd->name);
    return EXIT_USAGE;
}

int cli_config_operand(const struct command *cmd, const char *arg, const char **config)
{
    if (arg[0] == '-' && arg[1])
        return cli_usage_error(cmd, "unknown option '%s'", arg);
    if (*config)
        return cli_usage_error(cmd, "one CONFIG at a time");
    *config = arg;
    return 0;
}

static const char *esc(const struct cli *cli, const char *code)
{
    return cli->color ? code : "";
}

const char *cli_red(const struct cli *cli) { return esc(cli, "\033[31m"); }
const char *cli_green(const struct cli *cli) { return esc(cli, "\033[32m"); }
const char *cli_yellow(const struct cli *cli) { return esc(cli, "\033[33m"); }
const char *cli_bold(const struct cli *cli) { return esc(cli, "\033[1m"); }
const char *cli_reset(const struct cli *cli) { return esc(cli, "\033[0m"); }
