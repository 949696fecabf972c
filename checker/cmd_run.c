/* storecheck run CONFIG: baseline audit, load with under-load checks and a fault, one verdict,
 * the reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checker/accept.h"
#include "checker/commands.h"
#include "checker/fault_window.h"
#include "checker/gate_report.h"
#include "checker/load_phase.h"
#include "checker/progress.h"
#include "checker/run_load.h"
#include "checker/split_run.h"
#include "checker/stop_signal.h"
#include "common/exit_codes.h"
#include "common/oom.h"
#include "common/stop.h"
#include "config/config_load.h"
#include "probes/endpoint_check.h"
#include "probes/engine.h"
#include "scenario/result_metrics.h"

struct run_args {
    const char *config;
    int fail_on;          /* -1: the config's */
    struct report_overrides reports;
    struct split_run split; /* --segment, --run-id, --start-at of the load phase */
    struct out_spec outs[8]; /* --out: replaces load.outputs */
    size_t out_count;
};

static int parse_args(int argc, char **argv, struct run_args *a)
{
    a->fail_on = -1;
    split_run_init(&a->split);
    for (int i = 1; i < argc; i++) {
        int taken = report_option(&cmd_run, argc, argv, &i, &a->reports);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken)
            continue;
        if (strcmp(argv[i], "--fail-on") == 0) {
            if (i + 1 >= argc || (a->fail_on = severity_parse(argv[i + 1])) < 0)
                return cli_usage_error(&cmd_run, "--fail-on: use info, low, medium, high or "
                                                 "critical");
            i++;
        } else if (strcmp(argv[i], "--segment") == 0 || strcmp(argv[i], "--run-id") == 0 ||
                   strcmp(argv[i], "--start-at") == 0) {
            char err[256];
            if (i + 1 >= argc)
                return cli_usage_error(&cmd_run, "%s needs a value", argv[i]);
            const char *v = argv[i + 1];
            int bad = argv[i][2] == 's' && argv[i][3] == 'e'
                          ? split_run_segment(&a->split, v, err, sizeof err)
                      : argv[i][2] == 'r'
                          ? split_run_id(&a->split, v, err, sizeof err)
                          : split_run_start_at(&a->split, v, split_run_now_ms(), err, sizeof err);
            if (bad)
                return cli_usage_error(&cmd_run, "%s: %s", argv[i], err);
            i++;
        } else if (strcmp(argv[i], "--out") == 0) {
            char err[320];
            if (i + 1 >= argc)
                return cli_usage_error(&cmd_run, "--out needs a value");
            if (a->out_count == sizeof a->outs / sizeof *a->outs)
                return cli_usage_error(&cmd_run, "--out: at most 8 outputs");
            if (out_spec_parse(argv[++i], &a->outs[a->out_count++], err, sizeof err))
                return cli_usage_error(&cmd_run, "--out %s", err);
        } else if (cli_config_operand(&cmd_run, argv[i], &a->config)) {
            return EXIT_USAGE;
        }
    }
    if (!a->config)
        return cli_usage_error(&cmd_run, "missing CONFIG");
    return 0;
}

static int in_registry(const char *id)
{
    for (size_t i = 0; i < probe_registry_count; i++)
        if (strcasecmp(id, probe_registry[i]->id) == 0)
            return 1;
    return 0;
}

static int is_group_letter(const char *e)
{
    return strlen(e) == 1 && strchr("STOREstore", e[0]);
}

/* The entries of an audit.only/audit.skip list that select baseline probes: group letters and
 * probe_registry ids (the list may also name the under-load checks). */
static struct strv baseline_subset(const struct strv *in)
{
    struct strv out = {xcalloc(in->count + 1, sizeof *out.items), 0};
    for (size_t i = 0; i < in->count; i++)
        if (is_group_letter(in->items[i]) || in_registry(in->items[i]))
            out.items[out.count++] = in->items[i];
    return out;
}

/* Every audit.only/audit.skip entry names a check of this run; 0, or -1 after saying which. */
static int check_selection(const struct config *cfg)
{
    const struct strv *lists[] = {&cfg->audit.only, &cfg->audit.skip};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->count; i++) {
            const char *e = lists[l]->items[i];
            if (is_group_letter(e) || gate_known_check(e))
                continue;
            fprintf(stderr,
                    "%s: audit.%s: '%s' is neither a check id nor a group letter "
                    "(S T O R E)\n",
                    cfg->path, l ? "skip" : "only", e);
            return -1;
        }
    }
    return 0;
}

