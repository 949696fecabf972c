/* storecheck capacity: step the arrival rate of the config's scenarios until the thresholds
 * break, bisect to the knee, report every step and the highest rate that holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/capacity_search.h"
#include "checker/capacity_share.h"
#include "checker/capacity_step.h"
#include "checker/cli.h"
#include "checker/commands.h"
#include "checker/console.h"
#include "checker/fd_limit.h"
#include "checker/load_gate.h"
#include "checker/load_scenarios.h"
#include "checker/split_run.h"
#include "checker/stop_signal.h"
#include "common/allowlist.h"
#include "common/exit_codes.h"
#include "common/oom.h"
#include "common/redact.h"
#include "common/stop.h"
#include "common/units.h"
#include "config/cfg_capacity.h"
#include "config/config_load.h"
#include "probes/nonce.h"
#include "reports/capacity_report.h"
#include "scenario/run_fingerprint.h"
#include "scenario/scenario_check.h"

static const char help[] =
    "Usage: storecheck capacity CONFIG [OPTIONS]\n"
    "\n"
    "Find the highest arrival rate the store holds: the config's scenarios run in steps of a\n"
    "constant arrival rate (the profile's mix kept), each step a warm-up that is not judged\n"
    "and a judged window; load.thresholds are the SLO, judged on each window alone. The rate\n"
    "grows (start, then times step_factor or plus step_increment) until a step breaks a\n"
    "threshold, then the search bisects between the last rate that held and the first that\n"
    "broke until the gap is within the precision. No step goes above max_rate; a step whose\n"
    "error rate passes abort_error_rate ends the search at once. The capacity section of\n"
    "the config sets the rules (docs/config.md); these options override it:\n"
    "\n"
    "Options:\n"
    "      --start R            the first step's rate (e.g. 50/s)\n"
    "      --step-factor F      each step multiplies the rate by F (> 1)\n"
    "      --step-increment R   each step adds R instead\n"
    "      --step-duration D    the judged window of a step (e.g. 10s)\n"
    "      --warmup D           the unjudged start of a step, whole seconds (e.g. 2s, 0s)\n"
    "      --precision P        the bracket of the knee: 5% of the rate, or a rate (10/s)\n"
    "      --max-rate R         no step above R (never above load.max_rate)\n"
    "      --target R           the rate the store must hold for exit 0\n"
    "      --max-steps N        at most N steps\n"
    "      --profile P          the profile whose mix, users and timeout the steps use\n"
    "                           (default load.profile, else steady; an open-model one)\n"
    "      --json FILE          write the result as JSON (docs/capacity-json.md)\n"
    "      --html FILE          write a page with the throughput/latency curve and the knee\n"
    "                           (- is stdout for one of them, and the rows and the verdict\n"
    "                           then go to stderr)\n"
    "      --out KIND=TARGET    stream the running totals once a second, over all steps\n"
    "                           (repeatable, at most 8; replaces load.outputs): json=FILE,\n"
    "                           csv=FILE or prometheus-rw=URL (docs/outputs.md)\n"
    "      --segment i/n        send only segment i (from 0) of n of each step's arrivals\n"
    "                           (arrival k when k mod n = i, as storecheck load --segment);\n"
    "                           the n segments judge every step together: needs --share\n"
    "      --share DIR          a folder every segment reads and writes (a shared volume):\n"
    "                           after each step the segments meet in DIR/<run-id>/; needs\n"
    "                           --run-id\n"
    "      --run-id ID          the search's id, the same for all its segments; random\n"
    "                           values of the scenarios derive from it\n"
    "      --start-at TIME      wait until TIME (2026-12-06T03:30:00Z, or unix seconds; at\n"
    "                           most 24h ahead), then start: segments start together\n"
    "  -h, --help               this help\n"
    "\n"
    "A row is printed per step; on a terminal a progress line shows the step running.\n"
    "Ctrl-C stops the search: the steps so far are printed and written, marked interrupted.\n"
    "\n"
    "Split over segments, each step is judged on all the segments' judged windows added up\n"
    "exactly (as storecheck merge adds results up), so every segment chooses the same next\n"
    "rate and writes the same result. A segment that is stopped (Ctrl-C, an error) writes a\n"
    "marker that stops the others at once (exit 3); a segment whose window of a step is not in\n"
    "DIR within the step's length, the request timeout and 10s more is named and the search\n"
    "ends (exit 3); windows of another config or run id are refused (exit 2). The abort\n"
    "rule is applied to each whole step once it ended (a segment sees only its share).\n"
    "\n"
    "Exit codes:\n"
    "  0  the rate that holds is at or above the target (without one: some rate holds)\n"
    "  1  it is below the target, or nothing holds\n"
    "  2  usage or config error (segments of another config or run id too)\n"
    "  3  the search could not be done (no connection, the engine failed, a segment did not\n"
    "     come) or was interrupted (here or in another segment)\n";

enum {
    OPT_START = 256,
    OPT_FACTOR,
    OPT_INCREMENT,
    OPT_STEP,
    OPT_WARMUP,
    OPT_PRECISION,
    OPT_MAX_RATE,
    OPT_TARGET,
    OPT_MAX_STEPS,
    OPT_PROFILE,
    OPT_JSON,
    OPT_HTML,
    OPT_OUT,
    OPT_SEGMENT,
    OPT_SHARE,
    OPT_RUN_ID,
    OPT_START_AT,
};

static const struct option options[] = {
    {"start", required_argument, NULL, OPT_START},
    {"step-factor", required_argument, NULL, OPT_FACTOR},
    {"step-increment", required_argument, NULL, OPT_INCREMENT},
    {"step-duration", required_argument, NULL, OPT_STEP},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"max-rate", required_argument, NULL, OPT_MAX_RATE},
    {"target", required_argument, NULL, OPT_TARGET},
    {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"out", required_argument, NULL, OPT_OUT},
    {"segment", required_argument, NULL, OPT_SEGMENT},
    {"share", required_argument, NULL, OPT_SHARE},
    {"run-id", required_argument, NULL, OPT_RUN_ID},
    {"start-at", required_argument, NULL, OPT_START_AT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What the command line sets; 0/NULL where it leaves the config's value. */
