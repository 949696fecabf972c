/* storecheck validate CONFIG: every error in the config at once, or OK and what it holds. */
#include <stdio.h>
#include <string.h>

#include "checker/commands.h"
#include "common/exit_codes.h"
#include "config/config_load.h"
#include "probes/endpoint_check.h"
#include "scenario/profile.h"
#include "scenario/scenario_check.h"

static size_t endpoint_count(const struct target *t)
{
    size_t n = 0;
    for (int i = 0; i < EP_COUNT; i++)
        n += t->endpoints[i] != NULL;
    return n;
}

static size_t step_count(const struct load *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->scenario_count; i++)
        n += l->scenarios[i].step_count;
    return n;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* Counts only: values may be secrets. */
static void print_summary(const struct cli *cli, const char *path, const struct config *cfg)
{
    size_t eps = endpoint_count(&cfg->target), steps = step_count(&cfg->load);
    size_t sc = cfg->load.scenario_count, th = cfg->load.threshold_count;
    size_t faults = cfg->target.fault_count;
    printf("%s: %sOK%s: %zu endpoint%s, %zu scenario%s (%zu step%s), %zu threshold%s, "
           "%zu fault hook%s\n",
           path, cli_green(cli), cli_reset(cli), eps, plural(eps), sc, plural(sc), steps,
           plural(steps), th, plural(th), faults, plural(faults));
}

/* What the loader cannot see: templates, variables, feeder files, thresholds, the profile and
 * its mix against the scenarios and thresholds. Returns the number of problems added to
 * diags; what is only doubtful goes to warnings. */
static size_t check_load(const struct config *cfg, struct diag_list *diags,
                         struct diag_list *warnings)
{
    size_t problems = scenario_check(cfg, diags) + endpoint_check(cfg, diags);
    if (!cfg->load.profile)
        return problems;
    const char *dirs[PROFILE_DIRS];
    size_t ndirs = profile_dirs(cfg->dir, dirs);
    char path[4096], err[512];
    if (profile_resolve(cfg->load.profile, dirs, ndirs, path, sizeof path, err,
                        sizeof err)) {
        diag_add(diags, cfg->path, cfg->load.profile_pos.line, cfg->load.profile_pos.col,
                 "load.profile", "%s", err);
        return problems + 1;
    }
    struct profile prof;
    size_t before = diags->count;
    if (profile_load(&prof, path, diags))
        return problems + (diags->count - before);
    if (cfg->load.scenario_count) {
        problems += profile_check_mix(&prof, cfg->load.scenarios, cfg->load.scenario_count,
                                      diags);
        scenario_check_threshold_mix(cfg, &prof.mix, cfg->load.profile, warnings);
    }
    profile_free(&prof);
    return problems;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !path) {
            path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(&cmd_validate, "unknown option '%s'", argv[i]);
        } else if (path) {
            return cli_usage_error(&cmd_validate, "one CONFIG at a time");
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return cli_usage_error(&cmd_validate, "missing CONFIG");

    struct config cfg;
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = config_load_file(&cfg, path, NULL, &diags);
    struct diag_list warnings;
    diag_list_init(&warnings);
    /* What the loader read of a broken config is still checked: one pass shows every error. */
    if (check_load(&cfg, &diags, &warnings))
        rc = -1;
    scenario_check_path_targets(&cfg, &warnings);
    diag_list_print(&warnings, stderr);
    diag_list_free(&warnings);
    if (rc == 0) {
        print_summary(cli, path, &cfg);
    } else {
        diag_list_print(&diags, stderr);
        fprintf(stderr, "%s: %s%zu error%s%s\n", path, cli_red(cli), diags.count,
                plural(diags.count), cli_reset(cli));
    }
    diag_list_free(&diags);
    config_free(&cfg);
    return rc == 0 ? EXIT_PASSED : EXIT_USAGE;
}

const struct command cmd_validate = {
    .name = "validate",
    .summary = "check a config file and print every error with file:line:col",
    .help = "Usage: storecheck validate CONFIG\n"
            "\n"
            "Check a config file without contacting the store: YAML syntax, every key and\n"
            "value, ${VAR} expansion, allowed hosts; scenario templates and the variables\n"
            "they use, JSON paths, feeder CSV files, thresholds, load.profile and its mix.\n"
            "Every error is printed to stderr as\n"
            "  FILE:LINE:COL: key.path: message\n"
            "On success prints 'CONFIG: OK' and what the config holds (no values).\n"
            "The format is described in docs/config.md; 'storecheck init' writes a starter.\n"
            "\n"
            "Exit codes:\n"
            "  0  the config is valid\n"
            "  2  the config has errors, cannot be read, or usage error\n",
    .run = run,
};
