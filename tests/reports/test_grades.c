/* Grades over what was decided (no TLS counts against, a rejected certificate caps, undecided
 * groups are incomplete), the undecided audit's verdict, and the reports that show them: JUnit
 * failures that are exactly the gate's reasons, the "Held down by" column, the diff line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/score.h"
#include "checker/verdict.h"
#include "reports/report_diff.h"
#include "reports/report_json.h"
#include "reports/reporter.h"
#include "tests/support/check.h"

/* A run of up to 16 checks of made-up probes, one per row. */
struct row {
    const char *id;
    enum probe_group group;
    enum severity severity;
    enum probe_status status;
    enum probe_cause cause;
};

struct run {
    struct probe probes[16];
    struct probe_result results[16];
    struct report_check checks[16];
    struct report_acceptance acc;
    struct report_threshold th[2];
    size_t n, nth;
    struct verdict verdict;
    struct report_run report;
};

static void run_init(struct run *r, const struct row *rows, size_t n)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        r->probes[i] = (struct probe){.id = rows[i].id, .group = rows[i].group, .title = "t"};
        r->results[i] = (struct probe_result){
            .status = rows[i].status, .cause = rows[i].cause, .reason = "why"};
        r->checks[i] = (struct report_check){
            &r->probes[i], rows[i].severity, &r->results[i], PHASE_BASELINE, 0, NULL};
    }
}

static void run_judge(struct run *r, enum severity fail_on, int interrupted)
{
    verdict_judge(r->checks, r->n, r->th, r->nth, fail_on, interrupted, &r->verdict);
    r->report = (struct report_run){.target = "https://shop.test/",
                                    .interrupted = interrupted,
                                    .fail_on = fail_on,
                                    .verdict = r->verdict.result,
                                    .exit_code = r->verdict.exit_code,
                                    .reasons = (const char *const *)r->verdict.reasons,
                                    .reason_count = r->verdict.count,
                                    .checks = r->checks,
                                    .check_count = r->n,
                                    .thresholds = r->th,
                                    .threshold_count = r->nth};
    score_compute(r->checks, r->n, r->report.groups, &r->report.overall);
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        k++;
    return k;
}

/* Most probes errored (a store answering garbage): exit 3 whatever was found, the count first,
 * and every group with an error incomplete rather than a letter. */
static void test_undecided_audit(void)
{
    static const struct row rows[] = {
        {"S-HSTS", GROUP_S, SEV_HIGH, PROBE_FAIL, CAUSE_NONE},
        {"S-CSP", GROUP_S, SEV_MEDIUM, PROBE_ERROR, CAUSE_NONE},
        {"S-NOSNIFF", GROUP_S, SEV_LOW, PROBE_ERROR, CAUSE_NONE},
        {"T-COMPRESSION", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
        {"T-HTTP2", GROUP_T, SEV_LOW, PROBE_ERROR, CAUSE_NONE},
        {"O-HEALTH", GROUP_O, SEV_HIGH, PROBE_ERROR, CAUSE_NONE},
        {"R-ORDERS", GROUP_R, SEV_HIGH, PROBE_PASS, CAUSE_NONE},
    };
    struct run r;
    run_init(&r, rows, sizeof rows / sizeof *rows);
    run_judge(&r, SEV_HIGH, 0);
    CHECK_STR_EQ(r.verdict.result, "incomplete");
    CHECK_INT_EQ(r.verdict.exit_code, 3);
    CHECK(r.verdict.count >= 2);
    CHECK_STR_EQ(r.verdict.reasons[0], "could not decide: 4 probes errored (of 7 checks)");
    CHECK_CONTAINS(r.verdict.reasons[1], "S-HSTS (high) failed");
    CHECK_STR_EQ(r.report.groups[GROUP_S].grade, "incomplete");
    CHECK_INT_EQ(r.report.groups[GROUP_S].undecided, 2);
    CHECK_STR_EQ(r.report.groups[GROUP_T].grade, "incomplete");
    CHECK_STR_EQ(r.report.groups[GROUP_O].grade, "incomplete"); /* nothing decided at all */
    CHECK(!r.report.groups[GROUP_O].scored);
    CHECK_STR_EQ(r.report.groups[GROUP_R].grade, "A+");
    CHECK_STR_EQ(r.report.overall.grade, "incomplete");

    cJSON *doc = report_json_build(&r.report);
    const cJSON *sec = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "scores"), "groups"), GROUP_S);
    CHECK_STR_EQ(cJSON_GetObjectItem(sec, "grade")->valuestring, "incomplete");
    CHECK_INT_EQ(cJSON_GetObjectItem(sec, "undecided")->valueint, 2);
    char *md = reporter_markdown.render(doc);
    CHECK_CONTAINS(md, "| S Security | incomplete | 75 | 2 checks could not decide |");
    char *html = reporter_html.render(doc);
    CHECK_CONTAINS(html, "<th>Held down by</th>");
    CHECK_CONTAINS(html, "g-none\">incomplete</span>");

    /* The same run with a grade before: diff says the grade became incomplete. */
    struct run before;
    run_init(&before, rows, sizeof rows / sizeof *rows);
    for (size_t i = 0; i < before.n; i++)
        before.results[i].status = PROBE_PASS;
    run_judge(&before, SEV_HIGH, 0);
    cJSON *old_doc = report_json_build(&before.report);
    struct textbuf out = {0};
    report_diff(old_doc, doc, 0.1, &out);
    CHECK_CONTAINS(out.s, "incomplete: grade Security A+ -> incomplete, 2 checks could not decide");
    tb_free(&out);
    cJSON_Delete(old_doc);
    verdict_free(&before.verdict);
    free(md);
    free(html);
    cJSON_Delete(doc);
    verdict_free(&r.verdict);

    /* Fewer errors than decided checks: the findings still decide (exit 1). */
    run_init(&r, rows, 4);
    run_judge(&r, SEV_HIGH, 0);
    CHECK_STR_EQ(r.verdict.result, "failed");
    CHECK_INT_EQ(r.verdict.exit_code, 1);
    verdict_free(&r.verdict);
}

