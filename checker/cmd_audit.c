/* storecheck audit CONFIG: run the probes, print findings by STORE group, gate on severity. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "checker/commands.h"
#include "checker/config_load.h"
#include "checker/fault_guard.h"
#include "common/exit_codes.h"
#include "probes/engine.h"
#include "version.h"

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
            printf("  %-22s %-8s %s\n", p->id, severity_name(p->severity), p->title);
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

static int gated(const struct engine_item *it, enum severity fail_on)
{
    return it->result.status == PROBE_FAIL && it->severity >= fail_on;
}

enum { EVIDENCE_SHOWN = 4 };

static void print_report(FILE *out, const struct cli *cli, const struct engine_report *rep,
                         enum severity fail_on)
{
    for (int g = 0; g < GROUP_COUNT; g++) {
        int header = 0;
        for (size_t i = 0; i < rep->count; i++) {
            const struct engine_item *it = &rep->items[i];
            const struct probe_result *r = &it->result;
            if (it->probe->group != (enum probe_group)g)
                continue;
            if (!header++)
                fprintf(out, "\n%s%s%s\n", cli_bold(cli), probe_group_name(it->probe->group),
                        cli_reset(cli));
            char st[8];
            snprintf(st, sizeof st, "%s", probe_status_name(r->status));
            for (char *c = st; *c; c++)
                *c = (char)(*c - 'a' + 'A');
            fprintf(out, "  %s%-5s%s %-8s %-22s %s%s\n", status_color(cli, r->status), st,
                    cli_reset(cli), severity_name(it->severity), it->probe->id, r->reason,
                    gated(it, fail_on) ? " [gate]" : "");
            if (r->status != PROBE_FAIL && r->status != PROBE_WARN && r->status != PROBE_ERROR)
                continue;
            for (size_t e = 0; e < r->evidence_count && e < EVIDENCE_SHOWN; e++) {
                const struct probe_evidence *ev = &r->evidence[e];
                fprintf(out, "        %s%s", ev->request ? ev->request : "",
                        ev->request ? " " : "");
                if (ev->status)
                    fprintf(out, "-> %d ", ev->status);
                fprintf(out, "%s%s\n", ev->request || ev->status ? "| " : "", ev->detail);
            }
            if (r->evidence_count > EVIDENCE_SHOWN)
                fprintf(out, "        (%zu more in the JSON report)\n",
                        r->evidence_count - EVIDENCE_SHOWN);
        }
    }
}

static cJSON *report_json(const struct config *cfg, const struct engine_report *rep,
                          enum severity fail_on, const char *verdict)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "storecheck");
    cJSON_AddStringToObject(root, "version", STORECHECK_VERSION);
    cJSON_AddStringToObject(root, "kind", "audit");
    cJSON_AddStringToObject(root, "target", cfg->target.base_url);
    cJSON_AddStringToObject(root, "fail_on", severity_name(fail_on));
    cJSON_AddStringToObject(root, "verdict", verdict);
    cJSON_AddNumberToObject(root, "elapsed_ms", (double)rep->elapsed_ms);
    cJSON *probes = cJSON_AddArrayToObject(root, "probes");
    for (size_t i = 0; i < rep->count; i++) {
        const struct engine_item *it = &rep->items[i];
        const struct probe *p = it->probe;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", p->id);
        char g[2] = {probe_group_letter(p->group), 0};
        cJSON_AddStringToObject(o, "group", g);
        cJSON_AddStringToObject(o, "title", p->title);
        cJSON_AddStringToObject(o, "severity", severity_name(it->severity));
        cJSON_AddStringToObject(o, "status", probe_status_name(it->result.status));
        cJSON_AddStringToObject(o, "reason", it->result.reason);
        cJSON_AddBoolToObject(o, "gated", gated(it, fail_on));
        cJSON_AddNumberToObject(o, "elapsed_ms", (double)it->result.elapsed_ms);
        cJSON_AddStringToObject(o, "rationale", p->rationale);
        cJSON_AddStringToObject(o, "remediation", p->remediation);
        cJSON_AddStringToObject(o, "references", p->references);
        cJSON *evs = cJSON_AddArrayToObject(o, "evidence");
        for (size_t e = 0; e < it->result.evidence_count; e++) {
            const struct probe_evidence *ev = &it->result.evidence[e];
            cJSON *eo = cJSON_CreateObject();
            if (ev->request)
                cJSON_AddStringToObject(eo, "request", ev->request);
            if (ev->status)
                cJSON_AddNumberToObject(eo, "status", ev->status);
            cJSON_AddStringToObject(eo, "detail", ev->detail);
            cJSON_AddItemToArray(evs, eo);
        }
        cJSON_AddItemToArray(probes, o);
    }
    return root;
}

/* Write text to path atomically (temporary file + rename); "-" is stdout. Says why on
 * stderr when it cannot. */
