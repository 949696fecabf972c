#include "reports/report_doc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reports/report_model.h"

const cJSON *rd_get(const cJSON *o, const char *k)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

const char *rd_str(const cJSON *o, const char *k)
{
    const cJSON *v = rd_get(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

double rd_num(const cJSON *o, const char *k, double def)
{
    const cJSON *v = rd_get(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

double rd_num_at(const cJSON *a, int i)
{
    const cJSON *v = cJSON_IsArray(a) ? cJSON_GetArrayItem(a, i) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int rd_bool(const cJSON *o, const char *k)
{
    return cJSON_IsTrue(rd_get(o, k));
}

int rd_has_num(const cJSON *o, const char *k)
{
    return cJSON_IsNumber(rd_get(o, k));
}

int rd_check_kind(const cJSON *doc, const char *kind, const char *what, int version, char *err,
                  size_t errlen)
{
    if (!cJSON_IsObject(doc) || strcmp(rd_str(doc, "kind"), kind) != 0) {
        snprintf(err, errlen, "not a storecheck %s (kind is not \"%s\")", what, kind);
        return -1;
    }
    double v = rd_num(doc, "schema_version", 0);
    if (v != version) {
        snprintf(err, errlen, "schema_version %g is not %d, the version this build reads", v,
                 version);
        return -1;
    }
    return 0;
}

int rd_check(const cJSON *doc, char *err, size_t errlen)
{
    if (rd_check_kind(doc, "storecheck.run", "run report", REPORT_SCHEMA_VERSION, err, errlen))
        return -1;
    if (!cJSON_IsArray(rd_get(doc, "checks")) || !cJSON_IsObject(rd_get(doc, "verdict")) ||
        !cJSON_IsObject(rd_get(doc, "scores"))) {
        snprintf(err, errlen, "the report lacks checks, verdict or scores");
        return -1;
    }
    return 0;
}

void rd_fmt_us(double us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%.0fus", us);
    else if (us < 1e6)
        snprintf(buf, len, "%.1fms", us / 1e3);
    else
        snprintf(buf, len, "%.2fs", us / 1e6);
}

void rd_fmt_observed(const cJSON *t, char *buf, size_t len)
{
    if (!rd_has_num(t, "observed")) {
        snprintf(buf, len, "no data");
        return;
    }
    double v = rd_num(t, "observed", 0);
    const char *unit = rd_str(t, "unit");
    if (strcmp(unit, "us") == 0)
        rd_fmt_us(v, buf, len);
    else if (strcmp(unit, "ratio") == 0)
        snprintf(buf, len, "%.3f%%", v * 100);
    else if (strcmp(unit, "per_second") == 0)
        snprintf(buf, len, "%.1f/s", v);
    else
        snprintf(buf, len, "%.0f", v);
}

const char *rd_threshold_result(const cJSON *t)
{
    const cJSON *passed = rd_get(t, "passed");
    int pass =
        cJSON_IsBool(passed) ? cJSON_IsTrue(passed) : strcmp(rd_str(t, "verdict"), "pass") == 0;
    return pass ? "pass" : "fail";
}

void rd_fmt_time(double unix_ms, char *buf, size_t len)
{
    /* Years 0..9999 only: a saved file may hold any number. */
    if (!(unix_ms >= -62167219200000.0 && unix_ms < 253402300800000.0)) {
        snprintf(buf, len, "?");
        return;
    }
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "?");
}

const char *rd_check_outcome(const cJSON *check)
{
    const char *st = rd_str(check, "status");
    const cJSON *acc = rd_get(check, "accepted");
    if (strcmp(st, "fail") == 0 && cJSON_IsObject(acc) && !rd_bool(acc, "expired"))
        return "accepted";
    return st;
}

void rd_held_down_by(const cJSON *score, char *buf, size_t len)
{
    const char *cap = rd_str(score, "cap");
    double undecided = rd_num(score, "undecided", 0);
    if (undecided > 0)
        snprintf(buf, len, "%s%s%.0f check%s could not decide", cap, *cap ? "; " : "", undecided,
                 undecided == 1 ? "" : "s");
    else
        snprintf(buf, len, "%s", cap);
}

int rd_any_held_down(const cJSON *scores)
{
    char buf[8];
    rd_held_down_by(rd_get(scores, "overall"), buf, sizeof buf);
    const cJSON *g;
    cJSON_ArrayForEach(g, rd_get(scores, "groups"))
    {
        if (*buf)
            break;
        rd_held_down_by(g, buf, sizeof buf);
    }
    return *buf != '\0';
}

const char *rd_cause_note(const cJSON *check)
{
    return strcmp(rd_str(check, "cause"), "no_tls") == 0 ? "counts as failed in the grade: no TLS"
                                                         : "";
}

const char *rd_check_phase(const cJSON *check, char *buf, size_t len)
{
    buf[0] = '\0';
    if (strcmp(rd_str(check, "phase"), "under_load") != 0)
        return buf;
    size_t n = (size_t)snprintf(buf, len, "under load");
    const cJSON *p;
    int k = 0;
    cJSON_ArrayForEach(p, rd_get(check, "load_protocols"))
    {
        if (cJSON_IsString(p) && n < len)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", k++ ? " and " : " over ",
                                  p->valuestring);
    }
    return buf;
}

void rd_stack_summary(const cJSON *doc, char *buf, size_t len)
{
    const cJSON *st = rd_get(doc, "stack");
    buf[0] = '\0';
    if (!cJSON_IsObject(st))
        return;
    size_t used = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, rd_get(st, "components"))
    {
        int n = snprintf(buf + used, len - used, "%s%s (%s)", used ? ", " : "", rd_str(c, "name"),
                         rd_str(c, "evidence"));
        if (n < 0 || (size_t)n >= len - used)
            return; /* cut at the buffer */
        used += (size_t)n;
    }
    if (used)
        return;
    if (rd_has_num(st, "status"))
        snprintf(buf, len, "no header of %s (%.0f) names a product storecheck knows",
                 rd_str(st, "request"), rd_num(st, "status", 0));
    else
        snprintf(buf, len, "not recognised: %s: %s", rd_str(st, "request"), rd_str(st, "error"));
}
