/* The renderers on a fixed run (golden JSON and JUnit), escaping, scores and caps, the
 * accepted-findings file, the verdict lines, and diff with planted regressions. Set
 * STORECHECK_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/accept.h"
#include "checker/score.h"
#include "checker/verdict.h"
#include "common/diag.h"
#include "common/oom.h"
#include "reports/report_diff.h"
#include "reports/report_doc.h"
#include "reports/report_json.h"
#include "reports/reporter.h"
#include "tests/support/check.h"
#include "version.h"

#define XSS "<script>document.body.setAttribute('data-xss','1')</script>"

static const struct probe probe_hsts = {.id = "S-HSTS",
                                        .group = GROUP_S,
                                        .title = "HSTS",
                                        .rationale = "why",
                                        .remediation = "add HSTS",
                                        .references = "https://a.example https://b.example"};
static const struct probe probe_cert = {
    .id = "S-TLS-CERT", .group = GROUP_S, .title = "Certificate", .remediation = "renew"};
static const struct probe probe_gzip = {
    .id = "T-COMPRESSION", .group = GROUP_T, .title = "Compression"};
static const struct probe probe_health = {
    .id = "O-HEALTH-UNDER-LOAD", .group = GROUP_O, .title = "Health under load"};

struct fixture {
    struct probe_result results[4];
    struct probe_evidence ev[2];
    struct report_check checks[4];
    struct report_acceptance acc;
    struct report_threshold th[2];
    struct load_result load;
    struct lg_second secs[3];
    struct lg_stage stage;
    struct report_fault fault;
    const char *urls[1];
    const char *headers[2];
    struct load_json_meta meta;
    const char *secret_items[1];
    struct strv secrets;
    struct verdict verdict;
    struct stack_report stack;
    struct report_run run;
};

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->ev[0] = (struct probe_evidence){"GET https://shop.test/", 200, "Server: " XSS};
    f->ev[1] = (struct probe_evidence){NULL, 0, "no Strict-Transport-Security"};
    f->results[0] = (struct probe_result){.status = PROBE_FAIL,
                                          .reason = "no HSTS header",
                                          .evidence = f->ev,
                                          .evidence_count = 2,
                                          .elapsed_ms = 12};
    f->results[1] = (struct probe_result){
        .status = PROBE_FAIL, .reason = "certificate expired on 2020-01-01", .elapsed_ms = 30};
    f->results[2] = (struct probe_result){.status = PROBE_PASS, .reason = "gzip", .elapsed_ms = 5};
    f->results[3] = (struct probe_result){.status = PROBE_SKIP, .reason = "no health endpoint"};
    f->acc = (struct report_acceptance){"renewal is booked " XSS, "2099-12-31", 0};
    f->checks[0] =
        (struct report_check){&probe_hsts, SEV_HIGH, &f->results[0], PHASE_BASELINE, 0, NULL};
    f->checks[1] = (struct report_check){&probe_cert, SEV_CRITICAL, &f->results[1], PHASE_BASELINE,
                                         0,           &f->acc};
    f->checks[2] =
        (struct report_check){&probe_gzip, SEV_MEDIUM, &f->results[2], PHASE_BASELINE, 0, NULL};
    f->checks[3] =
        (struct report_check){&probe_health, SEV_HIGH, &f->results[3], PHASE_UNDER_LOAD, 0, NULL};

    struct load_result *l = &f->load;
    l->model = LG_MODEL_OPEN;
    l->threads = 1;
    l->connections = 2;
    l->max_connections = 8;
    l->pipeline = 1;
    l->timeout_us = 2000000;
    l->duration_us = l->elapsed_us = 3000000;
    l->start_target = 100;
    f->stage = (struct lg_stage){3000000, 100};
    l->stages = &f->stage;
    l->stage_count = 1;
    l->started_unix_ms = 1790000000000;
    l->totals.requests = 300;
    l->totals.responses = 299;
    l->totals.status[200] = 297;
    l->totals.status[503] = 2;
    l->totals.errors[LG_ERR_TIMEOUT] = 1;
    l->scheduled = 300;
    l->requested_rate = l->achieved_rate = 100;
    l->latency = hist_new();
    l->latency_uncorrected = hist_new();
    l->connect = hist_new();
    l->tls_handshake = hist_new();
    l->ttfb = hist_new();
    l->schedule_lag = hist_new();
    for (uint64_t v = 1000; v <= 300000; v += 1000) {
        hist_record(l->latency, v);
        hist_record(l->latency_uncorrected, v / 2);
    }
    for (uint32_t s = 0; s < 3; s++)
        f->secs[s] = (struct lg_second){.second = s,
                                        .responses = 100,
                                        .errors = s == 1,
                                        .status_5xx = s == 1 ? 2 : 0,
                                        .p50 = 2000 + s * 100,
                                        .p90 = 5000,
                                        .p99 = 9000 + s * 1000,
                                        .max = 300000,
                                        .mean = 2500};
    l->seconds = f->secs;
    l->seconds_count = 3;
    f->fault = (struct report_fault){"orders_down", 1000, 1000, 1010, 2005, NULL};

    struct parse_error pe;
    f->th[0].expr = "p99 < 100ms";
    threshold_parse(f->th[0].expr, &f->th[0].parsed, &pe);
    f->th[0].result = (struct th_result){TH_FAIL, 297000, "p99 = 297ms, allowed < 100ms"};
    f->th[1].expr = "error_rate < 5%";
    threshold_parse(f->th[1].expr, &f->th[1].parsed, &pe);
    f->th[1].result = (struct th_result){TH_PASS, 0.01, "error_rate = 1%, allowed < 5%"};

    f->urls[0] = "https://shop.test/?token=sekret-value-99";
    f->headers[0] = "Authorization: Bearer sekret-value-99";
    f->headers[1] = "X-Note: " XSS;
    f->secret_items[0] = "sekret-value-99";
    f->secrets = (struct strv){f->secret_items, 1};
    f->meta = (struct load_json_meta){.urls = f->urls,
                                      .url_count = 1,
                                      .method = "GET",
                                      .headers = f->headers,
                                      .header_count = 2,
                                      .secrets = &f->secrets};

    /* nginx in front of Express, the Server header as a hostile server could send it. */
    f->stack = (struct stack_report){.ran = 1, .request = "GET https://shop.test/", .status = 200};
    f->stack.components[0] = (struct stack_component){STACK_NGINX, "Server: nginx " XSS};
    f->stack.components[1] = (struct stack_component){STACK_EXPRESS, "X-Powered-By: Express"};
    f->stack.count = 2;

    verdict_judge(f->checks, 4, f->th, 2, SEV_HIGH, 0, &f->verdict);
    struct report_run *r = &f->run;
    *r = (struct report_run){.target = "https://shop.test/",
                             .started_unix_ms = 1790000000000,
                             .ended_unix_ms = 1790000004000,
                             .fail_on = SEV_HIGH,
                             .verdict = f->verdict.result,
                             .exit_code = f->verdict.exit_code,
                             .reasons = (const char *const *)f->verdict.reasons,
                             .reason_count = f->verdict.count,
                             .checks = f->checks,
                             .check_count = 4,
                             .load = &f->load,
                             .load_meta = &f->meta,
                             .load_note = "constant-rate load",
                             .thresholds = f->th,
                             .threshold_count = 2,
                             .fault = &f->fault,
                             .secrets = &f->secrets,
                             .stack = &f->stack};
    score_compute(f->checks, 4, r->groups, &r->overall);
}

