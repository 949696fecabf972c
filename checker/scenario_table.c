#include "checker/scenario_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "common/units.h"

static void dur(uint64_t us, char *buf, size_t len)
{
    units_format_duration_us(us, buf, len);
}

/* "  unexpected_status 3  no_match 1", or "" */
static void print_failures(FILE *out, const uint64_t failed[LG_FAIL_COUNT])
{
    for (int i = 0; i < LG_FAIL_COUNT; i++)
        if (failed[i])
            fprintf(out, "  %s %llu", lg_fail_names[i], (unsigned long long)failed[i]);
}

/* "      graphql PAYMENT_DECLINED  3" for each reason of the step's failed checks that no
 * check expression names (GraphQL errors). */
static void print_other_reasons(FILE *out, const struct lg_step_stats *st,
                                const struct strv *secrets)
{
    for (size_t i = 0; i < st->reasons.count; i++) {
        const struct lg_reason *rs = &st->reasons.items[i];
        int is_check = 0;
        for (size_t k = 0; k < st->check_count; k++)
            is_check |= strncmp(st->checks[k], rs->text, LG_REASON_MAX - 1) == 0;
        if (is_check)
            continue;
        char line[LG_REASON_MAX + LG_GOT_MAX + 16];
        snprintf(line, sizeof line, "%s: got %s", rs->text, rs->got);
        char *clean = redact_copy(secrets, line);
        fprintf(out, "      %s  %llu\n", clean, (unsigned long long)rs->count);
        free(clean);
    }
    if (st->reasons.other)
        fprintf(out, "      other reasons  %llu\n", (unsigned long long)st->reasons.other);
}

/* "      check '$.status == \"paid\"' failed: got \"declined\"  12" for each failing check. */
static void print_checks(FILE *out, const struct lg_step_stats *st, const struct strv *secrets)
{
    for (size_t k = 0; k < st->check_count; k++) {
        if (!st->check_failed[k])
            continue;
        char reason[512];
        lg_check_reason(st, k, reason, sizeof reason);
        char *clean = redact_copy(secrets, reason);
        fprintf(out, "      %s  %llu\n", clean, (unsigned long long)st->check_failed[k]);
        free(clean);
    }
}

void scenario_table_print(const struct cli *cli, FILE *out, const struct load_result *r,
                          const struct strv *secrets)
{
    if (!r->scenario_count)
        return;
    fprintf(out, "\n  %-16s %9s %9s %9s %9s %10s %9s %9s %9s\n", "Scenario", "started", "completed",
            "failed", "dropped", "unfinished", "p50", "p95", "max");
    for (size_t i = 0; i < r->scenario_count; i++) {
        const struct lg_scenario_stats *s = &r->scenarios[i];
        char p50[32], p95[32], mx[32];
        dur(hist_percentile(s->duration, 50), p50, sizeof p50);
        dur(hist_percentile(s->duration, 95), p95, sizeof p95);
        dur(s->duration->max, mx, sizeof mx);
        uint64_t failed = lg_fail_total(s->failed);
        fprintf(out, "  %-16.16s %9llu %9llu %s%9llu%s %9llu %10llu %9s %9s %9s\n", s->name,
                (unsigned long long)s->started, (unsigned long long)s->completed,
                failed ? cli_red(cli) : "", (unsigned long long)failed,
                failed ? cli_reset(cli) : "", (unsigned long long)s->dropped,
                (unsigned long long)s->unfinished, p50, p95, mx);
    }
    fprintf(out, "  (iteration duration of completed iterations, think time included)\n");
    for (size_t i = 0; i < r->scenario_count; i++) {
        const struct lg_scenario_stats *s = &r->scenarios[i];
        char a50[32], a95[32], t50[32], t95[32];
        dur(hist_percentile(s->active, 50), a50, sizeof a50);
        dur(hist_percentile(s->active, 95), a95, sizeof a95);
        dur(hist_percentile(s->think, 50), t50, sizeof t50);
        dur(hist_percentile(s->think, 95), t95, sizeof t95);
        fprintf(out, "  %-16.16s without think p50 %s p95 %s; think p50 %s p95 %s\n", s->name, a50,
                a95, t50, t95);
    }
    fprintf(out, "\n  %-24s %9s %9s %9s %9s %9s %9s  %s\n", "Step", "requests", "p50", "p90", "p95",
            "p99", "max", "failed");
    for (size_t i = 0; i < r->step_count; i++) {
        const struct lg_step_stats *st = &r->steps[i];
        char name[64], v[5][32];
        snprintf(name, sizeof name, "%s.%s", st->scenario, st->name);
        const double ps[] = {50, 90, 95, 99};
        for (int k = 0; k < 4; k++)
            dur(hist_percentile(st->latency, ps[k]), v[k], sizeof v[k]);
        dur(st->latency->max, v[4], sizeof v[4]);
        fprintf(out, "  %-24.24s %9llu %9s %9s %9s %9s %9s  %llu", name,
                (unsigned long long)st->requests, v[0], v[1], v[2], v[3], v[4],
                (unsigned long long)lg_fail_total(st->failed));
        print_failures(out, st->failed);
        fprintf(out, "\n");
        print_checks(out, st, secrets);
        print_other_reasons(out, st, secrets);
    }
    fprintf(out, "  virtual users: peak %u of %u\n", r->vus_peak, r->vus_max);
}
