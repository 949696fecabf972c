#include "loadgen/schedule.h"

#include <math.h>
#include <string.h>

int schedule_init(struct schedule *s, double start, const struct lg_stage *stages, size_t n,
                  uint64_t duration_us)
{
    if (n > SCHEDULE_MAX_STAGES)
        return -1;
    memset(s, 0, sizeof *s);
    s->start = start;
    s->duration_us = duration_us;
    double prev = start, arrivals = 0;
    uint64_t t = 0;
    for (size_t i = 0; i <= n; i++) {
        s->begin_us[i] = t;
        s->from[i] = prev;
        s->arrivals_before[i] = arrivals;
        if (i == n) { /* hold the last value */
            s->to[i] = prev;
            s->length_us[i] = UINT64_MAX;
            break;
        }
        s->to[i] = stages[i].target;
        s->length_us[i] = stages[i].duration_us;
        arrivals += (prev + stages[i].target) / 2.0 * (double)stages[i].duration_us / 1e6;
        prev = stages[i].target;
        t += stages[i].duration_us;
    }
    s->count = n + 1;
    return 0;
}

static size_t stage_at(const struct schedule *s, uint64_t t_us)
{
    size_t i = 0;
    while (i + 1 < s->count && t_us >= s->begin_us[i + 1])
        i++;
    return i;
}

double schedule_value_at(const struct schedule *s, uint64_t t_us)
{
    size_t i = stage_at(s, t_us);
    if (s->length_us[i] == UINT64_MAX || s->length_us[i] == 0)
        return s->to[i];
    double f = (double)(t_us - s->begin_us[i]) / (double)s->length_us[i];
    return s->from[i] + (s->to[i] - s->from[i]) * f;
}

double schedule_arrivals(const struct schedule *s, uint64_t t_us)
{
    size_t i = stage_at(s, t_us);
    double tau = (double)(t_us - s->begin_us[i]) / 1e6;
    double r0 = s->from[i];
    double a = s->length_us[i] == UINT64_MAX || s->length_us[i] == 0
                   ? 0
                   : (s->to[i] - r0) / ((double)s->length_us[i] / 1e6);
    return s->arrivals_before[i] + r0 * tau + a * tau * tau / 2.0;
}

uint64_t schedule_arrival_time(const struct schedule *s, uint64_t k, size_t *hint)
{
    double want = (double)k;
    size_t i = *hint;
    while (i + 1 < s->count && s->arrivals_before[i + 1] <= want)
        i++;
    *hint = i;
    double n = want - s->arrivals_before[i];
    double r0 = s->from[i];
    double a = s->length_us[i] == UINT64_MAX || s->length_us[i] == 0
                   ? 0
                   : (s->to[i] - r0) / ((double)s->length_us[i] / 1e6);
    double tau; /* seconds into the stage: solve r0 tau + a tau^2 / 2 = n */
    if (n <= 0) {
        tau = 0;
    } else if (a == 0) {
        if (r0 <= 0)
            return UINT64_MAX;
        tau = n / r0;
    } else {
        double disc = r0 * r0 + 2 * a * n;
        if (disc < 0)
            return UINT64_MAX;
        double root = sqrt(disc);
        if (r0 + root <= 0)
            return UINT64_MAX;
        tau = 2 * n / (r0 + root); /* stable for a of either sign */
    }
    double t = (double)s->begin_us[i] + tau * 1e6;
    if (t >= (double)s->duration_us)
        return UINT64_MAX;
    return (uint64_t)llround(t);
}