struct capacity_args {
    const char *config, *profile, *json, *html, *share;
    struct split_run split;
    double start, factor, increment, precision, max_rate, target;
    int precision_set, precision_relative;
    uint64_t step_ms, warmup_ms, max_steps;
    int warmup_set;
    struct out_spec outs[8]; /* --out */
    size_t out_count;
};

static int positive_rate(const char *opt, const char *v, double *out)
{
    char err[160];
    if (units_parse_rate(v, out, err, sizeof err))
        return cli_usage_error(&cmd_capacity, "%s: %s", opt, err);
    if (!(*out > 0))
        return cli_usage_error(&cmd_capacity, "%s: must be above 0", opt);
    return 0;
}

static int parse_option(int opt, const char *v, struct capacity_args *a)
{
    char err[160];
    char *end = NULL;
    switch (opt) {
    case OPT_START:
        return positive_rate("--start", v, &a->start);
    case OPT_FACTOR:
        a->factor = strtod(v, &end);
        if (end == v || *end || !(a->factor > 1 && a->factor <= 100))
            return cli_usage_error(&cmd_capacity, "--step-factor: '%s' is not above 1 (and at "
                                                  "most 100)", v);
        return 0;
    case OPT_INCREMENT:
        return positive_rate("--step-increment", v, &a->increment);
    case OPT_STEP:
        if (units_parse_duration_ms(v, &a->step_ms, err, sizeof err) || !a->step_ms)
            return cli_usage_error(&cmd_capacity, "--step-duration: '%s' is not a duration "
                                                  "above 0", v);
        return 0;
    case OPT_WARMUP:
        if (units_parse_duration_ms(v, &a->warmup_ms, err, sizeof err) || a->warmup_ms % 1000)
            return cli_usage_error(&cmd_capacity, "--warmup: '%s' is not whole seconds", v);
        a->warmup_set = 1;
        return 0;
    case OPT_PRECISION:
        if (cfg_capacity_parse_precision(v, &a->precision, &a->precision_relative, err,
                                         sizeof err))
            return cli_usage_error(&cmd_capacity, "--precision: %s", err);
        a->precision_set = 1;
        return 0;
    case OPT_MAX_RATE:
        return positive_rate("--max-rate", v, &a->max_rate);
    case OPT_TARGET:
        return positive_rate("--target", v, &a->target);
    case OPT_MAX_STEPS:
        if (units_parse_count(v, &a->max_steps, err, sizeof err) || a->max_steps < 1 ||
            a->max_steps > 200)
            return cli_usage_error(&cmd_capacity, "--max-steps: '%s' is not from 1 to 200", v);
        return 0;
    case OPT_PROFILE:
        a->profile = v;
        return 0;
    case OPT_JSON:
        a->json = v;
        return 0;
    case OPT_HTML:
        a->html = v;
        return 0;
    case OPT_OUT:
        if (a->out_count == sizeof a->outs / sizeof *a->outs)
            return cli_usage_error(&cmd_capacity, "--out: at most 8 outputs");
        if (out_spec_parse(v, &a->outs[a->out_count], err, sizeof err))
            return cli_usage_error(&cmd_capacity, "--out %s", err);
        a->out_count++;
        return 0;
    case OPT_SHARE:
        a->share = v;
        return 0;
    case OPT_SEGMENT:
        if (split_run_segment(&a->split, v, err, sizeof err))
            return cli_usage_error(&cmd_capacity, "--segment: %s", err);
        return 0;
    case OPT_RUN_ID:
        if (split_run_id(&a->split, v, err, sizeof err))
            return cli_usage_error(&cmd_capacity, "--run-id: %s", err);
        return 0;
    case OPT_START_AT:
        if (split_run_start_at(&a->split, v, split_run_now_ms(), err, sizeof err))
            return cli_usage_error(&cmd_capacity, "--start-at: %s", err);
        return 0;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct capacity_args *a)
{
    optind = 1;
    opterr = 0;
    split_run_init(&a->split);
    int opt;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (opt == ':')
            return cli_usage_error(&cmd_capacity, "%s needs a value", argv[optind - 1]);
        if (opt == '?' || opt == 'h')
            return cli_usage_error(&cmd_capacity, "unknown option '%s'", argv[optind - 1]);
        int rc = parse_option(opt, optarg, a);
        if (rc)
            return rc;
    }
    for (int i = optind; i < argc; i++) {
        int rc = cli_config_operand(&cmd_capacity, argv[i], &a->config);
        if (rc)
            return rc;
    }
    if (!a->config)
        return cli_usage_error(&cmd_capacity, "no CONFIG given");
    if (a->factor > 0 && a->increment > 0)
        return cli_usage_error(&cmd_capacity, "--step-factor or --step-increment, not both");
    /* The segments meet in the folder under the run id: without either they never would. */
    if (a->split.segment.count > 1 && !a->share)
        return cli_usage_error(&cmd_capacity, "--segment needs --share DIR, a folder every "
                                              "segment reads and writes");
    if (a->share && !a->split.run_id[0])
        return cli_usage_error(&cmd_capacity, "--share needs --run-id, the same for all the "
                                              "segments of the search");
    const char *reports[] = {a->json, a->html};
    return console_check(&cmd_capacity, reports, sizeof reports / sizeof *reports);
}

