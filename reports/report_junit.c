/*
 * JUnit XML: one testsuite per STORE group plus one for the thresholds, one testcase per check
 * and per threshold. The <failure>s are exactly the gate's reasons: a check or threshold that
 * fails the gate. A check that could not decide is an <error>. A finding that does not fail the
 * gate (below fail_on, accepted, a warning) and a skipped check are <skipped/> with a message
 * that says which, so a green pipeline never shows a red test. An interrupted run also gets a
 * suite "Run" whose one testcase is an <error type="interrupted">, so that it never reads as green.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report_doc.h"
#include "reports/reporter.h"
#include "reports/textbuf.h"

struct suite {
    struct textbuf cases;
    int tests, failures, errors, skipped;
    double seconds;
};

static void attr(struct textbuf *b, const char *name, const char *value)
{
    tb_printf(b, " %s=\"", name);
    tb_add_escaped(b, value);
    tb_add(b, "\"");
}

static void evidence_text(struct textbuf *b, const cJSON *check)
{
    const cJSON *ev;
    cJSON_ArrayForEach(ev, rd_get(check, "evidence"))
    {
        const char *request = rd_str(ev, "request"), *detail = rd_str(ev, "detail");
        tb_add_escaped(b, request);
        if (rd_has_num(ev, "status"))
            tb_printf(b, "%s-> %.0f", *request ? " " : "", rd_num(ev, "status", 0));
        if (*detail && (*request || rd_has_num(ev, "status")))
            tb_add(b, " | ");
        tb_add_escaped(b, detail);
        tb_add(b, "\n");
    }
    const cJSON *fix;
    cJSON_ArrayForEach(fix, rd_get(check, "stack_remediation"))
    {
        tb_add(b, "Fix for ");
        tb_add_escaped(b, rd_str(fix, "name"));
        tb_add(b, ": ");
        tb_add_escaped(b, rd_str(fix, "fix"));
        tb_add(b, "\n");
    }
    if (*rd_str(check, "remediation")) {
        tb_add(b, "Remediation: ");
        tb_add_escaped(b, rd_str(check, "remediation"));
        tb_add(b, "\n");
    }
}

static void skipped(struct textbuf *b, const char *message)
{
    tb_add(b, "      <skipped");
    attr(b, "message", message);
    tb_add(b, "/>\n");
}

/* Why a finding that does not fail the gate is shown as skipped. */
static void finding_not_gated(const cJSON *doc, const cJSON *c, const char *outcome, char *msg,
                              size_t len)
{
    const char *reason = rd_str(c, "reason");
    const cJSON *acc = rd_get(c, "accepted");
    if (strcmp(outcome, "accepted") == 0)
        snprintf(msg, len, "accepted until %s: %s (finding: %s)", rd_str(acc, "expires"),
                 rd_str(acc, "reason"), reason);
    else if (strcmp(outcome, "warn") == 0)
        snprintf(msg, len, "warning, does not fail the gate: %s", reason);
    else
        snprintf(msg, len, "%s finding below fail_on %s, does not fail the gate: %s",
                 rd_str(c, "severity"), rd_str(doc, "fail_on"), reason);
}

static void check_case(struct suite *s, const cJSON *doc, const cJSON *c)
{
    struct textbuf *b = &s->cases;
    const char *outcome = rd_check_outcome(c);
    double secs = rd_num(c, "elapsed_ms", 0) / 1000;
    char name[512];
    snprintf(name, sizeof name, "%s: %s", rd_str(c, "id"), rd_str(c, "title"));
    char cls[64];
    snprintf(cls, sizeof cls, "storecheck.%s", rd_str(c, "group"));
    tb_add(b, "    <testcase");
    attr(b, "classname", cls);
    attr(b, "name", name);
    tb_printf(b, " time=\"%.3f\">\n", secs);
    s->tests++;
    s->seconds += secs;
    const char *reason = rd_str(c, "reason");
    int error = strcmp(outcome, "error") == 0;
    if (rd_bool(c, "gated") || error) {
        error ? s->errors++ : s->failures++;
        tb_add(b, error ? "      <error" : "      <failure");
        attr(b, "message", reason);
        attr(b, "type", error ? "error" : rd_str(c, "severity"));
        tb_add(b, ">");
        evidence_text(b, c);
        tb_add(b, error ? "</error>\n" : "</failure>\n");
    } else if (strcmp(outcome, "pass") != 0) {
        s->skipped++;
        char msg[1024];
        if (strcmp(outcome, "skip") == 0)
            snprintf(msg, sizeof msg, "%s%s%s%s", reason, *rd_cause_note(c) ? " (" : "",
                     rd_cause_note(c), *rd_cause_note(c) ? ")" : "");
        else
            finding_not_gated(doc, c, outcome, msg, sizeof msg);
        skipped(b, msg);
    } else {
        tb_add(b, "      <system-out>");
        tb_add_escaped(b, outcome);
        tb_add(b, ": ");
        tb_add_escaped(b, reason);
        tb_add(b, "</system-out>\n");
    }
    tb_add(b, "    </testcase>\n");
}

