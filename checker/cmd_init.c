/* storecheck init [PATH]: write the commented starter config. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checker/commands.h"
#include "checker/starter_config.h"
#include "common/exit_codes.h"

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_file(const char *path, int force)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
    if (fd < 0 && errno == EEXIST) {
        fprintf(stderr, "storecheck init: %s exists; use --force to overwrite it\n", path);
        return EXIT_USAGE;
    }
    if (fd < 0 || write_all(fd, starter_config, strlen(starter_config)) || close(fd)) {
        fprintf(stderr, "storecheck init: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return EXIT_RUN_ERROR;
    }
    return EXIT_PASSED;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-f") == 0)
            force = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(&cmd_init, "unknown option '%s'", argv[i]);
        else if (path)
            return cli_usage_error(&cmd_init, "one PATH at a time");
        else
            path = argv[i];
    }
    if (!path || strcmp(path, "-") == 0) {
        fputs(starter_config, stdout);
        return fflush(stdout) == 0 ? EXIT_PASSED : EXIT_RUN_ERROR;
    }
    int rc = write_file(path, force);
    if (rc == EXIT_PASSED && !cli->quiet)
        printf("wrote %s; check it with: storecheck validate %s\n", path, path);
    return rc;
}

const struct command cmd_init = {
    .name = "init",
    .summary = "write a commented starter config",
    .help = "Usage: storecheck init [PATH] [--force]\n"
            "\n"
            "Write a commented starter config to PATH, or to stdout when PATH is '-' or\n"
            "left out. It points at a store on https://127.0.0.1:8443 and validates as it is.\n"
            "An existing file is left alone unless --force (-f) is given.\n"
            "Every key is described in docs/config.md.\n"
            "\n"
            "Exit codes:\n"
            "  0  written\n"
            "  2  PATH exists (without --force), or usage error\n"
            "  3  the file could not be written\n",
    .run = run,
};