/* The command line over the config's capacity section; the config's load.max_rate holds. */
static int merge_rules(const struct capacity_args *a, const struct config *cfg,
                       struct capacity *c)
{
    *c = cfg->capacity;
    if (a->start > 0)
        c->start = a->start;
    if (a->factor > 0 || a->increment > 0) {
        c->step_factor = a->factor;
        c->step_increment = a->increment;
    }
    if (a->step_ms)
        c->step_ms = a->step_ms;
    if (a->warmup_set)
        c->warmup_ms = a->warmup_ms;
    if (a->precision_set) {
        c->precision = a->precision;
        c->precision_relative = a->precision_relative;
    }
    if (a->max_rate > 0)
        c->max_rate = a->max_rate;
    if (a->target > 0)
        c->target = a->target;
    if (a->max_steps)
        c->max_steps = (uint32_t)a->max_steps;
    double cap = cfg->load.max_rate;
    if (!(c->max_rate > 0))
        return cli_usage_error(&cmd_capacity, "no max_rate: set capacity.max_rate or "
                                              "load.max_rate in %s, or give --max-rate",
                               a->config);
    if (cap > 0 && c->max_rate > cap)
        return cli_usage_error(&cmd_capacity, "a max rate of %g/s is above load.max_rate (%g/s)",
                               c->max_rate, cap);
    if (c->start > c->max_rate)
        return cli_usage_error(&cmd_capacity, "the start (%g/s) is above the max rate (%g/s)",
                               c->start, c->max_rate);
    if (c->target > c->max_rate)
        return cli_usage_error(&cmd_capacity, "the target (%g/s) is above the max rate (%g/s): "
                                              "it could never be shown to hold",
                               c->target, c->max_rate);
    return 0;
}

