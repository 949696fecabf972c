#include "checker/score.h"

#include <string.h>

/* Points a failed check takes off; a warning takes off half. */
static const double fail_points[SEV_COUNT] = {
    [SEV_INFO] = 0, [SEV_LOW] = 5, [SEV_MEDIUM] = 15, [SEV_HIGH] = 25, [SEV_CRITICAL] = 40,
};

/* A check of this probe that counts as failed for this cause caps its group. */
static const struct cap {
    const char *probe_id;
    enum probe_cause cause;
    const char *grade;
    const char *why;
} caps[] = {
    {"S-TLS-CERT", CAUSE_NONE, "F", "a certificate no client accepts caps Security at F"},
    {"S-TLS-CERT", CAUSE_NO_TLS, "F", "no TLS (plain http) caps Security at F"},
    {"S-EXPOSED-VCS", CAUSE_NONE, "F",
     "an exposed version-control directory (.git) caps Security at F"},
    {"S-EXPOSED-ENV", CAUSE_NONE, "F", "an exposed .env file caps Security at F"},
    {"S-TLS-VERSIONS", CAUSE_NONE, "C", "TLS below 1.2 caps Security at C"},
};

const char *score_grade(double score, int warnings)
{
    if (score >= 100 && !warnings)
        return "A+";
    static const double floors[] = {90, 80, 70, 60};
    for (size_t i = 0; i < sizeof floors / sizeof *floors; i++)
        if (score >= floors[i])
            return grade_names[i + 1];
    return "F";
}

/* A check failed, or could not run for a reason that is itself a finding (no TLS). */
static int counts_as_failed(const struct probe_result *r)
{
    return r->status == PROBE_FAIL ||
           ((r->status == PROBE_SKIP || r->status == PROBE_ERROR) && r->cause != CAUSE_NONE);
}

static const struct cap *cap_of(const struct report_check *c)
{
    if (!counts_as_failed(c->result))
        return NULL;
    for (size_t i = 0; i < sizeof caps / sizeof *caps; i++)
        if (strcmp(caps[i].probe_id, c->probe->id) == 0 && caps[i].cause == c->result->cause)
            return &caps[i];
    return NULL;
}

/* Why the overall grade is that of its worst group (no store is better than its worst part). */
static const char *const worst_group_why[GROUP_COUNT] = {
    [GROUP_S] = "no better than its worst group, Security",
    [GROUP_T] = "no better than its worst group, Traffic management",
    [GROUP_O] = "no better than its worst group, Operations",
    [GROUP_R] = "no better than its worst group, Reliability",
    [GROUP_E] = "no better than its worst group, Extensibility",
};

/* The worse of the grade and the cap; the cap is named whenever it holds the grade down (also
 * when the points alone would give the same grade). */
static void apply_cap(struct report_score *s, const char *grade, const char *why)
{
    if (grade_rank(grade) >= grade_rank(s->grade)) {
        s->grade = grade;
        s->cap = why;
    }
}

/* While checks could not decide, the letter is only the best the score could be: unless it is
 * already F, the grade is incomplete. */
static void mark_undecided(struct report_score *s)
{
    if (s->undecided && strcmp(s->grade, "F") != 0)
        s->grade = GRADE_INCOMPLETE;
}

void score_compute(const struct report_check *checks, size_t n,
                   struct report_score groups[GROUP_COUNT], struct report_score *overall)
{
    double lost[GROUP_COUNT] = {0};
    int judged[GROUP_COUNT] = {0}, warns[GROUP_COUNT] = {0}, undecided[GROUP_COUNT] = {0};
    const struct cap *capped[GROUP_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct report_check *c = &checks[i];
        enum probe_group g = c->probe->group;
        const struct probe_result *r = c->result;
        if (counts_as_failed(r)) {
            lost[g] += fail_points[c->severity];
        } else if (r->status == PROBE_WARN) {
            lost[g] += fail_points[c->severity] / 2;
            warns[g]++;
        } else if (r->status == PROBE_ERROR) {
            undecided[g]++;
            continue;
        } else if (r->status != PROBE_PASS) {
            continue; /* skipped for a reason of the config: says nothing about the store */
        }
        judged[g]++;
        const struct cap *k = cap_of(c);
        if (k && (!capped[g] || grade_rank(k->grade) > grade_rank(capped[g]->grade)))
            capped[g] = k;
    }
    double sum = 0;
    int scored = 0;
    memset(overall, 0, sizeof *overall);
    overall->grade = "A+";
    for (int g = 0; g < GROUP_COUNT; g++) {
        struct report_score *s = &groups[g];
        memset(s, 0, sizeof *s);
        s->undecided = undecided[g];
        overall->undecided += undecided[g];
        if (!judged[g]) {
            s->grade = undecided[g] ? GRADE_INCOMPLETE : NULL;
            continue;
        }
        s->scored = 1;
        s->score = lost[g] >= 100 ? 0 : 100 - lost[g];
        s->grade = score_grade(s->score, warns[g]);
        if (capped[g]) {
            apply_cap(s, capped[g]->grade, capped[g]->why);
            apply_cap(overall, capped[g]->grade, capped[g]->why);
        }
        mark_undecided(s);
        sum += s->score;
        scored++;
    }
    if (!scored) {
        overall->grade = overall->undecided ? GRADE_INCOMPLETE : NULL;
        overall->cap = NULL;
        return;
    }
    const char *cap_grade = overall->grade, *cap_why = overall->cap;
    overall->scored = 1;
    overall->score = sum / scored;
    overall->grade = score_grade(overall->score, 0);
    overall->cap = NULL;
    if (cap_why)
        apply_cap(overall, cap_grade, cap_why);
    for (int g = 0; g < GROUP_COUNT; g++)
        if (grade_rank(groups[g].grade) > grade_rank(overall->grade))
            apply_cap(overall, groups[g].grade, worst_group_why[g]);
    mark_undecided(overall);
}
