#include "probes/prometheus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

/* Families seen so far, to reject a TYPE after samples and a family split in two. */
struct family {
    const char *name;
    size_t len;
    int typed;
    int sampled;
};

struct reader {
    const char *p, *end;
    size_t line;
    struct family *fams;
    size_t nfam, capfam;
    size_t current; /* the family of the last sample line, or SIZE_MAX */
    char *err;
    size_t errlen;
};

static int fail(struct reader *r, const char *what)
{
    snprintf(r->err, r->errlen, "line %zu: %s", r->line, what);
    return -1;
}

static int name_start(char c, int colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}

static int name_char(char c, int colon)
{
    return name_start(c, colon) || (c >= '0' && c <= '9');
}

/* A metric (colon allowed) or label name at *s within the line; its length, 0 when none. */
static size_t read_name(const char *s, const char *eol, int colon)
{
    size_t n = 0;
    if (s < eol && name_start(*s, colon))
        for (n = 1; s + n < eol && name_char(s[n], colon); n++)
            ;
    return n;
}

/* The family a sample of this name belongs to: histogram and summary series end in _bucket,
 * _sum or _count and belong to the base name when that one is typed. */
static size_t family_of(struct reader *r, const char *name, size_t len)
{
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (size_t s = 0; s < 3; s++) {
        size_t sl = strlen(suffixes[s]);
        if (len > sl && memcmp(name + len - sl, suffixes[s], sl) == 0)
            for (size_t i = 0; i < r->nfam; i++)
                if (r->fams[i].typed && r->fams[i].len == len - sl &&
                    memcmp(r->fams[i].name, name, len - sl) == 0)
                    return i;
    }
    for (size_t i = 0; i < r->nfam; i++)
        if (r->fams[i].len == len && memcmp(r->fams[i].name, name, len) == 0)
            return i;
    if (r->nfam == r->capfam) {
        r->capfam = r->capfam ? r->capfam * 2 : 32;
        r->fams = xrealloc(r->fams, r->capfam * sizeof *r->fams);
    }
    r->fams[r->nfam] = (struct family){.name = name, .len = len};
    return r->nfam++;
}

static int valid_type(const char *s, size_t n)
{
    static const char *const types[] = {"counter", "gauge", "histogram", "summary", "untyped"};
    for (size_t i = 0; i < 5; i++)
        if (strlen(types[i]) == n && memcmp(types[i], s, n) == 0)
            return 1;
    return 0;
}

/* "# HELP name text" or "# TYPE name type"; other comments are free text. */
static int comment_line(struct reader *r, const char *s, const char *eol)
{
    s++;
    while (s < eol && *s == ' ')
        s++;
    int help = eol - s >= 4 && memcmp(s, "HELP", 4) == 0;
    int type = eol - s >= 4 && memcmp(s, "TYPE", 4) == 0;
    if ((!help && !type) || (s + 4 < eol && s[4] != ' '))
        return 0;
    s += 4;
    while (s < eol && *s == ' ')
        s++;
    size_t n = read_name(s, eol, 1);
    if (n == 0)
        return fail(r, help ? "HELP without a metric name" : "TYPE without a metric name");
    if (help) {
        for (const char *q = s + n; q < eol; q++)
            if (*q == '\\' && (q + 1 == eol || (q[1] != '\\' && q[1] != 'n')))
                return fail(r, "HELP text with an escape other than \\\\ or \\n");
        return 0;
    }
    const char *t = s + n;
    if (t < eol && *t != ' ')
        return fail(r, "bad character in a metric name");
    while (t < eol && *t == ' ')
        t++;
    const char *te = eol;
    while (te > t && te[-1] == ' ')
        te--;
    if (!valid_type(t, (size_t)(te - t)))
        return fail(r, "TYPE is not counter, gauge, histogram, summary or untyped");
    size_t f = family_of(r, s, n);
    if (r->fams[f].typed)
        return fail(r, "a second TYPE line for the same metric");
    if (r->fams[f].sampled)
        return fail(r, "TYPE after the metric's samples");
    r->fams[f].typed = 1;
    return 0;
}