/* "Name: value" lines of target.headers; free the array and each line. */
static char **header_lines(const struct config *cfg)
{
    const struct kv_list *h = &cfg->target.headers;
    char **lines = xcalloc(h->count + 1, sizeof *lines);
    for (size_t i = 0; i < h->count; i++) {
        size_t len = strlen(h->items[i].key) + strlen(h->items[i].value) + 3;
        lines[i] = xmalloc(len);
        snprintf(lines[i], len, "%s: %s", h->items[i].key, h->items[i].value);
    }
    return lines;
}

struct capacity_job {
    struct config cfg;
    struct capacity rules;
    struct url base;
    char **headers;
    struct scenario_run sr;
    struct load_gate gate;
    struct capacity_step_plan plan;
    struct split_run split;
    struct capacity_share share;
    int shared;    /* share is open: the steps are judged with the other segments */
    FILE *console; /* the rows and the verdict (checker/console.h) */
};

/* Everything a step needs, from the config: 0, or an exit code after saying why. */
static int prepare(const struct capacity_args *a, struct capacity_job *j)
{
    const struct config *cfg = &j->cfg;
    char err[512];
    if (!cfg->load.scenario_count)
        return cli_usage_error(&cmd_capacity, "%s has no load.scenarios: capacity steps the "
                                              "arrival rate of scenarios",
                               a->config);
    if (!cfg->target.base_url)
        return cli_usage_error(&cmd_capacity, "no target.base_url in %s", a->config);
    struct diag_list diags;
    diag_list_init(&diags);
    size_t problems = scenario_check(cfg, &diags);
    diag_list_print(&diags, stderr);
    diag_list_free(&diags);
    if (problems)
        return EXIT_USAGE;
    if (url_parse(cfg->target.base_url, &j->base, err, sizeof err) ||
        !allowlist_url_ok(&cfg->target.allowed_hosts, cfg->target.base_url, err, sizeof err))
        return cli_usage_error(&cmd_capacity, "target.base_url: %s", err);
    if (load_gate_init(&j->gate, &cfg->load, err, sizeof err))
        return cli_usage_error(&cmd_capacity, "%s", err);
    struct loadgen_params *p = &j->plan.base;
    p->urls = &j->base;
    p->url_count = 1;
    j->headers = header_lines(cfg);
    p->headers = (const char *const *)j->headers;
    p->header_count = cfg->target.headers.count;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    p->threads = cfg->load.threads ? cfg->load.threads : (uint32_t)(cores > 0 ? cores : 1);
    p->timeout_us = cfg->load.timeout_ms * 1000;
    p->insecure = cfg->target.insecure;
    p->ca_file = cfg->target.ca_file;
    struct scenario_overrides o = {
        .profile = a->profile ? a->profile : cfg->load.profile ? NULL : "steady",
        .rate = j->rules.start,
        .run_id = a->split.run_id[0] ? a->split.run_id : NULL,
    };
    if (scenario_run_prepare(&j->sr, cfg, &o, (const char *const *)j->headers,
                             cfg->target.headers.count, p, err, sizeof err))
        return cli_usage_error(&cmd_capacity, "%s", err);
    if (p->model != LG_MODEL_OPEN)
        return cli_usage_error(&cmd_capacity, "profile %s has virtual users with think time; "
                                              "capacity steps an arrival rate: use an open-model "
                                              "profile (--profile steady)",
                               j->sr.profile_path);
    uint64_t files = fd_limit_need(p->max_connections, p->threads), limit = 0;
    if (fd_limit_fit(files, &limit))
        return cli_usage_error(&cmd_capacity, "%u connections need %llu open files, above the "
                                              "limit of %llu (ulimit -n)",
                               p->max_connections, (unsigned long long)files,
                               (unsigned long long)limit);
    p->segment = a->split.segment;
    j->split = a->split;
    j->plan.gate = &j->gate;
    j->plan.warmup_us = j->rules.warmup_ms * 1000;
    j->plan.window_us = j->rules.step_ms * 1000;
    j->plan.abort_error_rate = j->rules.abort_error_rate;
    return 0;
}

