#include "checker/verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/exit_codes.h"
#include "common/oom.h"

static void add_reason(struct verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_reason(struct verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *line = xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(line, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    v->reasons = xrealloc(v->reasons, (v->count + 1) * sizeof *v->reasons);
    v->reasons[v->count++] = line;
}

static const char *phase_suffix(const struct report_check *c)
{
    return c->phase == PHASE_UNDER_LOAD ? " under load" : "";
}

static int check_gated(const struct report_check *c, enum severity fail_on)
{
    const struct report_acceptance *a = c->accepted;
    return c->result->status == PROBE_FAIL && c->severity >= fail_on && (!a || a->expired);
}

/* A threshold with no data in an interrupted run says nothing: the run stopped short. */
static int threshold_gated(const struct report_threshold *t, int interrupted)
{
    return t->result.verdict == TH_FAIL || (t->result.verdict == TH_NODATA && !interrupted);
}

/* The checks that could not decide when they outnumber the decided ones (the run found too
 * little to say anything about the store); else 0. */
static size_t undecided_count(const struct report_check *checks, size_t n)
{
    size_t errored = 0, decided = 0;
    for (size_t i = 0; i < n; i++) {
        enum probe_status st = checks[i].result->status;
        errored += st == PROBE_ERROR;
        decided += st == PROBE_PASS || st == PROBE_WARN || st == PROBE_FAIL;
    }
    return errored > decided ? errored : 0;
}

void verdict_judge(struct report_check *checks, size_t n, struct report_threshold *th, size_t nth,
                   enum severity fail_on, int interrupted, struct verdict *v)
{
    v->reasons = NULL;
    v->count = 0;
    size_t gate = 0, undecided = 0;
    /* An interrupted run is judged on what it saw: that comes first, its cancelled checks are
     * said by that reason, and a threshold left without data by the stop is no reason. */
    if (interrupted)
        add_reason(v, "the run was interrupted before its planned end");
    size_t errored = interrupted ? 0 : undecided_count(checks, n);
    if (errored)
        add_reason(v, "could not decide: %zu probes errored (of %zu checks)", errored, n);
    for (size_t i = 0; i < n; i++) {
        struct report_check *c = &checks[i];
        const struct report_acceptance *a = c->accepted;
        c->gated = check_gated(c, fail_on);
        if (!c->gated)
            continue;
        gate++;
        add_reason(v, "%s (%s) failed%s: %s; allowed: no failed finding at %s or above%s%s%s",
                   c->probe->id, severity_name(c->severity), phase_suffix(c), c->result->reason,
                   severity_name(fail_on), a ? " (its acceptance expired on " : "",
                   a ? a->expires : "", a ? ")" : "");
    }
    for (size_t i = 0; i < nth; i++) {
        struct report_threshold *t = &th[i];
        t->gated = threshold_gated(t, interrupted);
        if (!t->gated)
            continue;
        gate++;
        if (t->result.verdict == TH_NODATA)
            add_reason(v, "threshold '%s': no data to judge it (%s)", t->expr, t->result.line);
        else
            add_reason(v, "threshold '%s' broken: %s", t->expr, t->result.line);
    }
    if (errored) {
        v->result = "incomplete";
        v->exit_code = EXIT_RUN_ERROR;
        return;
    }
    if (gate && !interrupted) {
        v->result = "failed";
        v->exit_code = EXIT_GATE_FAILED;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct report_check *c = &checks[i];
        if (c->result->status != PROBE_ERROR)
            continue;
        undecided++;
        add_reason(v, "%s could not decide%s: %s", c->probe->id, phase_suffix(c),
                   c->result->reason);
    }
    if (interrupted) {
        v->result = "interrupted";
        v->exit_code = EXIT_RUN_ERROR;
    } else if (undecided) {
        v->result = "incomplete";
        v->exit_code = EXIT_RUN_ERROR;
    } else {
        v->result = "passed";
        v->exit_code = EXIT_PASSED;
    }
}

void verdict_free(struct verdict *v)
{
    for (size_t i = 0; i < v->count; i++)
        free(v->reasons[i]);
    free(v->reasons);
    v->reasons = NULL;
    v->count = 0;
}