static void fixture_free(struct fixture *f)
{
    hist_free(f->load.latency);
    hist_free(f->load.latency_uncorrected);
    hist_free(f->load.connect);
    hist_free(f->load.tls_handshake);
    hist_free(f->load.ttfb);
    hist_free(f->load.schedule_lag);
    verdict_free(&f->verdict);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = xmalloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, fp)] = '\0';
    fclose(fp);
    return s;
}

/* Compare text with tests/reports/golden/name (or rewrite it). */
static void golden(const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/reports/golden/%s", getenv("STORECHECK_SOURCE_DIR"),
             name);
    const char *update = getenv("STORECHECK_UPDATE_GOLDEN");
    if (update && *update == '1') {
        FILE *fp = fopen(path, "w");
        fputs(text, fp);
        fclose(fp);
    }
    char *want = slurp(path);
    CHECK(want != NULL);
    if (want && strcmp(want, text) != 0) {
        fprintf(stderr, "%s differs from the rendering:\n%s\n", path, text);
        CHECK(0);
    }
    free(want);
}

/* The document with the tool version fixed, so a version bump leaves the golden files. */
static cJSON *fixed_doc(const struct fixture *f)
{
    cJSON *doc = report_json_build(&f->run);
    cJSON_ReplaceItemInObject(doc, "tool_version", cJSON_CreateString("test"));
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(doc, "load"), "tool_version",
                              cJSON_CreateString("test"));
    return doc;
}