static void fmt_latency(uint64_t us, char *buf, size_t len)
{
    units_format_duration_us(us, buf, len);
}

static void print_header(const struct cli *cli, FILE *out, const struct capacity_job *j)
{
    if (cli->quiet)
        return;
    fprintf(out, "%sCapacity%s of %s: scenarios of %s, steps of %llus warm-up + %llus judged\n",
            cli_bold(cli), cli_reset(cli), j->cfg.target.base_url, j->sr.profile_path,
            (unsigned long long)(j->rules.warmup_ms / 1000),
            (unsigned long long)(j->rules.step_ms / 1000));
    if (j->shared)
        fprintf(out, "  segment %u/%u of search %s: every step judged with the others'\n",
                j->split.segment.index, j->split.segment.count, j->split.run_id);
    fprintf(out, "  %10s %10s %10s %9s %9s %9s %9s %8s  %s\n", "offered/s", "achieved/s", "resp/s",
            "p50", "p90", "p95", "p99", "errors", "verdict");
    fflush(out);
}

static void print_step(const struct cli *cli, FILE *out, const struct capacity_report_step *s,
                       const struct strv *secrets)
{
    if (cli->quiet)
        return;
    char p50[32], p90[32], p95[32], p99[32], errs[32];
    fmt_latency(s->p50, p50, sizeof p50);
    fmt_latency(s->p90, p90, sizeof p90);
    fmt_latency(s->p95, p95, sizeof p95);
    fmt_latency(s->p99, p99, sizeof p99);
    snprintf(errs, sizeof errs, "%.1f%%", 100 * s->error_rate);
    int good = strcmp(s->verdict, "holds") == 0;
    fprintf(out, "  %10.1f %10.1f %10.1f %9s %9s %9s %9s %8s  %s%s%s", s->offered_rate,
            s->achieved_rate, s->responses_rate, p50, p90, p95, p99, errs,
            good ? cli_green(cli) : cli_red(cli), s->verdict, cli_reset(cli));
    if (s->abort_reason[0])
        fprintf(out, ": %s", s->abort_reason);
    else if (s->broken_count) {
        char *line = redact_copy(secrets, s->broken[0]);
        fprintf(out, ": %s%s", line, s->broken_count > 1 ? " (and more)" : "");
        free(line);
    }
    fprintf(out, "\n");
    fflush(out);
}

