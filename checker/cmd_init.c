/* storecheck init [PATH] [--from URL]: write a starter config, the commented one or one for
 * a running store. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/commands.h"
#include "checker/starter_config.h"
#include "checker/store_discovery.h"
#include "common/allowlist.h"
#include "common/exit_codes.h"
#include "common/redact.h"
#include "common/url.h"

enum { REQUEST_TIMEOUT_MS = 10000 };

struct init_args {
    const char *path;
    int force;
    const char *from;
    const char *cacert;
    const char **allow;
    size_t allow_count;
};

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

static int write_file(const char *path, int force, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
    if (fd < 0 && errno == EEXIST) {
        fprintf(stderr, "storecheck init: %s exists; use --force to overwrite it\n", path);
        return EXIT_USAGE;
    }
    if (fd < 0 || write_all(fd, text, strlen(text)) || close(fd)) {
        fprintf(stderr, "storecheck init: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return EXIT_RUN_ERROR;
    }
    return EXIT_PASSED;
}

static int parse(int argc, char **argv, struct init_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **value = strcmp(arg, "--from") == 0         ? &a->from
                             : strcmp(arg, "--cacert") == 0     ? &a->cacert
                             : strcmp(arg, "--allow-host") == 0 ? &a->allow[a->allow_count]
                                                                : NULL;
        if (value && i + 1 == argc)
            return cli_usage_error(&cmd_init, "%s needs a value", arg);
        if (value) {
            *value = argv[++i];
            a->allow_count += value == &a->allow[a->allow_count];
        } else if (strcmp(arg, "--force") == 0 || strcmp(arg, "-f") == 0) {
            a->force = 1;
        } else if (arg[0] == '-' && arg[1]) {
            return cli_usage_error(&cmd_init, "unknown option '%s'", arg);
        } else if (a->path) {
            return cli_usage_error(&cmd_init, "one PATH at a time");
        } else {
            a->path = arg;
        }
    }
    if (!a->from && (a->cacert || a->allow_count))
        return cli_usage_error(&cmd_init, "--cacert and --allow-host go with --from");
    return 0;
}

/* The rule every command keeps: only hosts the user allowed are contacted. Without
 * --allow-host that is loopback alone; with it, the hosts it names. */
static int check_from(const struct init_args *a)
{
    struct url u;
    char err[256];
    if (url_parse(a->from, &u, err, sizeof err) != 0) {
        char *shown = redact_url_userinfo(a->from);
        int rc = cli_usage_error(&cmd_init, "--from %s: %s", shown, err);
        free(shown);
        return rc;
    }
    struct strv allowed = {a->allow, a->allow_count};
    if (a->allow_count && !allowlist_has(&allowed, u.host))
        return cli_usage_error(&cmd_init, "--from: host '%s' is not among the --allow-host hosts",
                               u.host);
    if (!a->allow_count && !allowlist_is_loopback(u.host))
        return cli_usage_error(&cmd_init,
                               "--from: host '%s' is not loopback; pass --allow-host %s to let "
                               "storecheck contact it",
                               u.host, u.host);
    return 0;
}