static int write_file(const char *path, const char *text)
{
    if (strcmp(path, "-") == 0)
        return fputs(text, stdout) < 0 ? -1 : 0;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "storecheck audit: %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    int bad = fputs(text, f) < 0 || fputc('\n', f) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        fprintf(stderr, "storecheck audit: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

enum { MAX_LIST = 64 };

static int run(const struct cli *cli, int argc, char **argv)
{
    const char *path = NULL, *json = NULL, *fail_on_arg = NULL;
    int list = 0;
    const char *only_items[MAX_LIST], *skip_items[MAX_LIST];
    struct strv only = {only_items, 0}, skip = {skip_items, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (strcmp(a, "--list") == 0) {
            list = 1;
        } else if (strcmp(a, "--only") == 0 || strcmp(a, "--skip") == 0 ||
                   strcmp(a, "--fail-on") == 0 || strcmp(a, "--json") == 0) {
            if (!has_next)
                return cli_usage_error(&cmd_audit, "%s needs a value", a);
            char *v = argv[++i];
            if (strcmp(a, "--only") == 0)
                split_list(v, &only, only_items, MAX_LIST);
            else if (strcmp(a, "--skip") == 0)
                split_list(v, &skip, skip_items, MAX_LIST);
            else if (strcmp(a, "--fail-on") == 0)
                fail_on_arg = v;
            else
                json = v;
        } else if (strcmp(a, "--") == 0 && has_next && !path) {
            path = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(&cmd_audit, "unknown option '%s'", a);
        } else if (path) {
            return cli_usage_error(&cmd_audit, "one CONFIG at a time");
        } else {
            path = a;
        }
    }
    if (list) {
        print_list(cli);
        return EXIT_PASSED;
    }
    if (!path)
        return cli_usage_error(&cmd_audit, "missing CONFIG");
    int fail_on_cli = -1;
    if (fail_on_arg && (fail_on_cli = severity_parse(fail_on_arg)) < 0)
        return cli_usage_error(&cmd_audit,
                               "--fail-on: '%s' is not one of info, low, medium, "
                               "high, critical",
                               fail_on_arg);
    struct engine_options opt = {.only = &only, .skip = &skip};
    char err[512];
    if (engine_check_selection(&opt, err, sizeof err))
        return cli_usage_error(&cmd_audit, "%s", err);

    struct config cfg;
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = config_load_file(&cfg, path, NULL, &diags);
    if (rc != 0) {
        diag_list_print(&diags, stderr);
        diag_list_free(&diags);
        config_free(&cfg);
        return EXIT_USAGE;
    }
    diag_list_free(&diags);
    struct engine_options cfg_sel = {.only = &cfg.audit.only, .skip = &cfg.audit.skip};
    if (engine_check_selection(&cfg_sel, err, sizeof err)) {
        fprintf(stderr, "%s: audit: %s\n", path, err);
        config_free(&cfg);
        return EXIT_USAGE;
    }
    enum severity fail_on = fail_on_cli >= 0 ? (enum severity)fail_on_cli : cfg.audit.fail_on;

    int code;
    engine_global_init();
    if (engine_preflight(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "storecheck audit: %s%s is unreachable%s: %s\n", cli_red(cli),
                cfg.target.base_url, cli_reset(cli), err);
        code = EXIT_RUN_ERROR;
        goto out;
    }
    struct engine_report rep;
    /* R-DEGRADATION may have a fault injected when Ctrl-C comes: the guard undoes it. */
    struct fault_guard *guard = fault_guard_start("audit");
    int ran = engine_run(&cfg, &opt, &rep, err, sizeof err);
    fault_guard_stop(guard);
    if (ran != 0) {
        fprintf(stderr, "storecheck audit: %s\n", err);
        code = EXIT_USAGE;
        goto out;
    }
    if (rep.count == 0) {
        fprintf(stderr, "storecheck audit: no probe matches the selection (--only, --skip, "
                        "audit.only, audit.skip)\n");
        engine_report_free(&rep);
        code = EXIT_USAGE;
        goto out;
    }
    size_t counts[PROBE_ERROR + 1] = {0}, gate = 0;
    for (size_t i = 0; i < rep.count; i++) {
        counts[rep.items[i].result.status]++;
        gate += gated(&rep.items[i], fail_on);
    }
    /* Findings decide first: a failed gate is a finding even if some probe could not run.
     * Otherwise an incomplete audit is a run error, never a pass. */
    const char *verdict = gate ? "failed" : counts[PROBE_ERROR] ? "incomplete" : "passed";
    code = gate ? EXIT_GATE_FAILED : counts[PROBE_ERROR] ? EXIT_RUN_ERROR : EXIT_PASSED;
    /* With --json -, stdout carries the JSON alone. */
    FILE *out = json && strcmp(json, "-") == 0 ? stderr : stdout;
    if (!cli->quiet)
        print_report(out, cli, &rep, fail_on);
    fprintf(out, "\n%zu probes in %.1f s: %zu pass, %zu warn, %zu fail, %zu skip, %zu error\n",
            rep.count, (double)rep.elapsed_ms / 1000.0, counts[PROBE_PASS], counts[PROBE_WARN],
            counts[PROBE_FAIL], counts[PROBE_SKIP], counts[PROBE_ERROR]);
    if (gate)
        fprintf(out, "%sgate FAILED%s: %zu finding%s at or above %s\n", cli_red(cli),
                cli_reset(cli), gate, gate == 1 ? "" : "s", severity_name(fail_on));
    else if (counts[PROBE_ERROR])
        fprintf(out, "%saudit INCOMPLETE%s: %zu probe%s could not decide (see the errors above)\n",
                cli_red(cli), cli_reset(cli), counts[PROBE_ERROR],
                counts[PROBE_ERROR] == 1 ? "" : "s");
    else
        fprintf(out, "%sgate passed%s: no failed finding at or above %s\n", cli_green(cli),
                cli_reset(cli), severity_name(fail_on));
    if (json) {
        cJSON *doc = report_json(&cfg, &rep, fail_on, verdict);
        char *text = cJSON_Print(doc);
        if (!text)
            fprintf(stderr, "storecheck audit: out of memory for the JSON report\n");
        if (!text || write_file(json, text) != 0)
            code = EXIT_RUN_ERROR;
        free(text);
        cJSON_Delete(doc);
    }
    fflush(stdout);
    engine_report_free(&rep);
out:
    engine_global_cleanup();
    config_free(&cfg);
    return code;
}

const struct command cmd_audit = {
    .name = "audit",
    .summary = "run the STORE probes against the store and gate on their findings",
    .help = "Usage: storecheck audit CONFIG [--only IDS] [--skip IDS] [--fail-on SEVERITY]\n"
            "                        [--json FILE]\n"
            "       storecheck audit --list\n"
            "\n"
            "Run the readiness probes (Security, Traffic management, ...) against the store in\n"
            "CONFIG concurrently, each under audit.probe_timeout and all under audit.deadline,\n"
            "and print the findings by STORE group. Only target.allowed_hosts are contacted.\n"
            "\n"
            "Options:\n"
            "  --list             print every probe: id, default severity, title\n"
            "  --only IDS         run only these probes: ids or group letters, comma-separated\n"
            "                     (e.g. S-HSTS,T or S); replaces audit.only\n"
            "  --skip IDS         do not run these; replaces audit.skip\n"
            "  --fail-on SEV      gate threshold: info, low, medium, high, critical\n"
            "                     (default: audit.fail_on, else high)\n"
            "  --json FILE        write the results as JSON (- for stdout)\n"
            "\n"
            "Each probe ends pass, warn, fail, skip (it does not apply, and why) or error (it\n"
            "could not decide, and why).\n"
            "\n"
            "Probes that create orders run only with audit.allow_orders. R-DEGRADATION takes\n"
            "orders down through target.faults and always brings them back, also on Ctrl-C.\n"
            "\n"
            "Exit codes:\n"
            "  0  no failed finding at or above --fail-on, and every probe decided\n"
            "  1  a finding at or above --fail-on failed\n"
            "  2  usage or config error\n"
            "  3  the target is unreachable, or a probe could not decide (error)\n",
    .run = run,
};
