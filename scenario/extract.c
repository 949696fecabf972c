#include "scenario/extract.h"

#include <string.h>
#include <strings.h>

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_ows(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_ows((*s)[*n - 1]))
        (*n)--;
}

/*
 * Call fn for each "name: value" line after the status line, until the blank line; stops when
 * fn returns nonzero and returns that.
 */
typedef int (*header_fn)(const char *name, size_t nlen, const char *val, size_t vlen, void *arg);

static int each_header(const char *head, size_t len, header_fn fn, void *arg)
{
    const char *p = memchr(head, '\n', len);
    const char *end = head + len;
    if (!p)
        return 0;
    for (p++; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = eol ? eol : end;
        size_t n = (size_t)(line_end - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0)
            break;
        const char *colon = memchr(p, ':', n);
        if (colon) {
            const char *v = colon + 1;
            size_t vlen = n - (size_t)(v - p);
            trim(&v, &vlen);
            int r = fn(p, (size_t)(colon - p), v, vlen, arg);
            if (r)
                return r;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return 0;
}

struct want {
    const char *name;
    const char **val;
    size_t *vlen;
};

static int header_eq(const char *n, size_t nlen, const char *want)
{
    return strlen(want) == nlen && strncasecmp(n, want, nlen) == 0;
}

static int find_header(const char *name, size_t nlen, const char *val, size_t vlen, void *arg)
{
    struct want *w = arg;
    if (!header_eq(name, nlen, w->name))
        return 0;
    *w->val = val;
    *w->vlen = vlen;
    return 1;
}

int extract_header(const char *head, size_t len, const char *name, const char **val, size_t *vlen)
{
    struct want w = {name, val, vlen};
    return each_header(head, len, find_header, &w) ? 0 : -1;
}

int extract_cookie_pair(const char *sc, size_t len, const char **name, size_t *nlen,
                        const char **val, size_t *vlen, const char **attrs)
{
    const char *semi = memchr(sc, ';', len);
    size_t n = semi ? (size_t)(semi - sc) : len;
    const char *eq = memchr(sc, '=', n);
    if (!eq)
        return -1;
    const char *k = sc;
    size_t klen = (size_t)(eq - sc);
    trim(&k, &klen);
    if (klen == 0)
        return -1;
    const char *v = eq + 1;
    size_t vl = n - (size_t)(v - sc);
    trim(&v, &vl);
    if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
        v++;
        vl -= 2;
    }
    *name = k;
    *nlen = klen;
    *val = v;
    *vlen = vl;
    *attrs = semi ? semi + 1 : NULL;
    return 0;
}

int extract_set_cookie(const char *sc, size_t len, const char *name, const char **val, size_t *vlen)
{
    const char *k, *attrs;
    size_t klen;
    if (extract_cookie_pair(sc, len, &k, &klen, val, vlen, &attrs) || klen != strlen(name) ||
        memcmp(k, name, klen) != 0)
        return -1;
    return 0;
}

static int find_cookie(const char *name, size_t nlen, const char *val, size_t vlen, void *arg)
{
    struct want *w = arg;
    const char *v;
    size_t vl;
    if (header_eq(name, nlen, "set-cookie") &&
        extract_set_cookie(val, vlen, w->name, &v, &vl) == 0) {
        *w->val = v;
        *w->vlen = vl;
    }
    return 0; /* keep looking: a later Set-Cookie overrides */
}

int extract_cookie(const char *head, size_t len, const char *name, const char **val, size_t *vlen)
{
    *val = NULL;
    struct want w = {name, val, vlen};
    each_header(head, len, find_cookie, &w);
    return *val ? 0 : -1;
}
