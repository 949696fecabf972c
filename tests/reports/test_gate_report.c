/* The end shared by `storecheck run` and `storecheck audit`: acceptances attached to the checks,
 * the verdict against fail_on, the summary and the reports, and the report options. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checker/commands.h"
#include "checker/gate_report.h"
#include "common/exit_codes.h"
#include "tests/config/config_test.h"

static char dir[] = "/tmp/sc-gate-XXXXXX";

/* A high-severity Security probe with placeholder texts. */
#define SECURITY_PROBE(probe_id)                                                                   \
    {                                                                                              \
        .id = probe_id, .group = GROUP_S, .title = probe_id, .severity = SEV_HIGH,                 \
        .rationale = "why", .remediation = "fix", .references = "ref"                              \
    }

static const struct probe p_hsts = SECURITY_PROBE("S-HSTS");
static const struct probe p_csp = SECURITY_PROBE("S-CSP");

static struct probe_result failed(const char *reason)
{
    return (struct probe_result){.status = PROBE_FAIL, .reason = reason};
}

static void load_accepted(struct accept_list *l, const char *csp_expires)
{
    char text[512];
    snprintf(text, sizeof text,
             "accepted:\n"
             "  - { probe: S-HSTS, target: '*', reason: set by the CDN, expires: 2099-12-31 }\n"
             "  - { probe: S-CSP, target: 'http://other', reason: x, expires: 2099-12-31 }\n"
             "  - { probe: S-CSP, target: 'http://shop', reason: later, expires: %s }\n",
             csp_expires);
    struct diag_list d;
    diag_list_init(&d);
    CHECK_INT_EQ(accept_parse(l, text, strlen(text), "acc.yaml", gate_known_check, &d), 0);
    test_print_diags(&d);
    diag_list_free(&d);
}

/* Judge S-HSTS and S-CSP, both failed at high, with csp_expires for S-CSP's acceptance; write
 * the JSON report to json (NULL: none). The exit code; the console text in out. */
static int judge(const char *csp_expires, const char *json, char *out, size_t outlen)
{
    struct config cfg;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&cfg, &d, "target: { base_url: 'http://shop' }\n"), 0);
    diag_list_free(&d);
    struct accept_list l;
    load_accepted(&l, csp_expires);
    struct probe_result hsts = failed("no HSTS header"), csp = failed("no CSP");
    struct engine_item items[] = {{&p_hsts, SEV_HIGH, hsts}, {&p_csp, SEV_HIGH, csp}};
    struct engine_report rep = {.items = items, .count = 2};
    struct gate_checks checks;
    gate_checks_init(&checks, rep.count);
    gate_checks_add(&checks, &rep, PHASE_BASELINE);
    gate_checks_accept(&checks, &l, "http://shop");
    struct gate g = {.run = {.target = "http://shop", .secrets = &cfg.secrets}};
    gate_judge(&g, checks.items, checks.count, SEV_HIGH);
    CHECK(checks.items[0].accepted && !checks.items[0].accepted->expired);
    CHECK_STR_EQ(checks.items[0].accepted->reason, "set by the CDN");
    CHECK(!checks.items[0].gated);
    CHECK(checks.items[1].accepted);
    CHECK_STR_EQ(checks.items[1].accepted->reason, "later");
    CHECK_INT_EQ(checks.items[1].gated, checks.items[1].accepted->expired);
    struct report_overrides paths = {{json}};
    struct cli cli = {0};
    FILE *f = tmpfile();
    int code = gate_finish(&cli, "audit", &g, &cfg, &paths, f);
    rewind(f);
    out[fread(out, 1, outlen - 1, f)] = '\0';
    fclose(f);
    gate_checks_free(&checks);
    accept_free(&l);
    config_free(&cfg);
    return code;
}

static void test_accepted_findings(void)
{
    char out[4096], json[256], doc[8192] = "";
    snprintf(json, sizeof json, "%s/report.json", dir);
    CHECK_INT_EQ(judge("2099-12-31", json, out, sizeof out), EXIT_PASSED);
    CHECK_CONTAINS(out, "2 checks: 0 pass, 0 warn, 2 fail, 0 skip, 0 error\n");
    CHECK_CONTAINS(out, "Grades: S ");
    CHECK_CONTAINS(out, "verdict: passed (exit 0)\n");
    CHECK_CONTAINS(out, "json report: ");
    FILE *f = fopen(json, "r");
    if (f) {
        doc[fread(doc, 1, sizeof doc - 1, f)] = '\0';
        fclose(f);
    }
    CHECK_CONTAINS(doc, "\"reason\":\t\"set by the CDN\"");
    CHECK_CONTAINS(doc, "\"load\":\tnull");
    unlink(json);

    CHECK_INT_EQ(judge("2020-01-01", NULL, out, sizeof out), EXIT_GATE_FAILED);
    CHECK_CONTAINS(out, "verdict: failed (exit 1)\n  - S-CSP (high) failed: no CSP; allowed: no "
                        "failed finding at high or above (its acceptance expired on "
                        "2020-01-01)\n");
    /* The accepted S-HSTS is listed in the summary (as at the end of `storecheck run`), but is
     * no reason. */
    CHECK_CONTAINS(out, "  FAIL S-HSTS (high) [accepted]: no HSTS header\n");
    CHECK_CONTAINS(out, "  FAIL S-CSP (high) [gate]: no CSP\n");
    CHECK(!strstr(strstr(out, "verdict:"), "S-HSTS"));
}

/* A report that cannot be written is exit 3; a failed gate stays exit 1. */
static void test_unwritable_report(void)
{
    char out[4096], json[256], blocker[256];
    /* A file where the report's folder would go: no folder can be made there. */
    snprintf(blocker, sizeof blocker, "%s/blocker", dir);
    FILE *f = fopen(blocker, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    snprintf(json, sizeof json, "%s/report.json", blocker);
    CHECK_INT_EQ(judge("2099-12-31", json, out, sizeof out), EXIT_RUN_ERROR);
    CHECK_INT_EQ(judge("2020-01-01", json, out, sizeof out), EXIT_GATE_FAILED);
    unlink(blocker);
}

static void test_report_option(void)
{
    char *argv[] = {"audit", "--html", "r.html", "cfg.yaml", "--junit"};
    struct report_overrides p = {{0}};
    int i = 1;
    CHECK_INT_EQ(report_option(&cmd_audit, 5, argv, &i, &p), 1);
    CHECK_INT_EQ(i, 2);
    CHECK_STR_EQ(p.paths[1], "r.html");
    i = 3;
    CHECK_INT_EQ(report_option(&cmd_audit, 5, argv, &i, &p), 0);
    i = 4;
    CHECK_INT_EQ(report_option(&cmd_audit, 5, argv, &i, &p), -1);
    CHECK(!p.paths[0] && !p.paths[2] && !p.paths[3]);
}

static void test_known_checks(void)
{
    CHECK(gate_known_check("S-HSTS"));
    CHECK(gate_known_check("s-hsts"));
    CHECK(gate_known_check("O-HEALTH-UNDER-LOAD"));
    CHECK(gate_known_check("R-LOAD-DURING-FAULT"));
    CHECK(gate_known_check("R-FAULT-UNDER-LOAD"));
    CHECK(!gate_known_check("S-NOPE"));
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    RUN(test_accepted_findings);
    RUN(test_unwritable_report);
    RUN(test_report_option);
    RUN(test_known_checks);
    rmdir(dir);
    return check_summary();
}
