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

void verdict_judge(struct report_check *checks, size_t n, const struct report_threshold *th,
                   size_t nth, enum severity fail_on, int interrupted, struct verdict *v)
{
    v->reasons = NULL;
    v->count = 0;
    size_t gate = 0, undecided = 0;
    /* An interrupted run is judged on what it saw: that comes first, and a threshold left
     * without data by the stop is no reason. */
    if (interrupted)
        add_reason(v, "the run was interrupted before its planned end");
    for (size_t i = 0; i < n; i++) {
        struct report_check *c = &checks[i];
        const struct report_acceptance *a = c->accepted;
        c->gated = c->result->status == PROBE_FAIL && c->severity >= fail_on && (!a || a->expired);
        if (!c->gated)
            continue;
        gate++;
        add_reason(v, "%s (%s) failed%s: %s; allowed: no failed finding at %s or above%s%s%s",
                   c->probe->id, severity_name(c->severity), phase_suffix(c), c->result->reason,
                   severity_name(fail_on), a ? " (its acceptance expired on " : "",
                   a ? a->expires : "", a ? ")" : "");
    }
    for (size_t i = 0; i < nth; i++) {
        const struct report_threshold *t = &th[i];
        if (t->result.verdict == TH_PASS || (interrupted && t->result.verdict == TH_NODATA))
            continue;
        gate++;
        if (t->result.verdict == TH_NODATA)
            add_reason(v, "threshold '%s': no data to judge it (%s)", t->expr, t->result.line);
        else
            add_reason(v, "threshold '%s' broken: %s", t->expr, t->result.line);
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