static void test_golden(void)
{
    struct fixture f;
    fixture_init(&f);
    cJSON *doc = fixed_doc(&f);
    char err[256];
    CHECK(rd_check(doc, err, sizeof err) == 0);
    for (const struct reporter *const *r = reporters; *r; r++) {
        char *text = (*r)->render(doc);
        CHECK(strstr(text, "sekret-value-99") == NULL);
        if (strcmp((*r)->name, "json") == 0)
            golden("report.json", text);
        if (strcmp((*r)->name, "junit") == 0)
            golden("junit.xml", text);
        if (strcmp((*r)->name, "sarif") == 0)
            golden("report.sarif", text);
        free(text);
    }
    cJSON_Delete(doc);
    fixture_free(&f);
}

static void test_verdict_and_scores(void)
{
    struct fixture f;
    fixture_init(&f);
    CHECK_STR_EQ(f.verdict.result, "failed");
    CHECK_INT_EQ(f.verdict.exit_code, 1);
    CHECK_INT_EQ(f.verdict.count, 2); /* S-HSTS and the p99 threshold; the cert is accepted */
    CHECK_CONTAINS(f.verdict.reasons[0], "S-HSTS (high) failed: no HSTS header");
    CHECK_CONTAINS(f.verdict.reasons[1], "p99 = 297ms, allowed < 100ms");
    CHECK(f.checks[0].gated && !f.checks[1].gated);
    /* The rejected (expired) certificate caps Security at F even though it is accepted. */
    CHECK_STR_EQ(f.run.groups[GROUP_S].grade, "F");
    CHECK_CONTAINS(f.run.groups[GROUP_S].cap, "certificate no client accepts");
    CHECK_STR_EQ(f.run.groups[GROUP_T].grade, "A+");
    CHECK(!f.run.groups[GROUP_O].scored); /* only a skipped check */
    CHECK_STR_EQ(f.run.overall.grade, "F");
    CHECK_STR_EQ(score_grade(95, 0), "A");
    CHECK_STR_EQ(score_grade(100, 1), "A");
    CHECK_STR_EQ(score_grade(59.9, 0), "F");

    /* An expired acceptance fails again and says so. */
    f.acc.expired = 1;
    struct verdict v;
    verdict_judge(f.checks, 4, f.th, 2, SEV_HIGH, 0, &v);
    CHECK_INT_EQ(v.count, 3);
    CHECK_CONTAINS(v.reasons[1], "acceptance expired on 2099-12-31");
    verdict_free(&v);
    /* Without gated findings, an interrupted run is never a pass. */
    f.results[0].status = PROBE_PASS;
    f.acc.expired = 0;
    f.th[0].result.verdict = TH_PASS;
    verdict_judge(f.checks, 4, f.th, 2, SEV_HIGH, 1, &v);
    CHECK_STR_EQ(v.result, "interrupted");
    CHECK_INT_EQ(v.exit_code, 3);
    verdict_free(&v);
    fixture_free(&f);
}