/* Everything a run collects, for the report and the console. */
struct run_state {
    struct config cfg;
    struct accept_list accepted;
    struct engine_report baseline;
    struct run_load_plan plan;
    const struct split_run *split;
    int load_planned, load_ran;
    struct load_phase load;
    struct probe_result window;
    int has_window;
    struct gate_checks checks;
    struct report_threshold *thresholds;
    size_t threshold_count;
};

static void collect_checks(struct run_state *s)
{
    struct gate_checks *c = &s->checks;
    gate_checks_init(c, s->baseline.count + s->load.checks.count + s->load.fault_check.count + 1);
    gate_checks_add(c, &s->baseline, PHASE_BASELINE);
    gate_checks_add(c, &s->load.checks, PHASE_UNDER_LOAD);
    gate_checks_add(c, &s->load.fault_check, PHASE_UNDER_LOAD);
    if (s->has_window)
        c->items[c->count++] = (struct report_check){&fault_window_check,
                                                     engine_severity(&s->cfg, &fault_window_check),
                                                     &s->window,
                                                     PHASE_UNDER_LOAD,
                                                     0,
                                                     NULL};
    gate_checks_accept(c, &s->accepted, s->cfg.target.base_url);
}

/* Parse every threshold and check its selector as validate does (0), or print the errors and
 * return -1. */
static int parse_thresholds(struct run_state *s)
{
    const struct load *l = &s->cfg.load;
    s->thresholds = xcalloc(l->threshold_count + 1, sizeof *s->thresholds);
    int bad = 0;
    for (size_t i = 0; i < l->threshold_count; i++) {
        struct report_threshold *t = &s->thresholds[i];
        char msg[512];
        t->expr = l->thresholds[i].expr;
        int col = threshold_read(t->expr, l->scenarios, l->scenario_count, &t->parsed, msg,
                                 sizeof msg);
        if (col) {
            fprintf(stderr, "%s:%d:%d: load.thresholds[%zu]: '%s', column %d: %s\n", s->cfg.path,
                    l->thresholds[i].pos.line, l->thresholds[i].pos.col, i, t->expr, col, msg);
            bad = 1;
        }
    }
    s->threshold_count = l->threshold_count;
    return bad ? -1 : 0;
}

static void judge_thresholds(struct run_state *s)
{
    struct th_metrics m;
    result_metrics(&m, &s->load.result);
    for (size_t i = 0; i < s->threshold_count; i++) {
        struct report_threshold *t = &s->thresholds[i];
        if (s->load_ran) {
            threshold_eval(&t->parsed, &m, &t->result);
        } else {
            t->result.verdict = TH_NODATA;
            snprintf(t->result.line, sizeof t->result.line, "%s: no load ran", t->parsed.label);
        }
    }
}

/* The baseline and the load; 0, or an exit code when the run cannot go on. */
static int execute(const struct cli *cli, struct progress *prog, struct run_state *s)
{
    char err[512];
    if (engine_preflight(&s->cfg, err, sizeof err) != 0) {
        fprintf(stderr, "storecheck run: %s is unreachable: %s\n", s->cfg.target.base_url, err);
        return EXIT_RUN_ERROR;
    }
    struct strv only = baseline_subset(&s->cfg.audit.only);
    struct strv skip = baseline_subset(&s->cfg.audit.skip);
    struct engine_options opt = {.only = &only, .skip = &skip, .detect_stack = 1};
    /* audit.only naming under-load checks alone selects no baseline probe (an empty list
     * would mean all of them). */
    int baseline = !(s->cfg.audit.only.count && !only.count);
    if (!cli->quiet && baseline)
        fprintf(stderr, "storecheck run: baseline audit of %s\n", s->cfg.target.base_url);
    if (baseline)
        opt.observer = progress_audit(prog, "baseline audit");
    int rc = baseline ? engine_run(&s->cfg, &opt, &s->baseline, err, sizeof err) : 0;
    progress_audit_end(prog);
    free(only.items);
    free(skip.items);
    if (rc != 0) {
        fprintf(stderr, "storecheck run: %s\n", err);
        return EXIT_USAGE;
    }
    if (!s->load_planned || stop_requested())
        return 0; /* no load after a stop; the reports still come */
    if (!cli->quiet)
        fprintf(stderr, "storecheck run: load (%s)\n", s->plan.note);
    if (load_phase_run(prog, &s->cfg, &s->plan, s->split, &s->load, err, sizeof err) != 0) {
        if (stop_requested())
            return 0; /* stopped while waiting for --start-at: the reports still come */
        fprintf(stderr, "storecheck run: the load could not start: %s\n", err);
        return EXIT_RUN_ERROR;
    }
    s->load_ran = 1;
    if (s->load.has_fault) {
        fault_window_judge(&s->cfg, &s->load.result, &s->load.fault, &s->window);
        s->has_window = 1;
    }
    return 0;
}

