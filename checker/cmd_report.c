/* storecheck report RESULT.json: re-render the HTML, JUnit, Markdown (or JSON) of a saved run. */
#include <stdio.h>
#include <string.h>

#include "checker/commands.h"
#include "common/exit_codes.h"
#include "reports/report_read.h"
#include "reports/reporter.h"

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *input = NULL, *paths[8] = {0};
    size_t formats = 0;
    for (size_t k = 0; reporters[k]; k++)
        formats++;
    int wanted = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int matched = 0;
        for (size_t k = 0; k < formats; k++) {
            char opt[32];
            snprintf(opt, sizeof opt, "--%s", reporters[k]->name);
            if (strcmp(o, opt) != 0)
                continue;
            if (i + 1 >= argc)
                return cli_usage_error(&cmd_report, "%s needs a FILE", o);
            paths[k] = argv[++i];
            matched = wanted = 1;
        }
        if (matched)
            continue;
        if (o[0] == '-' && o[1])
            return cli_usage_error(&cmd_report, "unknown option '%s'", o);
        if (input)
            return cli_usage_error(&cmd_report, "one RESULT.json at a time");
        input = o;
    }
    if (!input)
        return cli_usage_error(&cmd_report, "missing RESULT.json");
    if (!wanted)
        return cli_usage_error(&cmd_report, "nothing to write: give --html, --junit, "
                                            "--markdown or --json");
    char err[512];
    cJSON *doc = report_read(input, err, sizeof err);
    if (!doc) {
        fprintf(stderr, "storecheck report: %s\n", err);
        return EXIT_USAGE;
    }
    int code = EXIT_PASSED;
    for (size_t k = 0; k < formats; k++) {
        if (!paths[k])
            continue;
        if (reporter_write(reporters[k], doc, paths[k], err, sizeof err)) {
            fprintf(stderr, "storecheck report: %s\n", err);
            code = EXIT_RUN_ERROR;
        } else if (!cli->quiet && strcmp(paths[k], "-") != 0) {
            printf("%s report: %s\n", reporters[k]->name, paths[k]);
        }
    }
    cJSON_Delete(doc);
    return code;
}

const struct command cmd_report = {
    .name = "report",
    .summary = "re-render the HTML, JUnit and Markdown reports of a saved JSON result",
    .help = "Usage: storecheck report RESULT.json [--html F] [--junit F] [--markdown F]\n"
            "                                     [--json F]\n"
            "\n"
            "Render the reports of a JSON result written by 'storecheck run' again; they come\n"
            "out exactly as the run wrote them. Files are written atomically; - is stdout.\n"
            "\n"
            "Exit codes:\n"
            "  0  every report was written\n"
            "  2  usage error, or RESULT.json is not a run report this version reads\n"
            "  3  a report could not be written\n",
    .run = run,
};
