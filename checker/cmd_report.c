/* storecheck report RESULT.json: re-render the HTML, JUnit, Markdown (or JSON) of a saved run,
 * or the HTML and Markdown of a saved load result. */
#include <stdio.h>
#include <string.h>

#include "checker/commands.h"
#include "common/exit_codes.h"
#include "reports/load_report.h"
#include "reports/report_doc.h"
#include "reports/report_read.h"
#include "reports/reporter.h"

/* The format of that name in a NULL-terminated table, or NULL. */
static const struct reporter *named(const struct reporter *const *table, const char *name)
{
    for (; *table; table++)
        if (strcmp((*table)->name, name) == 0)
            return *table;
    return NULL;
}

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
    char err[512], why[256];
    cJSON *doc = report_read_json(input, err, sizeof err);
    if (!doc) {
        fprintf(stderr, "storecheck report: %s\n", err);
        return EXIT_USAGE;
    }
    /* A load result has its own formats: HTML and Markdown. */
    int load = strcmp(rd_str(doc, "kind"), "storecheck.load") == 0;
    if (load ? load_report_check(doc, why, sizeof why) : rd_check(doc, why, sizeof why)) {
        fprintf(stderr, "storecheck report: %s: %s\n", input, why);
        cJSON_Delete(doc);
        return EXIT_USAGE;
    }
    const struct reporter *chosen[8] = {0};
    for (size_t k = 0; k < formats; k++) {
        chosen[k] = named(load ? load_reporters : reporters, reporters[k]->name);
        if (paths[k] && !chosen[k]) {
            cJSON_Delete(doc);
            return cli_usage_error(&cmd_report,
                                   "a load result renders as HTML or Markdown, not --%s",
                                   reporters[k]->name);
        }
    }
    int code = EXIT_PASSED;
    for (size_t k = 0; k < formats; k++) {
        if (!paths[k])
            continue;
        const struct reporter *r = chosen[k];
        if (reporter_write(r, doc, paths[k], err, sizeof err)) {
            fprintf(stderr, "storecheck report: %s\n", err);
            code = EXIT_RUN_ERROR;
        } else if (!cli->quiet && strcmp(paths[k], "-") != 0) {
            printf("%s report: %s\n", r->name, paths[k]);
        }
    }
    cJSON_Delete(doc);
    return code;
}

const struct command cmd_report = {
    .name = "report",
    .summary = "re-render the reports of a saved run or load result",
    .help = "Usage: storecheck report RESULT.json [--html F] [--junit F] [--markdown F]\n"
            "                                     [--json F]\n"
            "\n"
            "Render the reports of a JSON result written by 'storecheck run' again; they come\n"
            "out exactly as the run wrote them. A load result ('storecheck load --json', kind\n"
            "storecheck.load) renders as HTML or Markdown, as 'load --html' and\n"
            "'load --markdown' write them. Files are written atomically; - is stdout.\n"
            "\n"
            "Exit codes:\n"
            "  0  every report was written\n"
            "  2  usage error, or RESULT.json is not a run report or load result this version\n"
            "     reads\n"
            "  3  a report could not be written\n",
    .run = run,
};
