#include "common/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
    const char *suffix;
    double factor;
};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
                                                      const char *fmt, ...)
{
    if (errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A non-negative decimal number followed by one of the units (or none, if "" is listed). */
static int parse_with_units(const char *s, const struct unit *units, const char *kind,
                            double max, double *out, char *err, size_t errlen)
{
    if (!s || !*s)
        return fail(err, errlen, "empty %s", kind);
    if (*s == '-' || *s == '+' || *s == ' ')
        return fail(err, errlen, "'%s' is not a valid value: use a non-negative number", s);
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0)
        return fail(err, errlen, "'%s' is not a number with a unit", s);
    for (const struct unit *u = units; u->suffix; u++) {
        if (strcmp(end, u->suffix) == 0) {
            v *= u->factor;
            if (v > max)
                return fail(err, errlen, "'%s' is too large", s);
            *out = v;
            return 0;
        }
    }
    if (*end == '\0')
        return fail(err, errlen, "'%s' needs a unit", s);
    return fail(err, errlen, "'%s' has an unknown unit", s);
}

static const struct unit duration_units[] = {
    {"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}, {"d", 86400e6}, {NULL, 0}};

int units_parse_duration_us(const char *s, uint64_t *us, char *err, size_t errlen)
{
    double v = 0;
    /* "2m30s": split at the first unit boundary followed by more digits. */
    const char *m = s ? strstr(s, "m") : NULL;
    if (m && m[1] >= '0' && m[1] <= '9') {
        char head[64];
        size_t n = (size_t)(m - s) + 1;
        if (n >= sizeof head)
            return fail(err, errlen, "'%s' is too long", s);
        memcpy(head, s, n);
        head[n] = '\0';
        uint64_t a = 0, b = 0;
        if (units_parse_duration_us(head, &a, err, errlen) ||
            units_parse_duration_us(m + 1, &b, err, errlen))
            return -1;
        *us = a + b;
        return 0;
    }
    if (parse_with_units(s, duration_units, "duration (e.g. 90s, 2m, 250ms)", 1e17, &v, err,
                         errlen))
        return -1;
    *us = (uint64_t)llround(v);
    return 0;
}

int units_parse_duration_ms(const char *s, uint64_t *ms, char *err, size_t errlen)
{
    uint64_t us = 0;
    if (units_parse_duration_us(s, &us, err, errlen))
        return -1;
    *ms = (us + 999) / 1000;
    return 0;
}

static const struct unit count_units[] = {{"", 1}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6},
                                          {"G", 1e9}, {NULL, 0}};

int units_parse_count(const char *s, uint64_t *n, char *err, size_t errlen)
{
    double v = 0;
    if (parse_with_units(s, count_units, "count (e.g. 100, 10k)", 1e18, &v, err, errlen))
        return -1;
    if (v != floor(v))
        return fail(err, errlen, "'%s' is not a whole number", s);
    *n = (uint64_t)v;
    return 0;
}

static const struct unit size_units[] = {
    {"", 1},     {"B", 1},       {"k", 1024},    {"K", 1024},    {"KiB", 1024},
    {"KB", 1e3}, {"M", 1 << 20}, {"MiB", 1 << 20}, {"MB", 1e6},  {"G", 1 << 30},
    {"GiB", 1 << 30}, {"GB", 1e9}, {NULL, 0}};

int units_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
    double v = 0;
    if (parse_with_units(s, size_units, "size (e.g. 512, 10k, 2MiB)", 1e18, &v, err, errlen))
        return -1;
    *bytes = (uint64_t)llround(v);
    return 0;
}

int units_parse_rate(const char *s, double *per_second, char *err, size_t errlen)
{
    char buf[64];
    double per = 1;
    const char *slash = s ? strchr(s, '/') : NULL;
    if (slash) {
        if (strcmp(slash, "/s") == 0)
            per = 1;
        else if (strcmp(slash, "/m") == 0)
            per = 60;
        else if (strcmp(slash, "/h") == 0)
            per = 3600;
        else
            return fail(err, errlen, "'%s': a rate is per /s, /m or /h", s);
        size_t n = (size_t)(slash - s);
        if (n >= sizeof buf)
            return fail(err, errlen, "'%s' is too long", s);
        memcpy(buf, s, n);
        buf[n] = '\0';
        s = buf;
    }
    double v = 0;
    if (parse_with_units(s, count_units, "rate (e.g. 500, 10k, 200/s)", 1e12, &v, err, errlen))
        return -1;
    *per_second = v / per;
    return 0;
}

int units_parse_percent(const char *s, double *fraction, char *err, size_t errlen)
{
    size_t n = s ? strlen(s) : 0;
    char *end = NULL;
    double v = n > 1 && s[n - 1] == '%' ? strtod(s, &end) : -1;
    if (end != s + n - 1 || !(v >= 0 && v <= 100))
        return fail(err, errlen, "'%s' is not a percentage from 0%% to 100%% (e.g. 5%%)",
                    s ? s : "");
    *fraction = v / 100;
    return 0;
}

void units_format_duration_us(uint64_t us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%lluus", (unsigned long long)us);
    else if (us < 1000000)
        snprintf(buf, len, "%.3gms", (double)us / 1e3);
    else if (us < 60000000)
        snprintf(buf, len, "%.3gs", (double)us / 1e6);
    else
        snprintf(buf, len, "%llum%02llus", (unsigned long long)(us / 60000000),
                 (unsigned long long)(us / 1000000 % 60));
}