/* A report written before thresholds carried "gated": every threshold not passed gated. */
static int threshold_gated(const cJSON *t)
{
    const cJSON *gated = rd_get(t, "gated");
    return cJSON_IsBool(gated) ? cJSON_IsTrue(gated) : strcmp(rd_str(t, "verdict"), "pass") != 0;
}

static void threshold_case(struct suite *s, const cJSON *t)
{
    struct textbuf *b = &s->cases;
    tb_add(b, "    <testcase classname=\"storecheck.thresholds\"");
    attr(b, "name", rd_str(t, "expr"));
    tb_add(b, " time=\"0.000\">\n");
    s->tests++;
    if (threshold_gated(t)) {
        s->failures++;
        tb_add(b, "      <failure");
        attr(b, "message", rd_str(t, "line"));
        tb_add(b, " type=\"threshold\"/>\n");
    } else if (strcmp(rd_str(t, "verdict"), "pass") != 0) {
        s->skipped++;
        char msg[512];
        snprintf(msg, sizeof msg, "does not fail the gate: %s", rd_str(t, "line"));
        skipped(b, msg);
    } else {
        tb_add(b, "      <system-out>");
        tb_add_escaped(b, rd_str(t, "line"));
        tb_add(b, "</system-out>\n");
    }
    tb_add(b, "    </testcase>\n");
}

static void close_suite(struct textbuf *out, struct suite *s, const char *name,
                        const char *timestamp, struct suite *total)
{
    if (!s->tests) {
        tb_free(&s->cases);
        return;
    }
    tb_add(out, "  <testsuite");
    attr(out, "name", name);
    tb_printf(out, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\"",
              s->tests, s->failures, s->errors, s->skipped, s->seconds);
    if (*timestamp)
        tb_printf(out, " timestamp=\"%s\"", timestamp);
    tb_add(out, ">\n");
    tb_add(out, s->cases.s);
    tb_add(out, "  </testsuite>\n");
    total->tests += s->tests;
    total->failures += s->failures;
    total->errors += s->errors;
    total->skipped += s->skipped;
    total->seconds += s->seconds;
    tb_free(&s->cases);
}

static void interrupted_suite(struct textbuf *out, const cJSON *doc, const char *timestamp,
                              struct suite *total)
{
    if (!rd_bool(doc, "interrupted"))
        return;
    struct suite s = {.tests = 1, .errors = 1};
    tb_add(&s.cases, "    <testcase classname=\"storecheck.run\" name=\"the run completed\""
                     " time=\"0.000\">\n"
                     "      <error message=\"the run was interrupted before its planned end\""
                     " type=\"interrupted\"/>\n"
                     "    </testcase>\n");
    close_suite(out, &s, "Run", timestamp, total);
}

static char *render_junit(const cJSON *doc)
{
    char ts[32];
    rd_fmt_time(rd_num(doc, "started_unix_ms", 0), ts, sizeof ts);
    /* JUnit timestamps carry no zone designator; an unknown time is left out. */
    ts[strcmp(ts, "?") == 0 ? 0 : strlen(ts) - 1] = '\0';
    struct textbuf suites = {0};
    struct suite total = {0};
    interrupted_suite(&suites, doc, ts, &total);
    const cJSON *g;
    cJSON_ArrayForEach(g, rd_get(rd_get(doc, "scores"), "groups"))
    {
        struct suite s = {0};
        const cJSON *c;
        cJSON_ArrayForEach(c, rd_get(doc, "checks"))
        {
            if (strcmp(rd_str(c, "group"), rd_str(g, "group")) == 0)
                check_case(&s, doc, c);
        }
        char name[128];
        snprintf(name, sizeof name, "%s %s", rd_str(g, "group"), rd_str(g, "name"));
        close_suite(&suites, &s, name, ts, &total);
    }
    struct suite th = {0};
    const cJSON *t;
    cJSON_ArrayForEach(t, rd_get(doc, "thresholds"))
    {
        threshold_case(&th, t);
    }
    close_suite(&suites, &th, "Thresholds", ts, &total);

    struct textbuf b = {0};
    tb_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"storecheck\"");
    tb_printf(&b, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
              total.tests, total.failures, total.errors, total.skipped, total.seconds);
    if (suites.s)
        tb_add(&b, suites.s);
    tb_add(&b, "</testsuites>");
    tb_free(&suites);
    return tb_take(&b);
}

const struct reporter reporter_junit = {"junit", render_junit};
