/*
 * Reading a run report document (report_json's output, or a saved file) for the renderers:
 * lookups that give a default instead of NULL, the document check, and number formatting
 * every format shares.
 */
#ifndef STORECHECK_REPORTS_REPORT_DOC_H
#define STORECHECK_REPORTS_REPORT_DOC_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The member k of o, or NULL (o may be NULL). */
const cJSON *rd_get(const cJSON *o, const char *k);
/* A string member, or "" when absent, null or not a string. */
const char *rd_str(const cJSON *o, const char *k);
/* A number member, or def when absent or not a number. */
double rd_num(const cJSON *o, const char *k, double def);
int rd_bool(const cJSON *o, const char *k);
/* The number at index i of an array, or 0. */
double rd_num_at(const cJSON *a, int i);
/* 1 if the member is a number (not null). */
int rd_has_num(const cJSON *o, const char *k);

/* Is doc an object of this kind ("storecheck.run") and schema_version? 0, or -1 with the
 * reason in err, naming it as what ("run report"). */
int rd_check_kind(const cJSON *doc, const char *kind, const char *what, int version, char *err,
                  size_t errlen);

/* Is doc a run report this build can render? 0, or -1 with the reason in err. */
int rd_check(const cJSON *doc, char *err, size_t errlen);

/* Microseconds as "850us", "12.3ms", "1.52s". */
void rd_fmt_us(double us, char *buf, size_t len);
/* A threshold's observed value in its unit ("us", "ratio", "per_second", "count"), or "no
 * data". */
void rd_fmt_observed(const cJSON *threshold, char *buf, size_t len);
/* A threshold's result, of a run report (its verdict) or of a load result (passed): "pass"
 * or "fail". One with no data fails, as the gate counts it; its observed value says "no data". */
const char *rd_threshold_result(const cJSON *threshold);
/* Unix milliseconds as "2026-11-26T09:00:00Z". */
void rd_fmt_time(double unix_ms, char *buf, size_t len);

/* What holds a score's grade down, in a phrase ("" when nothing does): its cap and the checks
 * that could not decide. */
void rd_held_down_by(const cJSON *score, char *buf, size_t len);
/* 1 if the overall score or any group's is held down by something. */
int rd_any_held_down(const cJSON *scores);

/* For a check that skipped or could not decide for a reason that is itself a finding, what the
 * grade made of it ("counts as failed in the grade: no TLS"); else "". */
const char *rd_cause_note(const cJSON *check);

/* The status of a check as the gate sees it: "accepted" for a failed check under an
 * unexpired acceptance, else its status. */
const char *rd_check_outcome(const cJSON *check);

/* When a check ran, in buf: "" for the baseline, "under load" or "under load over h2" (the
 * protocols of its load_protocols, joined by " and "). Returns buf. */
const char *rd_check_phase(const cJSON *check, char *buf, size_t len);

/* The recognised stack in a sentence (doc's "stack"): "nginx (Server: nginx/1.25.3), Varnish
 * (Via: ...)", or why none was recognised; "" when the report has no stack. */
void rd_stack_summary(const cJSON *doc, char *buf, size_t len);

#endif