/* The under-load checks and the load's summary say which protocol the load spoke (the ALPN
 * outcome) and which version was asked for: JSON, HTML and Markdown. */
static void test_load_protocol(void)
{
    struct fixture f;
    fixture_init(&f);
    f.load.http = LG_HTTP_2;
    f.load.totals.protocols[LG_PROTO_H2] = 2;
    f.results[3].status = PROBE_FAIL; /* listed in the Markdown's failed checks */
    cJSON *doc = fixed_doc(&f);
    const cJSON *check = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checks"), 3);
    const cJSON *spoke = cJSON_GetObjectItem(check, "load_protocols");
    CHECK_INT_EQ(cJSON_GetArraySize(spoke), 1);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetArrayItem(spoke, 0)), "h2");
    CHECK(!cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checks"), 0),
                               "load_protocols"));
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(
                     cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "load"), "run"), "http")),
                 "2");
    char *html = reporter_html.render(doc), *md = reporter_markdown.render(doc);
    CHECK_CONTAINS(html, "(high, under load over h2)");
    CHECK_CONTAINS(html, "Connections by protocol: h2 2 (HTTP 2 asked)");
    CHECK_CONTAINS(md, "O-HEALTH-UNDER-LOAD (under load over h2)");
    CHECK_CONTAINS(md, "Load: 300 requests, 100.0/s over h2 (HTTP 2 asked)");
    free(html);
    free(md);
    cJSON_Delete(doc);
    fixture_free(&f);
}

static void test_escaping(void)
{
    struct fixture f;
    fixture_init(&f);
    cJSON *doc = fixed_doc(&f);
    char *html = reporter_html.render(doc);
    CHECK(strstr(html, "<script") == NULL);
    CHECK_CONTAINS(html, "&lt;script&gt;document.body.setAttribute(&#39;data-xss&#39;");
    CHECK_CONTAINS(html, "renewal is booked &lt;script&gt;");
    CHECK_CONTAINS(html, "<svg"); /* charts inline */
    /* Nothing is fetched: no sources, links, imports or CSS URLs. */
    CHECK(strstr(html, "src=") == NULL && strstr(html, "<link") == NULL &&
          strstr(html, "@import") == NULL && strstr(html, "url(") == NULL);
    CHECK_CONTAINS(html, "@media print");
    char *md = reporter_markdown.render(doc);
    CHECK(strstr(md, "<script") == NULL);
    CHECK_CONTAINS(md, "S-HSTS");
    char *xml = reporter_junit.render(doc);
    CHECK(strstr(xml, "<script") == NULL);
    free(html);
    free(md);
    free(xml);
    cJSON_Delete(doc);
    fixture_free(&f);
}

/* The stack in every format: named with its evidence (escaped), and each failed finding with
 * a fix for it gives that fix first, edge inward, then the remediation for any stack. */
