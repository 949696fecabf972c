/* storecheck report RESULT.json: re-render the HTML, JUnit, Markdown, SARIF (or JSON) of a saved
 * run, the HTML and Markdown of a saved load result, or the HTML of a saved capacity result. */
#include <stdio.h>
#include <string.h>

#include "checker/commands.h"
#include "checker/console.h"
#include "common/exit_codes.h"
#include "reports/capacity_report.h"
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

/* What each kind of saved result is checked by and renders as; a run report first. */
struct result_kind {
    const char *kind;
    int (*check)(const cJSON *doc, char *err, size_t errlen);
    const struct reporter *const *formats;
    const char *renders_as; /* for the usage error of a format it lacks */
};

static const struct result_kind result_kinds[] = {
    {"storecheck.run", rd_check, reporters, NULL /* every format */},
    {"storecheck.load", load_report_check, load_reporters,
     "a load result renders as HTML or Markdown"},
    {"storecheck.capacity", capacity_report_check, capacity_reporters,
     "a capacity result renders as HTML"},
};

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
                                            "--markdown, --sarif or --json");
    if (console_check(&cmd_report, paths, formats))
        return EXIT_USAGE;
    char err[512], why[256];
    cJSON *doc = report_read_json(input, err, sizeof err);
    if (!doc) {
        fprintf(stderr, "storecheck report: %s\n", err);
        return EXIT_USAGE;
    }
    /* A load or capacity result has its own formats. */
    const struct result_kind *kind = &result_kinds[0];
    for (size_t k = 1; k < sizeof result_kinds / sizeof *result_kinds; k++)
        if (strcmp(rd_str(doc, "kind"), result_kinds[k].kind) == 0)
            kind = &result_kinds[k];
    if (kind->check(doc, why, sizeof why)) {
        fprintf(stderr, "storecheck report: %s: %s\n", input, why);
        cJSON_Delete(doc);
        return EXIT_USAGE;
    }
    const struct reporter *chosen[8] = {0};
    for (size_t k = 0; k < formats; k++) {
        chosen[k] = named(kind->formats, reporters[k]->name);
        if (paths[k] && !chosen[k]) {
            cJSON_Delete(doc);
            return cli_usage_error(&cmd_report, "%s, not --%s", kind->renders_as,
                                   reporters[k]->name);
        }
    }
    int code = EXIT_PASSED;
    FILE *out = console_stream(paths, formats);
    for (size_t k = 0; k < formats; k++) {
        if (!paths[k])
            continue;
        const struct reporter *r = chosen[k];
        if (reporter_write(r, doc, paths[k], err, sizeof err)) {
            fprintf(stderr, "storecheck report: %s\n", err);
            code = EXIT_RUN_ERROR;
        } else if (!cli->quiet && strcmp(paths[k], "-") != 0) {
            fprintf(out, "%s report: %s\n", r->name, paths[k]);
        }
    }
    cJSON_Delete(doc);
    return code;
}

const struct command cmd_report = {
    .name = "report",
    .summary = "re-render the reports of a saved run, load or capacity result",
    .help = "Usage: storecheck report RESULT.json [--html F] [--junit F] [--markdown F]\n"
            "                                     [--sarif F] [--json F]\n"
            "\n"
            "Render the reports of a JSON result written by 'storecheck run' again; they come\n"
            "out exactly as the run wrote them. A load result ('storecheck load --json', kind\n"
            "storecheck.load) renders as HTML or Markdown, as 'load --html' and\n"
            "'load --markdown' write them. A capacity result ('storecheck capacity --json',\n"
            "kind storecheck.capacity) renders as HTML, as 'capacity --html' writes it.\n"
            "Files are written atomically; - is stdout (for one report at most), and the\n"
            "names of the files written then go to stderr.\n"
            "\n"
            "Exit codes:\n"
            "  0  every report was written\n"
            "  2  usage error, or RESULT.json is not a run report, load result or capacity\n"
            "     result this version reads (the first wrong field is named)\n"
            "  3  a report could not be written\n",
    .run = run,
};
