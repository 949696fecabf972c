/*
 * SARIF 2.1.0 (the OASIS static-analysis results format) for code-scanning dashboards: one rule
 * per check, one result per check that failed or warned, located at the target URL. An
 * unexpired accepted finding is a result with an external suppression carrying its reason, so
 * the dashboard lists it as dismissed rather than dropping it. Checks that could not decide are
 * the run's tool-execution notifications: they are not findings about the store.
 * Only plain-text fields are written (no help.markdown), so no string from the data can render
 * as markup.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/report_doc.h"
#include "reports/reporter.h"
#include "reports/textbuf.h"

#define SARIF_SCHEMA_URI                                                                           \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* A severity as a SARIF level and as GitHub's security-severity score (critical is 9.0 and
 * above, high 7.0 to 8.9, medium 4.0 to 6.9, low below 4.0; info has none). */
struct severity_map {
    const char *severity, *level, *security_score;
};

static const struct severity_map severities[] = {
    {"critical", "error", "9.5"}, {"high", "error", "8.0"}, {"medium", "warning", "5.5"},
    {"low", "note", "3.0"},       {"info", "note", NULL},
};

static const struct severity_map *severity_of(const cJSON *check)
{
    const char *sev = rd_str(check, "severity");
    for (size_t i = 0; i < sizeof severities / sizeof *severities; i++)
        if (strcmp(sev, severities[i].severity) == 0)
            return &severities[i];
    return &severities[sizeof severities / sizeof *severities - 1];
}

static void add_text(cJSON *o, const char *key, const char *text)
{
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, key), "text", text);
}

/* The rule's help: the remediation, the fixes for the recognised stack, the references. */
static char *help_text(const cJSON *check)
{
    struct textbuf b = {0};
    tb_add(&b,
           *rd_str(check, "remediation") ? rd_str(check, "remediation") : rd_str(check, "title"));
    const cJSON *fix;
    cJSON_ArrayForEach(fix, rd_get(check, "stack_remediation"))
    {
        tb_printf(&b, "\nFix for %s: %s", rd_str(fix, "name"), rd_str(fix, "fix"));
    }
    const cJSON *ref;
    int n = 0;
    cJSON_ArrayForEach(ref, rd_get(check, "references"))
    {
        if (cJSON_IsString(ref))
            tb_printf(&b, "%s%s", n++ ? "\n  " : "\nReferences:\n  ", ref->valuestring);
    }
    return tb_take(&b);
}

/* The first reference that is a web address, or NULL. */
static const char *help_uri(const cJSON *check)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, rd_get(check, "references"))
    {
        if (cJSON_IsString(ref) && (strncmp(ref->valuestring, "https://", 8) == 0 ||
                                    strncmp(ref->valuestring, "http://", 7) == 0))
            return ref->valuestring;
    }
    return NULL;
}

static cJSON *rule_json(const cJSON *doc, const cJSON *check)
{
    const struct severity_map *sev = severity_of(check);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "id", rd_str(check, "id"));
    cJSON_AddStringToObject(r, "name", rd_str(check, "title"));
    add_text(r, "shortDescription", rd_str(check, "title"));
    if (*rd_str(check, "rationale"))
        add_text(r, "fullDescription", rd_str(check, "rationale"));
    char *help = help_text(check);
    add_text(r, "help", help);
    free(help);
    if (help_uri(check))
        cJSON_AddStringToObject(r, "helpUri", help_uri(check));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "defaultConfiguration"), "level",
                            sev->level);
    cJSON *props = cJSON_AddObjectToObject(r, "properties");
    /* The STORE group in lower case: the Security group's tag is "security", by which GitHub
     * ranks a rule by its security-severity. */
    cJSON *tags = cJSON_AddArrayToObject(props, "tags");
    const char *group = rd_str(check, "group");
    const cJSON *g;
    cJSON_ArrayForEach(g, rd_get(rd_get(doc, "scores"), "groups"))
    {
        if (strcmp(rd_str(g, "group"), group) != 0 || !*rd_str(g, "name"))
            continue;
        char *tag = xstrdup(rd_str(g, "name"));
        for (char *p = tag; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
        free(tag);
    }
    if (strcmp(group, "S") == 0 && sev->security_score)
        cJSON_AddStringToObject(props, "security-severity", sev->security_score);
    cJSON_AddStringToObject(props, "severity", rd_str(check, "severity"));
    return r;
}

/* The finding in words: the reason, then each piece of evidence on a line. */
static char *message_text(const cJSON *check)
{
    struct textbuf b = {0};
    tb_add(&b, *rd_str(check, "reason") ? rd_str(check, "reason") : rd_str(check, "title"));
    const cJSON *ev;
    cJSON_ArrayForEach(ev, rd_get(check, "evidence"))
    {
        const char *request = rd_str(ev, "request"), *detail = rd_str(ev, "detail");
        tb_add(&b, "\n");
        tb_add(&b, request);
        if (rd_has_num(ev, "status"))
            tb_printf(&b, "%s-> %.0f", *request ? " " : "", rd_num(ev, "status", 0));
        if (*detail && (*request || rd_has_num(ev, "status")))
            tb_add(&b, " | ");
        tb_add(&b, detail);
    }
    return tb_take(&b);
}