static void test_stack(void)
{
    struct fixture f;
    fixture_init(&f);
    cJSON *doc = fixed_doc(&f);
    const cJSON *hsts = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checks"), 0);
    const cJSON *fixes = cJSON_GetObjectItem(hsts, "stack_remediation");
    CHECK_INT_EQ(cJSON_GetArraySize(fixes), 2);
    CHECK_STR_EQ(rd_str(cJSON_GetArrayItem(fixes, 0), "stack"), "nginx");
    CHECK_CONTAINS(rd_str(cJSON_GetArrayItem(fixes, 0), "fix"), "add_header Strict-Transport");
    CHECK_STR_EQ(rd_str(cJSON_GetArrayItem(fixes, 1), "stack"), "express");
    CHECK_CONTAINS(rd_str(cJSON_GetArrayItem(fixes, 1), "fix"), "helmet");

    char *html = reporter_html.render(doc);
    CHECK(strstr(html, "<script") == NULL);
    CHECK_CONTAINS(html, "<h2>Stack</h2>");
    CHECK_CONTAINS(html, "Server: nginx &lt;script&gt;");
    const char *nginx = strstr(html, "<strong>Fix for nginx:</strong>");
    const char *express = strstr(html, "<strong>Fix for Express (Node.js):</strong>");
    const char *generic = strstr(html, "<strong>Remediation, on any stack:</strong> add HSTS");
    CHECK(nginx && express && generic && nginx < express && express < generic);

    char *md = reporter_markdown.render(doc);
    CHECK(strstr(md, "<script") == NULL);
    CHECK_CONTAINS(md, "Stack: nginx (Server: nginx &lt;script&gt;");
    CHECK_CONTAINS(md, "- **S-HSTS** on nginx: add_header Strict-Transport-Security");
    char *xml = reporter_junit.render(doc);
    CHECK_CONTAINS(xml, "Fix for Express (Node.js): app.use(helmet())");

    /* Nothing recognised: the reports say so, and no finding has a stack fix. */
    f.stack.count = 0;
    cJSON *bare = fixed_doc(&f);
    char *bare_html = reporter_html.render(bare);
    CHECK_CONTAINS(bare_html, "no header of GET https://shop.test/ (200) names a product");
    CHECK(strstr(bare_html, "Fix for") == NULL);
    CHECK_CONTAINS(bare_html, "<strong>Remediation:</strong> add HSTS");
    free(html);
    free(md);
    free(xml);
    free(bare_html);
    cJSON_Delete(doc);
    cJSON_Delete(bare);
    fixture_free(&f);
}

/* A scenario run's per-step charts: hostile step and scenario names stay text. */
static void test_step_charts(void)
{
    struct fixture f;
    fixture_init(&f);
    cJSON *doc = fixed_doc(&f);
    cJSON *load = cJSON_GetObjectItem(doc, "load");
    cJSON *scenario = cJSON_CreateObject();
    cJSON_AddStringToObject(scenario, "name", XSS);
    cJSON_ReplaceItemInObject(load, "scenarios", cJSON_CreateArray());
    cJSON_AddItemToArray(cJSON_GetObjectItem(load, "scenarios"), scenario);
    cJSON *steps = cJSON_CreateArray();
    cJSON *step = cJSON_CreateObject();
    cJSON_AddStringToObject(step, "name", XSS);
    cJSON_AddStringToObject(step, "scenario", XSS);
    cJSON_AddItemToArray(steps, step);
    cJSON_ReplaceItemInObject(load, "steps", steps);
    cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(load, "seconds"))
    {
        cJSON *share = cJSON_CreateObject();
        cJSON_AddStringToObject(share, "name", XSS);
        cJSON_AddStringToObject(share, "scenario", XSS);
        cJSON_AddNumberToObject(share, "responses", 10);
        cJSON_AddNumberToObject(share, "status_5xx", 4);
        cJSON_AddNumberToObject(share, "status_503", 4);
        cJSON_AddNumberToObject(share, "errors", 0);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(row, "steps"), share);
    }
    char *html = reporter_html.render(doc);
    CHECK(strstr(html, "<script") == NULL);
    CHECK_CONTAINS(html, "<title>Step &lt;script&gt;");
    CHECK_CONTAINS(html, "answers without 5xx");
    free(html);
    cJSON_Delete(doc);
    fixture_free(&f);
}