/* The threshold that broke at the lowest rate (the abort rule when it was that). */
static void first_broken(struct capacity_report *r)
{
    for (size_t i = 0; i < r->step_count; i++) {
        const struct capacity_report_step *s = &r->steps[i];
        int abort = s->abort_reason[0] != 0;
        if (!(s->broken_count || abort) || s->interrupted)
            continue;
        if (r->first_broken && s->offered_rate >= r->first_broken_rate)
            continue;
        r->first_broken = s->broken_count ? s->broken_exprs[0] : "abort_error_rate";
        r->first_broken_line = s->broken_count ? s->broken[0] : s->abort_reason;
        r->first_broken_rate = s->offered_rate;
    }
}

/* The verdict line (also with -q), then the threshold that broke first and the target. */
static void print_verdict(const struct cli *cli, FILE *out, const struct capacity_report *r)
{
    char *line = r->first_broken_line ? redact_copy(r->secrets, r->first_broken_line) : NULL;
    fprintf(out, "%s%s", cli->quiet ? "" : "\n", cli_bold(cli));
    if (r->holds > 0)
        fprintf(out, "Holds %.1f/s", r->holds);
    else
        fprintf(out, "No rate held");
    fprintf(out, "%s", cli_reset(cli));
    if (r->breaks > 0)
        fprintf(out, "; breaks at %.1f/s (the knee)", r->breaks);
    fprintf(out, " [%s%s]\n", r->end, r->interrupted ? ", interrupted" : "");
    if (cli->quiet) {
        free(line);
        return;
    }
    if (line)
        fprintf(out, "  first broken at %.1f/s: %s\n", r->first_broken_rate, line);
    if (r->target_rate > 0)
        fprintf(out, "  target %.1f/s: %s%s%s\n", r->target_rate,
                r->passed ? cli_green(cli) : cli_red(cli), r->passed ? "held" : "not shown to hold",
                cli_reset(cli));
    free(line);
}

static void fill_report(struct capacity_report *r, const struct capacity_job *j,
                        const struct capacity_search *s)
{
    const struct capacity *c = &j->rules;
    r->target = j->cfg.target.base_url;
    r->profile = j->sr.profile_path;
    r->secrets = &j->cfg.secrets;
    r->start = c->start;
    r->step_factor = c->step_factor;
    r->step_increment = c->step_increment;
    r->precision = c->precision;
    r->precision_relative = c->precision_relative;
    r->max_rate = c->max_rate;
    r->target_rate = c->target;
    r->abort_error_rate = c->abort_error_rate;
    r->warmup_us = j->plan.warmup_us;
    r->window_us = j->plan.window_us;
    r->max_steps = c->max_steps;
    r->end = capacity_end_name(s->end);
    r->holds = s->holds;
    r->breaks = s->breaks;
    if (j->shared) {
        r->run_id = j->split.run_id;
        r->segments = j->split.segment.count;
    }
    first_broken(r);
    /* A search that did not end (Ctrl-C, a step that could not run) proves nothing. */
    r->passed = s->end != CAPACITY_SEARCHING &&
                (c->target > 0 ? s->holds >= c->target : s->holds > 0);
}

static int write_reports(const struct capacity_args *a, const struct capacity_report *r)
{
    char err[512];
    if (a->json && capacity_json_write(a->json, r, err, sizeof err)) {
        fprintf(stderr, "storecheck capacity: %s\n", err);
        return -1;
    }
    if (a->html && capacity_html_write(a->html, r, err, sizeof err)) {
        fprintf(stderr, "storecheck capacity: %s\n", err);
        return -1;
    }
    return 0;
}

/* A step's windows of all the segments added up, in place of this segment's own in *win.
 * 0 (st->interrupted when a stop came first), or an exit code after saying why. */
