#include "scenario/cookie_jar.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario/extract.h"

struct cookie {
    uint32_t off; /* "name=value" in data */
    uint32_t name_len;
    uint32_t len; /* of "name=value" */
};

struct cookie_jar {
    struct cookie *items;
    uint32_t count, max;
    char *data;
    uint32_t used, cap;
};

struct cookie_jar *cookie_jar_create(size_t max_cookies, size_t bytes)
{
    if (max_cookies > UINT32_MAX / sizeof(struct cookie) || bytes > UINT32_MAX)
        return NULL;
    struct cookie_jar *j = malloc(sizeof *j + max_cookies * sizeof *j->items + bytes);
    if (!j)
        return NULL;
    j->items = (struct cookie *)(j + 1);
    j->data = (char *)(j->items + max_cookies);
    j->max = (uint32_t)max_cookies;
    j->cap = (uint32_t)bytes;
    cookie_jar_clear(j);
    return j;
}

void cookie_jar_destroy(struct cookie_jar *j)
{
    free(j);
}

void cookie_jar_clear(struct cookie_jar *j)
{
    j->count = 0;
    j->used = 0;
}

size_t cookie_jar_count(const struct cookie_jar *j)
{
    return j->count;
}

/* A control character (CR, LF...) in a stored cookie would end up in a request header. */
static int has_ctl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

/* Remove cookie i, closing the gap in data. */
static void remove_at(struct cookie_jar *j, uint32_t i)
{
    struct cookie c = j->items[i];
    memmove(j->data + c.off, j->data + c.off + c.len, j->used - c.off - c.len);
    j->used -= c.len;
    for (uint32_t k = 0; k < j->count; k++)
        if (j->items[k].off > c.off)
            j->items[k].off -= c.len;
    memmove(&j->items[i], &j->items[i + 1], (j->count - i - 1) * sizeof *j->items);
    j->count--;
}

static int parse_int(const char *s, size_t n, int64_t *out)
{
    int neg = n && *s == '-';
    size_t i = neg;
    if (i == n || n - i > 18)
        return -1;
    int64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* An HTTP date, "Thu, 01 Jan 1970 00:00:00 GMT" (also with dashes: 01-Jan-1970), as unix
 * seconds; -1 when it is not one. */
static int parse_http_date(const char *s, size_t n, int64_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *comma = memchr(s, ',', n);
    if (!comma)
        return -1;
    size_t i = (size_t)(comma - s) + 1;
    int64_t f[6];
    int k = 0;
    while (i < n && k < 6) {
        while (i < n && (s[i] == ' ' || s[i] == '-' || s[i] == ':'))
            i++;
        size_t start = i;
        while (i < n && s[i] != ' ' && s[i] != '-' && s[i] != ':')
            i++;
        if (k == 1) {
            int m = 0;
            while (m < 12 && !(i - start == 3 && memcmp(s + start, months + 3 * m, 3) == 0))
                m++;
            if (m == 12)
                return -1;
            f[k++] = m + 1;
        } else if (parse_int(s + start, i - start, &f[k++])) {
            return -1;
        }
    }
    if (k < 6 || f[0] < 1 || f[0] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 || f[2] < 0)
        return -1;
    if (f[2] < 100) /* two-digit years, as old servers write them */
        f[2] += f[2] < 70 ? 2000 : 1900;
    /* Any later year is as good as never for a run; larger ones would overflow the seconds. */
    if (f[2] > 9999)
        f[2] = 9999;
    *out = days_from_civil(f[2], (unsigned)f[1], (unsigned)f[0]) * 86400 + f[3] * 3600 + f[4] * 60 +
           f[5];
    return 0;
}

/* Is the cookie dead by its attributes (what follows the first ';')? */
static int expired(const char *attrs, size_t n, int64_t now)
{
    int dead = 0, have_max_age = 0;
    while (n) {
        const char *semi = memchr(attrs, ';', n);
        size_t len = semi ? (size_t)(semi - attrs) : n;
        const char *k, *v, *rest;
        size_t klen, vlen;
        int64_t x;
        if (extract_cookie_pair(attrs, len, &k, &klen, &v, &vlen, &rest) == 0 && klen == 7) {
            if (strncasecmp(k, "max-age", 7) == 0 && parse_int(v, vlen, &x) == 0) {
                have_max_age = 1; /* Max-Age wins over Expires */
                dead = x <= 0;
            } else if (!have_max_age && strncasecmp(k, "expires", 7) == 0 &&
                       parse_http_date(v, vlen, &x) == 0) {
                dead = x <= now;
            }
        }
        if (!semi)
            break;
        n -= len + 1;
        attrs = semi + 1;
    }
    return dead;
}

int cookie_jar_set(struct cookie_jar *j, const char *sc, size_t len, int64_t now)
{
    const char *name, *value, *attrs;
    size_t name_len, value_len;
    if (extract_cookie_pair(sc, len, &name, &name_len, &value, &value_len, &attrs) ||
        has_ctl(name, name_len) || has_ctl(value, value_len))
        return -1;
    int dead = attrs && expired(attrs, len - (size_t)(attrs - sc), now);

    uint32_t i = 0;
    while (i < j->count && !(j->items[i].name_len == name_len &&
                             memcmp(j->data + j->items[i].off, name, name_len) == 0))
        i++;
    size_t need = name_len + 1 + value_len;
    size_t old = i < j->count ? j->items[i].len : 0;
    if (dead) {
        if (i < j->count)
            remove_at(j, i);
        return 0;
    }
    if (need > j->cap - j->used + old || (i == j->count && j->count == j->max))
        return -1;
    /* The new pair may point into the server's buffer, never into ours: remove, then append. */
    if (i < j->count)
        remove_at(j, i);
    struct cookie *c = &j->items[j->count++];
    c->off = j->used;
    c->name_len = (uint32_t)name_len;
    c->len = (uint32_t)need;
    memcpy(j->data + j->used, name, name_len);
    j->data[j->used + name_len] = '=';
    memcpy(j->data + j->used + name_len + 1, value, value_len);
    j->used += (uint32_t)need;
    return 0;
}

int cookie_jar_update(struct cookie_jar *j, const char *head, size_t len, int64_t now)
{
    int failed = 0;
    const char *p = memchr(head, '\n', len), *end = head + len;
    while (p && ++p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((eol ? eol : end) - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0)
            break;
        if (n > 11 && strncasecmp(p, "set-cookie:", 11) == 0)
            failed += cookie_jar_set(j, p + 11, n - 11, now) != 0;
        p = eol;
    }
    return failed;
}

int cookie_jar_header(const struct cookie_jar *j, char *buf, size_t cap, size_t *out_len)
{
    size_t n = 0;
    for (uint32_t i = 0; i < j->count; i++) {
        size_t sep = i ? 2 : 0;
        if (cap - n < sep + j->items[i].len)
            return -1;
        memcpy(buf + n, "; ", sep);
        memcpy(buf + n + sep, j->data + j->items[i].off, j->items[i].len);
        n += sep + j->items[i].len;
    }
    *out_len = n;
    return 0;
}