static int finish(const struct cli *cli, struct run_state *s, const struct run_args *a,
                  enum severity fail_on, int interrupted, int64_t started)
{
    collect_checks(s);
    judge_thresholds(s);
    struct gate g = {.run = {
                         .target = s->cfg.target.base_url,
                         .started_unix_ms = started,
                         .interrupted = interrupted,
                         .load = s->load_ran ? &s->load.result : NULL,
                         .load_meta = &s->plan.meta,
                         .load_note = s->load_planned
                                          ? s->plan.note
                                          : "no load configured (load.profile or load.rate)",
                         .thresholds = s->thresholds,
                         .threshold_count = s->threshold_count,
                         .fault = s->load_ran && s->load.has_fault ? &s->load.fault : NULL,
                         .stack = &s->baseline.stack,
                         .secrets = &s->cfg.secrets,
                     }};
    gate_judge(&g, s->checks.items, s->checks.count, fail_on);
    FILE *out = report_console(&a->reports, &s->cfg);
    return gate_finish(cli, "run", &g, &s->cfg, &a->reports, out);
}

static int run(const struct cli *cli, int argc, char **argv)
{
    struct run_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    struct run_state s = {0};
    struct diag_list diags;
    diag_list_init(&diags);
    int code = EXIT_USAGE;
    if (config_load_file(&s.cfg, a.config, NULL, &diags) != 0 ||
        endpoint_check(&s.cfg, &diags) || gate_load_accepted(&s.cfg, &s.accepted, &diags) != 0) {
        diag_list_print(&diags, stderr);
        goto out;
    }
    if (parse_thresholds(&s) || check_selection(&s.cfg) ||
        report_console_check(&cmd_run, &a.reports, &s.cfg))
        goto out;
    if (a.out_count) {
        s.cfg.load.outputs = a.outs;
        s.cfg.load.output_count = a.out_count;
    }
    char err[512];
    int planned = run_load_plan(&s.cfg, &s.plan, err, sizeof err);
    if (planned < 0) {
        fprintf(stderr, "%s: load: %s\n", s.cfg.path, err);
        goto out;
    }
    s.load_planned = planned == 0;
    split_run_finish(&a.split);
    s.split = &a.split;
    if (s.load_planned && s.plan.scenarios.have_plan)
        scenario_run_set_run_id(&s.plan.scenarios, a.split.run_id);
    enum severity fail_on = a.fail_on >= 0 ? (enum severity)a.fail_on : s.cfg.audit.fail_on;

    /* Before any thread: they all leave SIGINT/SIGTERM to the watcher. */
    struct stop_signal *watch = stop_signal_start("run");
    engine_global_init();
    int64_t started = gate_now_unix_ms();
    struct progress *prog = progress_start(cli);
    if (prog)
        stop_signal_over_status_line(watch);
    code = execute(cli, prog, &s);
    progress_end(prog);
    if (code == 0)
        code = finish(cli, &s, &a, fail_on, stop_requested(), started);
    stop_signal_end(watch); /* may undo a fault: libcurl is still up */
    engine_global_cleanup();
out:
    diag_list_free(&diags);
    engine_report_free(&s.baseline);
    if (s.load_ran)
        load_phase_free(&s.load);
    if (s.has_window)
        arena_free(&s.window.arena);
    run_load_plan_free(&s.plan);
    accept_free(&s.accepted);
    gate_checks_free(&s.checks);
    free(s.thresholds);
    config_free(&s.cfg);
    return code;
}