static int whole_step(struct capacity_job *j, uint32_t step, double rate,
                      struct capacity_report_step *st, struct load_result *win)
{
    struct loadgen_params p;
    capacity_step_params(&j->plan, rate, &p);
    run_fingerprint(&p, scenario_run_plan(&j->sr), j->cfg.load.thresholds,
                    j->cfg.load.threshold_count, win->config_hash);
    snprintf(win->run_id, sizeof win->run_id, "%s", j->split.run_id);
    const char *url = j->cfg.target.base_url;
    struct load_json_meta meta = {.urls = &url,
                                  .url_count = 1,
                                  .method = "GET",
                                  .secrets = &j->cfg.secrets,
                                  .profile = j->sr.profile_path};
    /* The segments start a step within a poll of each other: one later than the step's
     * length, its requests' timeout and 10 s more is not coming. */
    uint64_t timeout_ms =
        (j->plan.warmup_us + j->plan.window_us + j->plan.base.timeout_us) / 1000 + 10000;
    struct load_result whole;
    char err[1024];
    int rc = capacity_share_exchange(&j->share, step, win, &meta, timeout_ms, &whole, err,
                                     sizeof err);
    if (rc == CAPACITY_SHARE_STOPPED) {
        st->interrupted = 1;
        return 0;
    }
    if (rc) {
        char *msg = redact_copy(&j->cfg.secrets, err);
        fprintf(stderr, "storecheck capacity: %s\n", msg);
        free(msg);
        st->interrupted = 1;
        return rc == CAPACITY_SHARE_INVALID ? EXIT_USAGE : EXIT_RUN_ERROR;
    }
    load_result_free(win);
    *win = whole;
    return 0;
}

/* Step and bisect until the search ends or Ctrl-C; the steps go into r. 0, or an exit code
 * after saying why a step could not run or be judged. */
static int search(const struct cli *cli, struct capacity_job *j, struct capacity_search *s,
                  struct capacity_report *r)
{
    const struct capacity *c = &j->rules;
    struct capacity_rules rules = {
        .start = c->start,
        .factor = c->step_factor,
        .increment = c->step_increment,
        .precision = c->precision,
        .relative = c->precision_relative,
        .max_rate = c->max_rate,
        .max_steps = c->max_steps,
    };
    capacity_search_init(s, &rules);
    r->steps = xcalloc(c->max_steps + 1, sizeof *r->steps);
    double rate;
    int rc = 0;
    while (!rc && !stop_requested() && capacity_search_next(s, &rate)) {
        struct capacity_report_step *st = &r->steps[r->step_count];
        struct load_result win;
        char err[512];
        if (capacity_step_measure(&j->plan, rate, st, &win, err, sizeof err)) {
            char *msg = redact_copy(&j->cfg.secrets, err);
            fprintf(stderr, "storecheck capacity: a step could not run: %s\n", msg);
            if (j->shared)
                capacity_share_stop(&j->share, msg);
            free(msg);
            return EXIT_RUN_ERROR;
        }
        r->step_count++;
        if (j->shared && !st->interrupted)
            rc = whole_step(j, (uint32_t)r->step_count, rate, st, &win);
        enum capacity_verdict v;
        capacity_step_judge(&j->plan, rate, &win, st, &v);
        load_result_free(&win);
        print_step(cli, j->console, st, &j->cfg.secrets);
        if (st->interrupted)
            break;
        capacity_search_record(s, rate, v);
    }
    r->interrupted = stop_requested();
    return rc;
}

/* Meet the other segments in the shared folder, then wait for the start time. 0, or an exit
 * code after saying why. */