/* The same headers on plain HTTP score no higher than on HTTPS: the checks that need TLS count
 * as failed there, and the certificate's cap holds Security at F. */
static void test_plain_http_scores_no_higher(void)
{
    static const struct row https_rows[] = {
        {"S-HTTPS-REDIRECT", GROUP_S, SEV_HIGH, PROBE_PASS, CAUSE_NONE},
        {"S-TLS-VERSIONS", GROUP_S, SEV_HIGH, PROBE_PASS, CAUSE_NONE},
        {"S-TLS-CERT", GROUP_S, SEV_CRITICAL, PROBE_PASS, CAUSE_NONE},
        {"S-HSTS", GROUP_S, SEV_HIGH, PROBE_FAIL, CAUSE_NONE},
        {"S-NOSNIFF", GROUP_S, SEV_LOW, PROBE_PASS, CAUSE_NONE},
        {"T-HTTP2", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
        {"T-COMPRESSION", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
    };
    static const struct row http_rows[] = {
        {"S-HTTPS-REDIRECT", GROUP_S, SEV_HIGH, PROBE_FAIL, CAUSE_NONE},
        {"S-TLS-VERSIONS", GROUP_S, SEV_HIGH, PROBE_SKIP, CAUSE_NO_TLS},
        {"S-TLS-CERT", GROUP_S, SEV_CRITICAL, PROBE_SKIP, CAUSE_NO_TLS},
        {"S-HSTS", GROUP_S, SEV_HIGH, PROBE_SKIP, CAUSE_NO_TLS},
        {"S-NOSNIFF", GROUP_S, SEV_LOW, PROBE_PASS, CAUSE_NONE},
        {"T-HTTP2", GROUP_T, SEV_LOW, PROBE_SKIP, CAUSE_NO_TLS},
        {"T-COMPRESSION", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
    };
    struct run tls, plain;
    run_init(&tls, https_rows, sizeof https_rows / sizeof *https_rows);
    run_judge(&tls, SEV_HIGH, 0);
    run_init(&plain, http_rows, sizeof http_rows / sizeof *http_rows);
    run_judge(&plain, SEV_HIGH, 0);
    CHECK(plain.report.groups[GROUP_S].score <= tls.report.groups[GROUP_S].score);
    CHECK(plain.report.groups[GROUP_T].score < tls.report.groups[GROUP_T].score);
    CHECK(plain.report.overall.score < tls.report.overall.score);
    CHECK_STR_EQ(plain.report.groups[GROUP_S].grade, "F");
    CHECK_CONTAINS(plain.report.groups[GROUP_S].cap, "no TLS");
    CHECK_STR_EQ(plain.report.overall.grade, "F");
    CHECK_CONTAINS(plain.report.overall.cap, "no TLS");
    /* A plain skip (no endpoint configured) still takes nothing off. */
    plain.results[5].cause = CAUSE_NONE;
    score_compute(plain.checks, plain.n, plain.report.groups, &plain.report.overall);
    CHECK(plain.report.groups[GROUP_T].score == 100);
    cJSON *doc = report_json_build(&plain.report);
    const cJSON *cert = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checks"), 2);
    CHECK_STR_EQ(cJSON_GetObjectItem(cert, "cause")->valuestring, "no_tls");
    CHECK(!cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checks"), 0), "cause"));
    /* Every report says what the skip did to the grade. */
    char *md = reporter_markdown.render(doc);
    char *html = reporter_html.render(doc);
    char *xml = reporter_junit.render(doc);
    CHECK_CONTAINS(
        md, "| S-TLS-CERT | critical | skip | why — counts as failed in the grade: no TLS |");
    CHECK_CONTAINS(html, "why <strong>(counts as failed in the grade: no TLS)</strong>");
    CHECK_CONTAINS(xml, "<skipped message=\"why (counts as failed in the grade: no TLS)\"/>");
    free(md);
    free(html);
    free(xml);
    cJSON_Delete(doc);
    verdict_free(&tls.verdict);
    verdict_free(&plain.verdict);
}

/* A certificate no client accepts (not only an expired one) caps Security and the overall
 * grade at F, whatever errored beside it; the cap is named in the reports. */
static void test_rejected_certificate_caps(void)
{
    static const struct row rows[] = {
        {"S-TLS-CERT", GROUP_S, SEV_CRITICAL, PROBE_FAIL, CAUSE_NONE},
        {"S-HSTS", GROUP_S, SEV_HIGH, PROBE_ERROR, CAUSE_NONE},
        {"S-CSP", GROUP_S, SEV_MEDIUM, PROBE_PASS, CAUSE_NONE},
        {"T-COMPRESSION", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
        {"O-HEALTH", GROUP_O, SEV_HIGH, PROBE_PASS, CAUSE_NONE},
    };
    struct run r;
    run_init(&r, rows, sizeof rows / sizeof *rows);
    r.results[0].reason = "certificate not trusted: self-signed";
    run_judge(&r, SEV_HIGH, 0);
    CHECK_STR_EQ(r.report.groups[GROUP_S].grade, "F"); /* F is certain despite the error */
    CHECK_CONTAINS(r.report.groups[GROUP_S].cap, "certificate");
    CHECK_STR_EQ(r.report.overall.grade, "F");
    CHECK_STR_EQ(r.verdict.result, "failed");
    cJSON *doc = report_json_build(&r.report);
    char *md = reporter_markdown.render(doc);
    CHECK_CONTAINS(md, "| **Overall** | **F** |");
    CHECK_CONTAINS(md,
                   "| S Security | F | 60 | a certificate no client accepts caps Security at F");
    /* The gate comes before the scorecard. */
    CHECK(strstr(md, "gate FAILED") && strstr(md, "gate FAILED") < strstr(md, "Scorecard"));
    free(md);
    cJSON_Delete(doc);
    verdict_free(&r.verdict);

    /* Nothing holds a grade down: no empty column. */
    run_init(&r, rows + 2, 3);
    run_judge(&r, SEV_HIGH, 0);
    doc = report_json_build(&r.report);
    md = reporter_markdown.render(doc);
    char *html = reporter_html.render(doc);
    CHECK(!strstr(md, "Held down by") && !strstr(md, "| Cap"));
    CHECK(!strstr(html, "Held down by") && !strstr(html, "<th>Cap</th>"));
    free(md);
    free(html);
    cJSON_Delete(doc);
    verdict_free(&r.verdict);
}

/* The overall grade is no better than the worst group's, and says so: Security at D by its
 * points alone (no cap) makes the store D, not the B of the mean. */
static void test_overall_no_better_than_worst_group(void)
{
    static const struct row rows[] = {
        {"S-HSTS", GROUP_S, SEV_HIGH, PROBE_FAIL, CAUSE_NONE},
        {"S-CSP", GROUP_S, SEV_MEDIUM, PROBE_FAIL, CAUSE_NONE},
        {"T-COMPRESSION", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
        {"O-HEALTH", GROUP_O, SEV_HIGH, PROBE_PASS, CAUSE_NONE},
    };
    struct run r;
    run_init(&r, rows, sizeof rows / sizeof *rows);
    run_judge(&r, SEV_HIGH, 0);
    CHECK_STR_EQ(r.report.groups[GROUP_S].grade, "D"); /* 100 - 25 - 15 */
    CHECK(r.report.groups[GROUP_S].cap == NULL);
    CHECK(r.report.overall.score > 80); /* the mean alone would be B */
    CHECK_STR_EQ(r.report.overall.grade, "D");
    CHECK_STR_EQ(r.report.overall.cap, "no better than its worst group, Security");
    verdict_free(&r.verdict);
}

/* JUnit's failures are the gate's reasons and nothing else. */
static void test_junit_failures_are_the_gate(void)
{
    static const struct row rows[] = {
        {"S-HSTS", GROUP_S, SEV_HIGH, PROBE_FAIL, CAUSE_NONE},     /* gates */
        {"S-CSP", GROUP_S, SEV_MEDIUM, PROBE_FAIL, CAUSE_NONE},    /* below fail_on */
        {"S-REFERRER", GROUP_S, SEV_HIGH, PROBE_WARN, CAUSE_NONE}, /* a warning */
        {"S-EXPOSED-ENV", GROUP_S, SEV_CRITICAL, PROBE_FAIL, 0},   /* accepted */
        {"T-COMPRESSION", GROUP_T, SEV_LOW, PROBE_PASS, CAUSE_NONE},
    };
    struct run r;
    run_init(&r, rows, sizeof rows / sizeof *rows);
    r.acc = (struct report_acceptance){"known", "2099-12-31", 0};
    r.checks[3].accepted = &r.acc;
    static struct probe_evidence ev = {NULL, 0, "no header"};
    r.results[0].evidence = &ev;
    r.results[0].evidence_count = 1;
    struct parse_error pe;
    r.th[0].expr = "p99 < 1s";
    threshold_parse(r.th[0].expr, &r.th[0].parsed, &pe);
    r.th[0].result = (struct th_result){TH_FAIL, 2e6, "p99 = 2s, allowed < 1s"};
    r.th[1].expr = "error_rate < 1%";
    threshold_parse(r.th[1].expr, &r.th[1].parsed, &pe);
    r.th[1].result = (struct th_result){TH_PASS, 0, "error_rate = 0%, allowed < 1%"};
    r.nth = 2;
    run_judge(&r, SEV_HIGH, 0);
    CHECK_INT_EQ(r.verdict.count, 2);

    cJSON *doc = report_json_build(&r.report);
    char *xml = reporter_junit.render(doc);
    CHECK_INT_EQ(count(xml, "<failure"), r.verdict.count);
    CHECK_CONTAINS(xml, "failures=\"2\" errors=\"0\" skipped=\"3\"");
    CHECK_CONTAINS(xml, "<skipped message=\"medium finding below fail_on high, does not fail the "
                        "gate: why\"/>");
    CHECK_CONTAINS(xml, "<skipped message=\"warning, does not fail the gate: why\"/>");
    CHECK_CONTAINS(xml, "<skipped message=\"accepted until 2099-12-31: known (finding: why)\"/>");
    /* Evidence without a request starts with its detail, not a separator. */
    CHECK_CONTAINS(xml, "type=\"high\">no header\n");
    CHECK(!strstr(xml, "> | "));
    free(xml);
    cJSON_Delete(doc);
    verdict_free(&r.verdict);

    /* Interrupted: a threshold with no data is not gated, so it is no failure. */
    r.th[0].result = (struct th_result){TH_NODATA, 0, "p99: no data"};
    r.results[0].status = PROBE_PASS;
    run_judge(&r, SEV_HIGH, 1);
    CHECK(!r.th[0].gated);
    doc = report_json_build(&r.report);
    xml = reporter_junit.render(doc);
    CHECK_INT_EQ(count(xml, "<failure"), 0);
    CHECK_CONTAINS(xml, "<skipped message=\"does not fail the gate: p99: no data\"/>");
    free(xml);
    cJSON_Delete(doc);
    verdict_free(&r.verdict);
    /* Not interrupted, the same threshold gates. */
    run_judge(&r, SEV_HIGH, 0);
    CHECK(r.th[0].gated);
    verdict_free(&r.verdict);
}

int main(void)
{
    RUN(test_undecided_audit);
    RUN(test_plain_http_scores_no_higher);
    RUN(test_rejected_certificate_caps);
    RUN(test_overall_no_better_than_worst_group);
    RUN(test_junit_failures_are_the_gate);
    return check_summary();
}
