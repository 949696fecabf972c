#include "checker/split_run.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "common/stop.h"
#include "probes/nonce.h"

#define DAY_MS (24LL * 3600 * 1000)

void split_run_init(struct split_run *s)
{
    memset(s, 0, sizeof *s);
    s->segment = SEGMENT_WHOLE;
}

int split_run_segment(struct split_run *s, const char *value, char *err, size_t errlen)
{
    return segment_parse(value, &s->segment, err, errlen);
}

int split_run_id(struct split_run *s, const char *value, char *err, size_t errlen)
{
    size_t n = strlen(value);
    if (n == 0 || n > SPLIT_RUN_ID_MAX ||
        strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n) {
        snprintf(err, errlen, "expected 1 to %d letters, digits, '.', '_' or '-'",
                 SPLIT_RUN_ID_MAX);
        return -1;
    }
    memcpy(s->run_id, value, n + 1);
    return 0;
}

/* Digits [p, p + n) as a number; -1 when one is not a digit. */
static long digits(const char *p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff...]Z" (t or a space for T, z for Z). */
static int parse_rfc3339(const char *v, int64_t *ms)
{
    size_t n = strlen(v);
    if (n < 20 || v[4] != '-' || v[7] != '-' || (v[10] != 'T' && v[10] != 't' && v[10] != ' ') ||
        v[13] != ':' || v[16] != ':')
        return -1;
    long y = digits(v, 4), mo = digits(v + 5, 2), d = digits(v + 8, 2), h = digits(v + 11, 2),
         mi = digits(v + 14, 2), s = digits(v + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        s < 0 || s > 60)
        return -1;
    const char *p = v + 19;
    long frac_ms = 0;
    if (*p == '.') {
        p++;
        int k = 0;
        while (*p >= '0' && *p <= '9') {
            if (k < 3)
                frac_ms = frac_ms * 10 + (*p - '0');
            k++;
            p++;
        }
        if (k == 0)
            return -1;
        for (; k < 3; k++)
            frac_ms *= 10;
    }
    if ((*p != 'Z' && *p != 'z') || p[1])
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    *ms = secs * 1000 + frac_ms;
    return 0;
}

int split_run_start_at(struct split_run *s, const char *value, int64_t now_ms, char *err,
                       size_t errlen)
{
    int64_t at;
    long secs = (long)strlen(value) <= 12 ? digits(value, (int)strlen(value)) : -1;
    if (*value && secs >= 0)
        at = (int64_t)secs * 1000;
    else if (parse_rfc3339(value, &at)) {
        snprintf(err, errlen, "'%s': expected a UTC time as 2026-12-06T03:30:00Z or unix seconds",
                 value);
        return -1;
    }
    if (at < now_ms - 1000) {
        snprintf(err, errlen, "'%s' is %.1fs in the past", value, (double)(now_ms - at) / 1e3);
        return -1;
    }
    if (at > now_ms + DAY_MS) {
        snprintf(err, errlen, "'%s' is more than 24h ahead", value);
        return -1;
    }
    s->start_at_ms = at;
    return 0;
}

void split_run_finish(struct split_run *s)
{
    if (!s->run_id[0])
        nonce_hex(s->run_id, 8);
}

int64_t split_run_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int split_run_wait(const struct split_run *s)
{
    for (;;) {
        if (stop_requested())
            return 1;
        int64_t left = s->start_at_ms - split_run_now_ms();
        if (s->start_at_ms == 0 || left <= 0)
            return 0;
        if (stop_wait_ms((uint64_t)(left < 200 ? left : 200)))
            return 1;
    }
}
