/* storecheck: is the store ready to launch? Dispatches to the subcommands in cli_commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/cli.h"
#include "common/exit_codes.h"
#include "version.h"

static void print_help(FILE *out)
{
    fprintf(out,
            "storecheck %s: launch readiness audits and load tests for online stores\n\n"
            "Usage: storecheck [-q] [--no-color] COMMAND [ARGS...]\n\n"
            "Commands:\n",
            STORECHECK_VERSION);
    for (const struct command *const *c = cli_commands; *c; c++)
        fprintf(out, "  %-10s %s\n", (*c)->name, (*c)->summary);
    fprintf(out,
            "\nGlobal options:\n"
            "  -q, --quiet     only errors and the final verdict\n"
            "      --no-color  no colour (also when NO_COLOR is set or output is not a terminal)\n"
            "  -h, --help      this help; 'storecheck COMMAND --help' for a command\n"
            "      --version   print the version\n\n"
            "Exit codes:\n"
            "  0  the gate passed\n"
            "  1  the gate failed: a finding at or above --fail-on, or a threshold broken\n"
            "  2  usage or config error\n"
            "  3  the run could not be done: target unreachable, internal error\n");
}

/* Remove the global options from argv wherever they stand (before a "--"). */
static int take_global_options(int *argc, char **argv, struct cli *cli, int *no_color)
{
    int out = 1;
    int i = 1;
    for (; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
            cli->quiet = 1;
        else if (strcmp(argv[i], "--no-color") == 0)
            *no_color = 1;
        else
            argv[out++] = argv[i];
    }
    for (; i < *argc; i++)
        argv[out++] = argv[i];
    argv[out] = NULL;
    *argc = out;
    return 0;
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    int no_color = 0;
    take_global_options(&argc, argv, &cli, &no_color);
    const char *nc = getenv("NO_COLOR");
    cli.color = !no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
    cli.tty = isatty(STDERR_FILENO);

    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return EXIT_PASSED;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("storecheck %s\n", STORECHECK_VERSION);
        return EXIT_PASSED;
    }
    for (const struct command *const *c = cli_commands; *c; c++) {
        if (strcmp((*c)->name, name) == 0) {
            if (cli_wants_help(argc - 1, argv + 1)) {
                fputs((*c)->help, stdout);
                return EXIT_PASSED;
            }
            return (*c)->run(&cli, argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "storecheck: unknown command '%s'\nTry 'storecheck --help'.\n", name);
    return EXIT_USAGE;
}