static void test_escape_bytes(void)
{
    struct textbuf b = {0};
    tb_add_escaped(&b,
                   "a\xff<b\x01\tc \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC0\xAF \xED\xA0\x80 "
                   "\xE2\x82");
    CHECK_STR_EQ(b.s, "a\xEF\xBF\xBD&lt;b\xEF\xBF\xBD\tc \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
                      "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                      "\xEF\xBF\xBD\xEF\xBF\xBD");
    tb_free(&b);
    tb_add_escaped(&b, "'\"&>");
    CHECK_STR_EQ(b.s, "&#39;&quot;&amp;&gt;");
    tb_free(&b);
}

static int known(const char *id)
{
    return strcmp(id, "S-HSTS") == 0;
}

static void test_accept_file(void)
{
    struct diag_list d;
    diag_list_init(&d);
    struct accept_list l;
    const char *good = "accepted:\n"
                       "  - probe: S-HSTS\n    target: https://shop.test\n"
                       "    reason: CDN adds it\n    expires: 2026-02-28\n";
    CHECK(accept_parse(&l, good, strlen(good), "acc.yaml", known, &d) == 0);
    CHECK_INT_EQ(l.count, 1);
    const struct acceptance *a = accept_find(&l, "s-hsts", "https://shop.test/");
    CHECK(a != NULL);
    CHECK(accept_find(&l, "S-HSTS", "https://other.test") == NULL);
    CHECK(a && !accept_expired(a, a->expires_at - 1) && accept_expired(a, a->expires_at));
    accept_free(&l);
    const char *bad = "accepted:\n"
                      "  - probe: S-NOPE\n    target: '*'\n    reason: x\n"
                      "    expires: 2026-02-30\n    colour: red\n"
                      "  - probe: S-HSTS\n    target: '*'\n";
    CHECK(accept_parse(&l, bad, strlen(bad), "acc.yaml", known, &d) == -1);
    char line[512];
    int seen = 0;
    for (size_t i = 0; i < d.count; i++) {
        diag_format(&d.items[i], line, sizeof line);
        seen |= strstr(line, "acc.yaml:6:5: accepted[0]: unknown key 'colour'") ? 1 : 0;
        seen |= strstr(line, "acc.yaml:2:12: accepted[0]: unknown probe id 'S-NOPE'") ? 2 : 0;
        seen |= strstr(line, "acc.yaml:5:14: accepted[0]: expires '2026-02-30'") ? 4 : 0;
        seen |= strstr(line, "accepted[1]: the key 'reason' is required") ? 8 : 0;
    }
    if (seen != 15)
        diag_list_print(&d, stderr);
    CHECK_INT_EQ(seen, 15);
    accept_free(&l);
    diag_list_free(&d);
}

static void test_diff(void)
{
    struct fixture f;
    fixture_init(&f);
    cJSON *old_doc = fixed_doc(&f);
    struct textbuf out = {0};
    CHECK_INT_EQ(report_diff(old_doc, old_doc, 0.1, &out), 0);
    tb_free(&out);

    /* Planted: compression now fails, p99 x2, the error rate up, HSTS fixed. */
    f.results[2].status = PROBE_FAIL;
    f.results[0].status = PROBE_PASS;
    for (int i = 0; i < 300; i++)
        hist_record(f.load.latency, 900000);
    f.load.totals.errors[LG_ERR_TIMEOUT] = 30;
    verdict_free(&f.verdict);
    f.run.reason_count = 0;
    score_compute(f.checks, 4, f.run.groups, &f.run.overall);
    cJSON *new_doc = fixed_doc(&f);
    size_t n = report_diff(old_doc, new_doc, 0.1, &out);
    CHECK_CONTAINS(out.s, "regression: new finding T-COMPRESSION (medium) fail, was pass");
    CHECK_CONTAINS(out.s, "fixed: S-HSTS (high) was fail, now pass");
    CHECK_CONTAINS(out.s, "regression: p99 latency");
    CHECK_CONTAINS(out.s, "regression: error rate 1.000% -> 10.667%");
    CHECK_CONTAINS(out.s, "regression: grade Traffic management A+ -> ");
    CHECK(n >= 4);
    tb_free(&out);
    /* Within tolerance: a 5% slower p99 is not a regression at 10%. */
    CHECK_INT_EQ(report_diff(new_doc, new_doc, 0.1, &out), 0);
    tb_free(&out);
    cJSON_Delete(old_doc);
    cJSON_Delete(new_doc);
    f.verdict = (struct verdict){0};
    fixture_free(&f);
}

int main(void)
{
    RUN(test_golden);
    RUN(test_verdict_and_scores);
    RUN(test_load_protocol);
    RUN(test_escaping);
    RUN(test_stack);
    RUN(test_step_charts);
    RUN(test_escape_bytes);
    RUN(test_accept_file);
    RUN(test_diff);
    return check_summary();
}