static cJSON *result_json(const cJSON *doc, const cJSON *check, int rule_index)
{
    const struct severity_map *sev = severity_of(check);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "ruleId", rd_str(check, "id"));
    cJSON_AddNumberToObject(r, "ruleIndex", rule_index);
    /* A warning is never reported above its own severity, nor above "warning". */
    int warn = strcmp(rd_str(check, "status"), "warn") == 0;
    cJSON_AddStringToObject(r, "level",
                            warn && strcmp(sev->level, "error") == 0 ? "warning" : sev->level);
    char *text = message_text(check);
    add_text(r, "message", text);
    free(text);
    cJSON *loc = cJSON_CreateObject();
    cJSON *physical = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(physical, "artifactLocation"), "uri",
                            rd_str(doc, "target"));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "locations"), loc);
    /* Findings have no source lines to hash: the check and the target identify one. */
    struct textbuf fp = {0};
    tb_printf(&fp, "%s|%s", rd_str(check, "id"), rd_str(doc, "target"));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "partialFingerprints"), "checkTarget/v1",
                            fp.s);
    tb_free(&fp);
    const cJSON *acc = rd_get(check, "accepted");
    if (cJSON_IsObject(acc) && !rd_bool(acc, "expired")) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "kind", "external");
        cJSON_AddStringToObject(s, "status", "accepted");
        cJSON_AddStringToObject(s, "justification", rd_str(acc, "reason"));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "suppressions"), s);
    }
    cJSON *props = cJSON_AddObjectToObject(r, "properties");
    cJSON_AddStringToObject(props, "severity", rd_str(check, "severity"));
    cJSON_AddStringToObject(props, "phase", rd_str(check, "phase"));
    cJSON_AddBoolToObject(props, "gated", rd_bool(check, "gated"));
    if (cJSON_IsObject(acc))
        cJSON_AddStringToObject(props, "acceptedUntil", rd_str(acc, "expires"));
    return r;
}

/* When the run started and ended, whether it completed, and the checks that could not
 * decide. */
static cJSON *invocation_json(const cJSON *doc)
{
    const cJSON *v = rd_get(doc, "verdict");
    const char *result = rd_str(v, "result");
    cJSON *inv = cJSON_CreateObject();
    cJSON_AddBoolToObject(inv, "executionSuccessful",
                          strcmp(result, "passed") == 0 || strcmp(result, "failed") == 0);
    cJSON_AddNumberToObject(inv, "exitCode", rd_num(v, "exit_code", 0));
    char t[32];
    rd_fmt_time(rd_num(doc, "started_unix_ms", -1e300), t, sizeof t);
    if (strcmp(t, "?") != 0)
        cJSON_AddStringToObject(inv, "startTimeUtc", t);
    rd_fmt_time(rd_num(doc, "ended_unix_ms", -1e300), t, sizeof t);
    if (strcmp(t, "?") != 0)
        cJSON_AddStringToObject(inv, "endTimeUtc", t);
    cJSON *notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
    const cJSON *c;
    cJSON_ArrayForEach(c, rd_get(doc, "checks"))
    {
        if (strcmp(rd_str(c, "status"), "error") != 0)
            continue;
        cJSON *n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "level", "error");
        char *text = message_text(c);
        add_text(n, "message", text);
        free(text);
        cJSON *rule = cJSON_AddObjectToObject(n, "associatedRule");
        cJSON_AddStringToObject(rule, "id", rd_str(c, "id"));
        cJSON_AddItemToArray(notes, n);
    }
    cJSON *props = cJSON_AddObjectToObject(inv, "properties");
    cJSON_AddStringToObject(props, "verdict", result);
    cJSON *reasons = cJSON_AddArrayToObject(props, "reasons");
    const cJSON *r;
    cJSON_ArrayForEach(r, rd_get(v, "reasons"))
    {
        if (cJSON_IsString(r))
            cJSON_AddItemToArray(reasons, cJSON_CreateString(r->valuestring));
    }
    return inv;
}

/* The index of the rule with this id among the first n, or -1. */
static int rule_index(const cJSON *rules, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rd_str(cJSON_GetArrayItem(rules, i), "id"), id) == 0)
            return i;
    return -1;
}

static char *render_sarif(const cJSON *doc)
{
    cJSON *log = cJSON_CreateObject();
    cJSON_AddStringToObject(log, "$schema", SARIF_SCHEMA_URI);
    cJSON_AddStringToObject(log, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(log, "runs"), run);
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "storecheck");
    if (*rd_str(doc, "tool_version"))
        cJSON_AddStringToObject(driver, "version", rd_str(doc, "tool_version"));
    cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
    cJSON *results = cJSON_CreateArray();
    int nrules = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, rd_get(doc, "checks"))
    {
        /* A check may run twice (before and under the load): one rule for both. */
        int index = rule_index(rules, nrules, rd_str(c, "id"));
        if (index < 0) {
            cJSON_AddItemToArray(rules, rule_json(doc, c));
            index = nrules++;
        }
        const char *status = rd_str(c, "status");
        if (strcmp(status, "fail") == 0 || strcmp(status, "warn") == 0)
            cJSON_AddItemToArray(results, result_json(doc, c, index));
    }
    cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), invocation_json(doc));
    cJSON_AddItemToObject(run, "results", results);
    char *text = cJSON_Print(log);
    if (!text)
        oom_abort(0);
    cJSON_Delete(log);
    return text;
}

const struct reporter reporter_sarif = {"sarif", render_sarif};
