/* storecheck audit CONFIG: run the probes, print findings by STORE group, gate on severity
 * (accepted findings aside), and write the run reports without a load. */
#include <stdio.h>
#include <string.h>

#include "checker/commands.h"
#include "config/config_load.h"
#include "checker/gate_report.h"
#include "checker/progress.h"
#include "checker/stop_signal.h"
#include "common/exit_codes.h"
#include "common/stop.h"
#include "probes/endpoint_check.h"
#include "probes/engine.h"

/* Split "A,B,C" into items appended to v (pointers into s, which is modified). */
static void split_list(char *s, struct strv *v, const char **store, size_t cap)
{
    for (char *tok = strtok(s, ","); tok && v->count < cap; tok = strtok(NULL, ",")) {
        while (*tok == ' ')
            tok++;
        if (*tok)
            store[v->count++] = tok;
    }
    v->items = store;
}

static void print_list(const struct cli *cli)
{
    for (int g = 0; g < GROUP_COUNT; g++) {
        int header = 0;
        for (size_t i = 0; i < probe_registry_count; i++) {
            const struct probe *p = probe_registry[i];
            if (p->group != (enum probe_group)g)
                continue;
            if (!header++)
                printf("%s%c  %s%s\n", cli_bold(cli), probe_group_letter(p->group),
                       probe_group_name(p->group), cli_reset(cli));
            printf("  %-23s %-8s %s\n", p->id, severity_name(p->severity), p->title);
        }
    }
}

static const char *status_color(const struct cli *cli, enum probe_status st)
{
    switch (st) {
    case PROBE_PASS:
        return cli_green(cli);
    case PROBE_FAIL:
    case PROBE_ERROR:
        return cli_red(cli);
    case PROBE_WARN:
        return cli_yellow(cli);
    default:
        return "";
    }
}

enum { EVIDENCE_SHOWN = 4 };

/* What the gate made of a check: it fails the gate, or it is accepted (until when, and why). */
static void print_gate_mark(FILE *out, const struct report_check *c)
{
    const struct report_acceptance *a = c->accepted;
    if (a && a->expired)
        fprintf(out, " [acceptance expired on %s]", a->expires);
    else if (a)
        fprintf(out, " [accepted until %s: %s]", a->expires, a->reason);
    if (c->gated)
        fprintf(out, " [gate]");
    fputc('\n', out);
}

static void print_evidence(FILE *out, const struct probe_result *r)
{
    for (size_t e = 0; e < r->evidence_count && e < EVIDENCE_SHOWN; e++) {
        const struct probe_evidence *ev = &r->evidence[e];
        fprintf(out, "        %s%s", ev->request ? ev->request : "", ev->request ? " " : "");
        if (ev->status)
            fprintf(out, "-> %d ", ev->status);
        fprintf(out, "%s%s\n", ev->request || ev->status ? "| " : "", ev->detail);
    }
    if (r->evidence_count > EVIDENCE_SHOWN)
        fprintf(out, "        (%zu more in the JSON report)\n", r->evidence_count - EVIDENCE_SHOWN);
}

/* Every check by STORE group, with the evidence of those that did not pass. */
static void print_checks(FILE *out, const struct cli *cli, const struct gate_checks *checks)
{
    for (int g = 0; g < GROUP_COUNT; g++) {
        int header = 0;
        for (size_t i = 0; i < checks->count; i++) {
            const struct report_check *c = &checks->items[i];
            const struct probe_result *r = c->result;
            if (c->probe->group != (enum probe_group)g)
                continue;
            if (!header++)
                fprintf(out, "\n%s%s%s\n", cli_bold(cli), probe_group_name(c->probe->group),
                        cli_reset(cli));
            char st[8];
            snprintf(st, sizeof st, "%s", probe_status_name(r->status));
            for (char *ch = st; *ch; ch++)
                *ch = (char)(*ch - 'a' + 'A');
            fprintf(out, "  %s%-5s%s %-8s %-23s %s", status_color(cli, r->status), st,
                    cli_reset(cli), severity_name(c->severity), c->probe->id, r->reason);
            print_gate_mark(out, c);
            if (r->status == PROBE_FAIL || r->status == PROBE_WARN || r->status == PROBE_ERROR)
                print_evidence(out, r);
        }
    }
    fputc('\n', out);
}

enum { MAX_LIST = 64 };

struct audit_args {
    const char *config, *fail_on;
    int list;
    const char *only_items[MAX_LIST], *skip_items[MAX_LIST];
    struct strv only, skip;
    struct report_overrides reports;
};

