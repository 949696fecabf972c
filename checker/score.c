#include "checker/score.h"

#include <string.h>

/* Points a failed check takes off; a warning takes off half. */
static const double fail_points[SEV_COUNT] = {
    [SEV_INFO] = 0, [SEV_LOW] = 5, [SEV_MEDIUM] = 15, [SEV_HIGH] = 25, [SEV_CRITICAL] = 40,
};

/* A failed check of this probe (whose reason contains `reason`, when given) caps its group. */
static const struct cap {
    const char *probe_id;
    const char *reason;
    const char *grade;
    const char *why;
} caps[] = {
    {"S-TLS-CERT", "expired", "F", "an expired certificate caps Security at F"},
    {"S-EXPOSED-VCS", NULL, "F", "an exposed version-control directory (.git) caps Security at F"},
    {"S-EXPOSED-ENV", NULL, "F", "an exposed .env file caps Security at F"},
    {"S-TLS-VERSIONS", NULL, "C", "TLS below 1.2 caps Security at C"},
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

static const struct cap *cap_of(const struct report_check *c)
{
    if (c->result->status != PROBE_FAIL)
        return NULL;
    for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
        const struct cap *k = &caps[i];
        if (strcmp(k->probe_id, c->probe->id) == 0 &&
            (!k->reason || (c->result->reason && strstr(c->result->reason, k->reason))))
            return k;
    }
    return NULL;
}

/* The worse of the grade and the cap; the cap is named whenever it holds the grade down (also
 * when the points alone would give the same grade). */
static void apply_cap(struct report_score *s, const char *grade, const char *why)
{
    if (grade_rank(grade) >= grade_rank(s->grade)) {
        s->grade = grade;
        s->cap = why;
    }
}

void score_compute(const struct report_check *checks, size_t n,
                   struct report_score groups[GROUP_COUNT], struct report_score *overall)
{
    double lost[GROUP_COUNT] = {0};
    int judged[GROUP_COUNT] = {0}, warns[GROUP_COUNT] = {0};
    const struct cap *capped[GROUP_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct report_check *c = &checks[i];
        enum probe_group g = c->probe->group;
        enum probe_status st = c->result->status;
        if (st != PROBE_PASS && st != PROBE_WARN && st != PROBE_FAIL)
            continue; /* skipped and undecided checks say nothing about the store */
        judged[g]++;
        if (st == PROBE_FAIL)
            lost[g] += fail_points[c->severity];
        if (st == PROBE_WARN) {
            lost[g] += fail_points[c->severity] / 2;
            warns[g]++;
        }
        const struct cap *k = cap_of(c);
        if (k && (!capped[g] || grade_rank(k->grade) > grade_rank(capped[g]->grade)))
            capped[g] = k;
    }
    double sum = 0;
    int scored = 0, all_plus = 1;
    memset(overall, 0, sizeof *overall);
    overall->grade = "A+";
    for (int g = 0; g < GROUP_COUNT; g++) {
        struct report_score *s = &groups[g];
        memset(s, 0, sizeof *s);
        if (!judged[g])
            continue;
        s->scored = 1;
        s->score = lost[g] >= 100 ? 0 : 100 - lost[g];
        s->grade = score_grade(s->score, warns[g]);
        if (capped[g]) {
            apply_cap(s, capped[g]->grade, capped[g]->why);
            apply_cap(overall, capped[g]->grade, capped[g]->why);
        }
        all_plus &= strcmp(s->grade, "A+") == 0;
        sum += s->score;
        scored++;
    }
    if (!scored) {
        overall->grade = NULL;
        overall->cap = NULL;
        return;
    }
    const char *cap_grade = overall->grade, *cap_why = overall->cap;
    overall->scored = 1;
    overall->score = sum / scored;
    overall->grade = score_grade(overall->score, !all_plus);
    overall->cap = NULL;
    if (cap_why)
        apply_cap(overall, cap_grade, cap_why);
}
