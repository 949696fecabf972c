/* storecheck diff OLD.json NEW.json: regressions between two runs, for gating on trends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/commands.h"
#include "common/exit_codes.h"
#include "reports/report_diff.h"
#include "reports/report_read.h"

/* "10%" or "0.1" as a fraction. */
static int parse_tolerance(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return -1;
    if (strcmp(end, "%") == 0)
        v /= 100;
    else if (*end)
        return -1;
    if (!(v >= 0) || v > 10)
        return -1;
    *out = v;
    return 0;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    int nfiles = 0;
    double tol = 0.10;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tolerance") == 0) {
            if (i + 1 >= argc || parse_tolerance(argv[i + 1], &tol))
                return cli_usage_error(&cmd_diff, "--tolerance: a percentage (10%%) or a "
                                                  "fraction (0.1)");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(&cmd_diff, "unknown option '%s'", argv[i]);
        } else if (nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            return cli_usage_error(&cmd_diff, "two reports: OLD.json NEW.json");
        }
    }
    if (nfiles != 2)
        return cli_usage_error(&cmd_diff, "two reports: OLD.json NEW.json");
    char err[512];
    cJSON *docs[2] = {NULL, NULL};
    int code = EXIT_USAGE;
    for (int k = 0; k < 2; k++) {
        if (!(docs[k] = report_read(files[k], err, sizeof err))) {
            fprintf(stderr, "storecheck diff: %s\n", err);
            goto out;
        }
    }
    struct textbuf lines = {0};
    size_t regressions = report_diff(docs[0], docs[1], tol, &lines);
    if (lines.s && !cli->quiet)
        fputs(lines.s, stdout);
    tb_free(&lines);
    if (regressions)
        printf("%s%zu regression%s%s\n", cli_red(cli), regressions, regressions == 1 ? "" : "s",
               cli_reset(cli));
    else
        printf("%sno regression%s (tolerance %.0f%%)\n", cli_green(cli), cli_reset(cli), tol * 100);
    code = regressions ? EXIT_GATE_FAILED : EXIT_PASSED;
out:
    cJSON_Delete(docs[0]);
    cJSON_Delete(docs[1]);
    return code;
}

const struct command cmd_diff = {
    .name = "diff",
    .summary = "regressions between two JSON results: findings, grades, latency, errors",
    .help = "Usage: storecheck diff OLD.json NEW.json [--tolerance 10%]\n"
            "\n"
            "Compare two results of 'storecheck run': new and fixed findings, grade changes,\n"
            "p50/p95/p99 latency and error-rate changes beyond the tolerance (default 10%;\n"
            "an error rate must also rise by 0.1 percentage point), thresholds that passed\n"
            "before and fail now. A new failed finding, a worse grade, a latency or error-rate\n"
            "rise beyond the tolerance and a newly broken threshold are regressions.\n"
            "\n"
            "Exit codes:\n"
            "  0  no regression\n"
            "  1  at least one regression\n"
            "  2  usage error, or a file is not a run report\n",
    .run = run,
};