/* Look at the store and render its config into out. */
static int discover(const struct cli *cli, const struct init_args *a, struct strbuf *out)
{
    char ca[PATH_MAX];
    if (a->cacert && !realpath(a->cacert, ca)) {
        fprintf(stderr, "storecheck init: --cacert %s: %s\n", a->cacert, strerror(errno));
        return EXIT_USAGE;
    }
    struct discovery *d = calloc(1, sizeof *d);
    if (!d) {
        fputs("storecheck init: out of memory\n", stderr);
        return EXIT_RUN_ERROR;
    }
    char err[512];
    struct discovery_options o = {.url = a->from, .ca_file = a->cacert ? ca : NULL,
                                  .timeout_ms = REQUEST_TIMEOUT_MS};
    if (store_discover(&o, d, err, sizeof err) != 0) {
        fprintf(stderr, "storecheck init: the store could not be looked at: %s\n", err);
        free(d);
        return EXIT_RUN_ERROR;
    }
    starter_config_discovered(d, o.ca_file, out);
    if (!cli->quiet) {
        size_t todos = 0;
        for (const char *p = out->p; (p = strstr(p, "# TODO:")); p++)
            todos++;
        fprintf(stderr, "storecheck init: %zu requests; found: %s%s", d->requests,
                d->graphql[0] ? "graphql" : "", d->graphql[0] ? " " : "");
        for (int ep = 0; ep < EP_COUNT; ep++)
            if (d->endpoints[ep][0])
                fprintf(stderr, "%s ", endpoint_names[ep]);
        fprintf(stderr, "(%zu TODOs in the config)\n", todos);
    }
    free(d);
    return EXIT_PASSED;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *allow[argc > 0 ? argc : 1];
    struct init_args a = {.allow = allow};
    int rc = parse(argc, argv, &a);
    if (rc == 0 && a.from)
        rc = check_from(&a);
    if (rc)
        return rc;
    struct strbuf text = {0};
    if (a.path && strcmp(a.path, "-") != 0 && !a.force && access(a.path, F_OK) == 0) {
        fprintf(stderr, "storecheck init: %s exists; use --force to overwrite it\n", a.path);
        return EXIT_USAGE;
    }
    if (a.from)
        rc = discover(cli, &a, &text);
    else
        strbuf_puts(&text, starter_config);
    if (rc == 0 && (!a.path || strcmp(a.path, "-") == 0)) {
        fputs(text.p, stdout);
        rc = fflush(stdout) == 0 ? EXIT_PASSED : EXIT_RUN_ERROR;
    } else if (rc == 0) {
        rc = write_file(a.path, a.force, text.p);
        if (rc == EXIT_PASSED && !cli->quiet)
            printf("wrote %s; check it with: storecheck validate %s\n", a.path, a.path);
    }
    strbuf_free(&text);
    return rc;
}

const struct command cmd_init = {
    .name = "init",
    .summary = "write a starter config (--from URL: for a running store)",
    .help = "Usage: storecheck init [PATH] [--force]\n"
            "       storecheck init [PATH] [--force] --from URL [--allow-host HOST]...\n"
            "                       [--cacert FILE]\n"
            "\n"
            "Write a starter config to PATH, or to stdout when PATH is '-' or left out.\n"
            "An existing file is left alone unless --force (-f) is given.\n"
            "Every key is described in docs/config.md.\n"
            "\n"
            "Without --from, the config is the commented one: it points at a store on\n"
            "https://127.0.0.1:8443 and validates as it is.\n"
            "\n"
            "  --from URL         look at the running store at URL and write its config: its\n"
            "                     address (a redirect on the same host is followed, to HTTPS\n"
            "                     for one), an HTML home page, GraphQL at common paths\n"
            "                     (a POST of {__typename}), health, readiness, Prometheus\n"
            "                     metrics, an OpenAPI document (JSON) and the catalog, product,\n"
            "                     search, cart, checkout and login paths it names, a JSON\n"
            "                     product list at common paths. What it did not find is a\n"
            "                     '# TODO:' comment. Only URL's host is contacted, with at most\n"
            "                     48 requests of 10s each; a redirect to another host is not\n"
            "                     followed\n"
            "  --allow-host HOST  let --from contact HOST (repeatable); without it only a\n"
            "                     loopback host (127.0.0.0/8, ::1, localhost) is contacted\n"
            "  --cacert FILE      trust the CA certificates in FILE (PEM) for an HTTPS store;\n"
            "                     the config gets it as target.tls.ca_file\n"
            "\n"
            "Exit codes:\n"
            "  0  written\n"
            "  2  PATH exists (without --force), a --from URL that is not http(s) or whose\n"
            "     host is not allowed, or usage error\n"
            "  3  the store gave no HTTP answer, or the file could not be written\n",
    .run = run,
};