static int parse_args(int argc, char **argv, struct audit_args *a)
{
    a->only = (struct strv){a->only_items, 0};
    a->skip = (struct strv){a->skip_items, 0};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has_next = i + 1 < argc;
        int taken = report_option(&cmd_audit, argc, argv, &i, &a->reports);
        if (taken) {
            if (taken < 0)
                return EXIT_USAGE;
        } else if (strcmp(o, "--list") == 0) {
            a->list = 1;
        } else if (strcmp(o, "--only") == 0 || strcmp(o, "--skip") == 0 ||
                   strcmp(o, "--fail-on") == 0) {
            if (!has_next)
                return cli_usage_error(&cmd_audit, "%s needs a value", o);
            char *v = argv[++i];
            if (strcmp(o, "--only") == 0)
                split_list(v, &a->only, a->only_items, MAX_LIST);
            else if (strcmp(o, "--skip") == 0)
                split_list(v, &a->skip, a->skip_items, MAX_LIST);
            else
                a->fail_on = v;
        } else if (strcmp(o, "--") == 0 && has_next && !a->config) {
            a->config = argv[++i];
        } else if (cli_config_operand(&cmd_audit, o, &a->config)) {
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* The probes; 0, or an exit code when the audit cannot be done. */
static int execute(const struct cli *cli, struct progress *prog, const struct config *cfg,
                   const struct engine_options *opt, struct engine_report *rep)
{
    struct engine_options watched = *opt;
    char err[512];
    if (engine_preflight(cfg, err, sizeof err) != 0) {
        fprintf(stderr, "storecheck audit: %s%s is unreachable%s: %s\n", cli_red(cli),
                cfg->target.base_url, cli_reset(cli), err);
        return EXIT_RUN_ERROR;
    }
    watched.observer = progress_audit(prog, "audit");
    int ran = engine_run(cfg, &watched, rep, err, sizeof err);
    progress_audit_end(prog);
    if (ran != 0) {
        fprintf(stderr, "storecheck audit: %s\n", err);
        return EXIT_USAGE;
    }
    if (rep->count == 0) {
        fprintf(stderr, "storecheck audit: no probe matches the selection (--only, --skip, "
                        "audit.only, audit.skip)\n");
        engine_report_free(rep);
        return EXIT_USAGE;
    }
    return 0;
}

/* Judge the findings, print them by group, then the summary and the reports. */
static int finish(const struct cli *cli, const struct audit_args *a, const struct config *cfg,
                  const struct accept_list *accepted, const struct engine_report *rep,
                  enum severity fail_on, int64_t started)
{
    struct gate_checks checks;
    gate_checks_init(&checks, rep->count);
    gate_checks_add(&checks, rep, PHASE_BASELINE);
    gate_checks_accept(&checks, accepted, cfg->target.base_url);
    struct gate g = {.run = {
                         .target = cfg->target.base_url,
                         .started_unix_ms = started,
                         .interrupted = stop_requested(),
                         .load_note = "storecheck audit: the probes alone, no load",
                         .stack = &rep->stack,
                         .secrets = &cfg->secrets,
                     }};
    gate_judge(&g, checks.items, checks.count, fail_on);
    FILE *out = report_console(&a->reports, cfg);
    if (!cli->quiet)
        print_checks(out, cli, &checks);
    g.checks_listed = 1;
    int code = gate_finish(cli, "audit", &g, cfg, &a->reports, out);
    fflush(stdout);
    gate_checks_free(&checks);
    return code;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    struct audit_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    if (a.list) {
        print_list(cli);
        return EXIT_PASSED;
    }
    if (!a.config)
        return cli_usage_error(&cmd_audit, "missing CONFIG");
    int fail_on_cli = -1;
    if (a.fail_on && (fail_on_cli = severity_parse(a.fail_on)) < 0)
        return cli_usage_error(&cmd_audit,
                               "--fail-on: '%s' is not one of info, low, medium, "
                               "high, critical",
                               a.fail_on);
    struct engine_options opt = {.only = &a.only, .skip = &a.skip, .detect_stack = 1};
    char err[512];
    if (engine_check_selection(&opt, err, sizeof err))
        return cli_usage_error(&cmd_audit, "%s", err);

    struct config cfg;
    struct accept_list accepted = {0};
    struct diag_list diags;
    diag_list_init(&diags);
    int code = EXIT_USAGE;
    if (config_load_file(&cfg, a.config, NULL, &diags) != 0 || endpoint_check(&cfg, &diags) ||
        gate_load_accepted(&cfg, &accepted, &diags) != 0) {
        diag_list_print(&diags, stderr);
        goto out;
    }
    struct engine_options cfg_sel = {.only = &cfg.audit.only, .skip = &cfg.audit.skip};
    if (engine_check_selection(&cfg_sel, err, sizeof err)) {
        fprintf(stderr, "%s: audit: %s\n", a.config, err);
        goto out;
    }
    if (report_console_check(&cmd_audit, &a.reports, &cfg))
        goto out;
    enum severity fail_on = fail_on_cli >= 0 ? (enum severity)fail_on_cli : cfg.audit.fail_on;

    /* Before any thread: they all leave SIGINT/SIGTERM to the watcher. */
    struct stop_signal *watch = stop_signal_start("audit");
    engine_global_init();
    int64_t started = gate_now_unix_ms();
    struct engine_report rep;
    struct progress *prog = progress_start(cli);
    if (prog)
        stop_signal_over_status_line(watch);
    code = execute(cli, prog, &cfg, &opt, &rep);
    progress_end(prog);
    if (code == 0) {
        code = finish(cli, &a, &cfg, &accepted, &rep, fail_on, started);
        engine_report_free(&rep);
    }
    stop_signal_end(watch); /* may undo a fault: libcurl is still up */
    engine_global_cleanup();
out:
    diag_list_free(&diags);
    accept_free(&accepted);
    config_free(&cfg);
    return code;
}

const struct command cmd_audit = {
    .name = "audit",
    .summary = "run the STORE probes against the store and gate on their findings",
    .help = "Usage: storecheck audit CONFIG [--only IDS] [--skip IDS] [--fail-on SEVERITY]\n"
            "                        [--json F] [--html F] [--junit F] [--markdown F]\n"
            "                        [--sarif F]\n"
            "       storecheck audit --list\n"
            "\n"
            "Run the readiness probes (Security, Traffic management, ...) against the store in\n"
            "CONFIG concurrently, each under audit.probe_timeout and all under audit.deadline,\n"
            "and print the findings by STORE group. Only target.allowed_hosts are contacted.\n"
            "On a terminal (not with -q), a status line shows the probes done and running.\n"
            "Then the scores and grades per STORE group (docs/scoring.md), one verdict with its\n"
            "reasons, and the reports of the reports section (the options override them; - is\n"
            "stdout, for one report at most, and the console output then goes to stderr). The\n"
            "reports are those of `storecheck run`, without a load. Accepted findings\n"
            "(audit.accept) are listed, marked accepted, and do not fail the gate until they\n"
            "expire.\n"
            "\n"
            "Options:\n"
            "  --list             print every probe: id, default severity, title\n"
            "  --only IDS         run only these probes: ids or group letters, comma-separated\n"
            "                     (e.g. S-HSTS,T or S); replaces audit.only\n"
            "  --skip IDS         do not run these; replaces audit.skip\n"
            "  --fail-on SEV      gate threshold: info, low, medium, high, critical\n"
            "                     (default: audit.fail_on, else high)\n"
            "  --json F           the JSON report (reports/schema/report.schema.json)\n"
            "  --html F           the HTML report (one self-contained file)\n"
            "  --junit F          JUnit XML: one testcase per probe\n"
            "  --markdown F       a Markdown summary for a job summary or a PR comment\n"
            "  --sarif F          SARIF 2.1.0 for code scanning: one result per failed or\n"
            "                     warned probe, accepted findings suppressed with their reason\n"
            "\n"
            "Each probe ends pass, warn, fail, skip (it does not apply, and why) or error (it\n"
            "could not decide, and why).\n"
            "\n"
            "Probes that create orders run only with audit.allow_orders. R-DEGRADATION takes\n"
            "orders down through target.faults and always brings them back, also on Ctrl-C.\n"
            "\n"
            "Ctrl-C (or SIGTERM) stops the audit: no probe starts, those running are cancelled\n"
            "(skip, interrupted), and the reports are written, marked interrupted (exit 3). A\n"
            "second Ctrl-C undoes any fault and quits at once, exit 3, without reports.\n"
            "\n"
            "Exit codes:\n"
            "  0  no failed finding at or above --fail-on that is not accepted, and every probe\n"
            "     decided\n"
            "  1  a finding at or above --fail-on failed (or its acceptance expired)\n"
            "  2  usage or config error (also in the accepted-findings file)\n"
            "  3  the target is unreachable, a probe could not decide (error), the audit was\n"
            "     interrupted, or a report could not be written\n",
    .run = run,
};