static int set_out(const struct capacity_args *a, struct capacity_job *j)
{
    char err[1024];
    if (a->share) {
        if (capacity_share_open(&j->share, a->share, a->split.run_id, a->split.segment, err,
                                sizeof err))
            return cli_usage_error(&cmd_capacity, "%s", err);
        j->shared = 1;
        j->plan.abort_at_end = 1;
    }
    if (split_run_wait(&a->split)) {
        fprintf(stderr, "storecheck capacity: interrupted before the start\n");
        return EXIT_RUN_ERROR;
    }
    return 0;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    struct capacity_args a = {0};
    struct capacity_job j = {0};
    struct capacity_report r = {0};
    struct stop_signal *watch = NULL;
    struct live_outputs *outs = NULL;
    int have_cfg = 0;
    int rc = parse_args(argc, argv, &a);
    if (rc == 0) {
        struct diag_list diags;
        diag_list_init(&diags);
        have_cfg = 1;
        if (config_load_file(&j.cfg, a.config, NULL, &diags) != 0) {
            diag_list_print(&diags, stderr);
            rc = EXIT_USAGE;
        }
        diag_list_free(&diags);
    }
    if (rc == 0)
        rc = merge_rules(&a, &j.cfg, &j.rules);
    if (rc == 0)
        rc = prepare(&a, &j);
    if (rc)
        goto out;
    j.plan.live = cli->tty && !cli->quiet;
    /* Before any thread: they all leave SIGINT/SIGTERM to the watcher. */
    watch = stop_signal_start("capacity");
    if ((rc = set_out(&a, &j)))
        goto out;
    char err[512], run_id[65];
    if (j.split.run_id[0])
        snprintf(run_id, sizeof run_id, "%s", j.split.run_id);
    else
        nonce_hex(run_id, 8); /* labels the live outputs' samples */
    if (live_outputs_open(&outs, a.out_count ? a.outs : j.cfg.load.outputs,
                          a.out_count ? a.out_count : j.cfg.load.output_count, run_id,
                          j.split.segment.index, err, sizeof err)) {
        fprintf(stderr, "storecheck capacity: %s\n", err);
        rc = EXIT_RUN_ERROR;
        goto out;
    }
    j.plan.outputs = outs;
    const char *reports[] = {a.json, a.html};
    j.console = console_stream(reports, sizeof reports / sizeof *reports);
    print_header(cli, j.console, &j);
    struct capacity_search s;
    rc = search(cli, &j, &s, &r);
    if (j.shared && capacity_share_stopped_by(&j.share) >= 0) {
        char *marker =
            capacity_share_marker(&j.share, (uint32_t)capacity_share_stopped_by(&j.share));
        fprintf(stderr, "storecheck capacity: segment %ld/%u stopped the search (%s)\n",
                capacity_share_stopped_by(&j.share), j.split.segment.count, marker);
        free(marker);
    }
    live_outputs_close(outs);
    fill_report(&r, &j, &s);
    r.outputs = live_outputs_stats(outs, &r.output_count);
    print_verdict(cli, j.console, &r);
    live_outputs_report(outs, j.console, cli->quiet, "capacity", &j.cfg.secrets);
    fflush(j.console);
    if (write_reports(&a, &r))
        rc = EXIT_RUN_ERROR;
    if (!rc)
        rc = r.interrupted ? EXIT_RUN_ERROR : r.passed ? EXIT_PASSED : EXIT_GATE_FAILED;
out:
    if (j.shared)
        capacity_share_close(&j.share);
    stop_signal_end(watch);
    live_outputs_free(outs);
    for (size_t i = 0; i < r.step_count; i++)
        capacity_report_step_free(&r.steps[i]);
    free(r.steps);
    for (size_t i = 0; j.headers && i < j.cfg.target.headers.count; i++)
        free(j.headers[i]);
    free(j.headers);
    scenario_run_free(&j.sr);
    load_gate_free(&j.gate);
    if (have_cfg)
        config_free(&j.cfg);
    return rc;
}

const struct command cmd_capacity = {
    .name = "capacity",
    .summary = "step the arrival rate until the thresholds break; report the knee",
    .help = help,
    .run = run,
};
