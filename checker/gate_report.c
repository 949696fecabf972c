#include "checker/gate_report.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "checker/console.h"
#include "checker/fault_window.h"
#include "checker/score.h"
#include "checker/summary.h"
#include "common/exit_codes.h"
#include "common/oom.h"
#include "probes/under_load.h"
#include "reports/report_json.h"
#include "reports/reporter.h"

int gate_known_check(const char *id)
{
    for (size_t i = 0; i < probe_registry_count; i++)
        if (strcasecmp(id, probe_registry[i]->id) == 0)
            return 1;
    if (strcasecmp(id, fault_window_check.id) == 0 ||
        strcasecmp(id, probe_r_fault_under_load.id) == 0)
        return 1;
    for (size_t i = 0; i < under_load_probe_count; i++)
        if (strcasecmp(id, under_load_probes[i]->id) == 0)
            return 1;
    return 0;
}

int gate_load_accepted(const struct config *cfg, struct accept_list *l, struct diag_list *diags)
{
    if (!cfg->audit.accept_file) {
        memset(l, 0, sizeof *l);
        return 0;
    }
    return accept_load(l, cfg->audit.accept_file, gate_known_check, diags);
}

static const char *const report_options[REPORT_FORMATS] = {"--json", "--html", "--junit",
                                                           "--markdown", "--sarif"};

int report_option(const struct command *cmd, int argc, char **argv, int *i,
                  struct report_overrides *p)
{
    for (int k = 0; k < REPORT_FORMATS; k++) {
        if (strcmp(argv[*i], report_options[k]) != 0)
            continue;
        if (*i + 1 >= argc) {
            cli_usage_error(cmd, "%s needs a FILE", argv[*i]);
            return -1;
        }
        p->paths[k] = argv[++*i];
        return 1;
    }
    return 0;
}

static const char *report_path(const struct report_overrides *p, const struct config *cfg, int k)
{
    const char *cfg_paths[REPORT_FORMATS] = {cfg->reports.json, cfg->reports.html,
                                             cfg->reports.junit, cfg->reports.markdown,
                                             cfg->reports.sarif};
    return p->paths[k] ? p->paths[k] : cfg_paths[k];
}

static void report_paths(const struct report_overrides *p, const struct config *cfg,
                         const char *paths[REPORT_FORMATS])
{
    for (int k = 0; k < REPORT_FORMATS; k++)
        paths[k] = report_path(p, cfg, k);
}

FILE *report_console(const struct report_overrides *p, const struct config *cfg)
{
    const char *paths[REPORT_FORMATS];
    report_paths(p, cfg, paths);
    return console_stream(paths, REPORT_FORMATS);
}

int report_console_check(const struct command *cmd, const struct report_overrides *p,
                         const struct config *cfg)
{
    const char *paths[REPORT_FORMATS];
    report_paths(p, cfg, paths);
    return console_check(cmd, paths, REPORT_FORMATS);
}

void gate_checks_init(struct gate_checks *c, size_t cap)
{
    c->items = xcalloc(cap + 1, sizeof *c->items);
    c->acceptances = xcalloc(cap + 1, sizeof *c->acceptances);
    c->count = 0;
}

void gate_checks_add(struct gate_checks *c, const struct engine_report *rep,
                     enum report_phase phase)
{
    for (size_t i = 0; i < rep->count; i++)
        c->items[c->count++] = (struct report_check){
            rep->items[i].probe, rep->items[i].severity, &rep->items[i].result, phase, 0, NULL};
}

void gate_checks_accept(struct gate_checks *c, const struct accept_list *l, const char *target)
{
    time_t now = time(NULL);
    for (size_t i = 0; i < c->count; i++) {
        const struct acceptance *a = accept_find(l, c->items[i].probe->id, target);
        if (!a)
            continue;
        c->acceptances[i] =
            (struct report_acceptance){a->reason, a->expires, accept_expired(a, now)};
        c->items[i].accepted = &c->acceptances[i];
    }
}

void gate_checks_free(struct gate_checks *c)
{
    free(c->items);
    free(c->acceptances);
    c->items = NULL;
    c->acceptances = NULL;
    c->count = 0;
}

int64_t gate_now_unix_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void gate_judge(struct gate *g, struct report_check *checks, size_t n, enum severity fail_on)
{
    struct report_run *run = &g->run;
    verdict_judge(checks, n, run->thresholds, run->threshold_count, fail_on, run->interrupted,
                  &g->verdict);
    run->ended_unix_ms = gate_now_unix_ms();
    run->fail_on = fail_on;
    run->verdict = g->verdict.result;
    run->exit_code = g->verdict.exit_code;
    run->reasons = (const char *const *)g->verdict.reasons;
    run->reason_count = g->verdict.count;
    run->checks = checks;
    run->check_count = n;
    score_compute(checks, n, run->groups, &run->overall);
}

static int write_reports(const struct cli *cli, const char *command, const cJSON *doc,
                         const struct config *cfg, const struct report_overrides *p, FILE *out)
{
    int rc = 0;
    for (int k = 0; reporters[k]; k++) {
        const char *path = report_path(p, cfg, k);
        if (!path)
            continue;
        char err[512];
        if (reporter_write(reporters[k], doc, path, err, sizeof err)) {
            fprintf(stderr, "storecheck %s: %s\n", command, err);
            rc = -1;
        } else if (!cli->quiet && strcmp(path, "-") != 0) {
            fprintf(out, "%s report: %s\n", reporters[k]->name, path);
        }
    }
    return rc;
}

int gate_finish(const struct cli *cli, const char *command, struct gate *g,
                const struct config *cfg, const struct report_overrides *p, FILE *out)
{
    cJSON *doc = report_json_build(&g->run);
    summary_print(cli, out, &g->run, !g->checks_listed);
    int code = write_reports(cli, command, doc, cfg, p, out) ? EXIT_RUN_ERROR : g->run.exit_code;
    /* A failed gate stays a failed gate even when a report could not be written. */
    if (g->run.exit_code == EXIT_GATE_FAILED)
        code = EXIT_GATE_FAILED;
    cJSON_Delete(doc);
    verdict_free(&g->verdict);
    return code;
}