/* A float as the format writes it: decimal or exponent notation, NaN, +Inf, -Inf. */
static int read_value(const char *s, size_t n)
{
    static const char *const specials[] = {"NaN", "+Inf", "-Inf", "Inf"};
    for (size_t i = 0; i < 4; i++)
        if (strlen(specials[i]) == n && memcmp(specials[i], s, n) == 0)
            return 0;
    if (n == 0 || n > 64)
        return -1;
    char buf[65];
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.eE", buf[i]))
            return -1;
    char *endp;
    double v = strtod(buf, &endp);
    return *endp == '\0' && !isnan(v) ? 0 : -1;
}

static int read_labels(struct reader *r, const char **sp, const char *eol)
{
    const char *s = *sp + 1; /* past '{' */
    for (;;) {
        while (s < eol && *s == ' ')
            s++;
        if (s < eol && *s == '}')
            break;
        size_t n = read_name(s, eol, 0);
        if (n == 0)
            return fail(r, "bad label name");
        s += n;
        if (s >= eol || *s != '=' || s + 1 >= eol || s[1] != '"')
            return fail(r, "label without =\"value\"");
        s += 2;
        while (s < eol && *s != '"') {
            if (*s == '\\') {
                if (s + 1 >= eol || !strchr("\\\"n", s[1]))
                    return fail(r, "label value with an escape other than \\\\, \\\" or \\n");
                s++;
            }
            s++;
        }
        if (s >= eol)
            return fail(r, "unterminated label value");
        s++;
        while (s < eol && *s == ' ')
            s++;
        if (s < eol && *s == ',') {
            s++;
            continue;
        }
        if (s < eol && *s == '}')
            break;
        return fail(r, "expected , or } after a label");
    }
    *sp = s + 1;
    return 0;
}

static int sample_line(struct reader *r, const char *s, const char *eol, struct prom_stats *st)
{
    size_t n = read_name(s, eol, 1);
    if (n == 0)
        return fail(r, "a sample must start with a metric name");
    size_t f = family_of(r, s, n);
    if (r->fams[f].sampled && r->current != f)
        return fail(r, "samples of one metric are not together");
    r->fams[f].sampled = 1;
    r->current = f;
    s += n;
    if (s < eol && *s == '{' && read_labels(r, &s, eol) != 0)
        return -1;
    if (s >= eol || *s != ' ')
        return fail(r, "expected a space before the value");
    while (s < eol && *s == ' ')
        s++;
    const char *v = s;
    while (s < eol && *s != ' ')
        s++;
    if (read_value(v, (size_t)(s - v)) != 0)
        return fail(r, "the value is not a number");
    while (s < eol && *s == ' ')
        s++;
    if (s < eol) {
        const char *t = s;
        if (*t == '-')
            t++;
        if (t == eol)
            return fail(r, "bad timestamp");
        for (; t < eol; t++)
            if (*t < '0' || *t > '9')
                return fail(r, "the timestamp is not an integer");
    }
    st->samples++;
    return 0;
}

int prom_parse(const char *text, size_t len, struct prom_stats *st, char *err, size_t errlen)
{
    struct reader r = {
        .p = text, .end = text + len, .current = (size_t)-1, .err = err, .errlen = errlen};
    memset(st, 0, sizeof *st);
    int rc = 0;
    if (len == 0) {
        snprintf(err, errlen, "empty");
        return -1;
    }
    while (r.p < r.end && rc == 0) {
        r.line++;
        const char *eol = memchr(r.p, '\n', (size_t)(r.end - r.p));
        if (!eol) {
            rc = fail(&r, "the text does not end with a newline");
            break;
        }
        if (memchr(r.p, '\0', (size_t)(eol - r.p)) || (eol > r.p && eol[-1] == '\r')) {
            rc = fail(&r, "NUL or carriage return in a line");
            break;
        }
        const char *s = r.p;
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        if (s == eol)
            ; /* blank line */
        else if (*s == '#')
            rc = comment_line(&r, s, eol);
        else
            rc = sample_line(&r, s, eol, st);
        r.p = eol + 1;
    }
    st->families = r.nfam;
    free(r.fams);
    return rc;
}