const struct command cmd_run = {
    .name = "run",
    .summary = "audit + load + gate: the CI entry point, with JSON/HTML/JUnit/Markdown/SARIF",
    .help = "Usage: storecheck run CONFIG [--fail-on SEVERITY] [--json F] [--html F] [--junit F]\n"
            "                             [--markdown F] [--sarif F]\n"
            "\n"
            "A quiet baseline audit (every selected probe), then the load of load.profile (or a\n"
            "constant load.rate for load.duration) with the checks that only mean something\n"
            "under load beside it: health/readiness still fast, error pages still clean, rate\n"
            "limiting still 429 (O-HEALTH-UNDER-LOAD, O-ERRORS-UNDER-LOAD,\n"
            "T-RATE-LIMIT-UNDER-LOAD; audit.only selects the baseline only, audit.skip skips\n"
            "these too). With load.fault, the fault of target.faults is injected at\n"
            "its moment and undone after its duration (always, also on Ctrl-C), checkout is\n"
            "checked while it is on (R-FAULT-UNDER-LOAD) and the load's per-second series show\n"
            "what browsing shoppers saw (R-LOAD-DURING-FAULT). With load.scenarios the load is\n"
            "virtual users running them under load.profile (steady when only load.rate is\n"
            "set), as storecheck load CONFIG runs them; without, GETs to the store's pages.\n"
            "load.outputs (or --out) streams the load's running totals once a second.\n"
            "\n"
            "Then scores and grades per STORE group (docs/scoring.md), the thresholds, one\n"
            "verdict, and the reports of the reports section (the options override them; - is\n"
            "stdout, for one report at most, and the console output then goes to stderr).\n"
            "Accepted findings (audit.accept) do not fail the gate until they expire.\n"
            "The reasons of a failed gate are printed at the end, one line each. On a terminal,\n"
            "a status line names the phase (baseline audit, load, fault window) with its\n"
            "progress, and the end is a k6-like table naming each check that did not pass;\n"
            "-q or a pipe leaves both out.\n"
            "\n"
            "Options:\n"
            "  --fail-on SEV   gate threshold: info, low, medium, high, critical\n"
            "                  (default: audit.fail_on, else high)\n"
            "  --json F        the JSON report (reports/schema/report.schema.json)\n"
            "  --html F        the HTML report (one self-contained file)\n"
            "  --junit F       JUnit XML: one testcase per check and per threshold\n"
            "  --markdown F    a Markdown summary for a job summary or a PR comment\n"
            "  --sarif F       SARIF 2.1.0 for code scanning: one result per failed or warned\n"
            "                  check, accepted findings suppressed with their reason\n"
            "  --segment i/n   load only segment i of n of the schedule, as storecheck load\n"
            "                  --segment does; the fault is injected by segment 0 alone\n"
            "  --run-id ID     the run's id, the same for all its segments (default: random)\n"
            "  --start-at T    start the load (after the baseline audit) at T: UTC\n"
            "                  (2026-12-06T14:00:00Z) or unix seconds, at most 24h ahead\n"
            "  --out KIND=TARGET  stream the load's running totals once a second (repeatable,\n"
            "                  at most 8; replaces load.outputs): json=FILE, csv=FILE or\n"
            "                  prometheus-rw=URL (docs/outputs.md)\n"
            "\n"
            "Ctrl-C (or SIGTERM) stops the run: nothing new starts (no probe, no order, no\n"
            "fault, no load), probes in flight are cancelled, a fault that is on is undone, and\n"
            "the reports are written, marked interrupted (exit 3). A second Ctrl-C undoes the\n"
            "fault and quits at once, exit 3, without reports.\n"
            "\n"
            "Exit codes:\n"
            "  0  the gate passed\n"
            "  1  the gate failed: a finding at or above --fail-on, or a threshold broken\n"
            "  2  usage or config error (also in the accepted-findings file)\n"
            "  3  the run could not be done: target unreachable, a check could not decide,\n"
            "     the run was interrupted, a report could not be written\n",
    .run = run,
};
