#include "scenario/jsonpath.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

enum seg_kind { SEG_KEY, SEG_INDEX, SEG_ANY };

struct seg {
    enum seg_kind kind;
    size_t key_off; /* SEG_KEY: the unescaped key in p->keys */
    size_t key_len;
    long index; /* SEG_INDEX */
};

struct jsonpath {
    struct seg segs[JSONPATH_MAX_SEGMENTS];
    size_t nsegs;
    int wildcard;
    char *keys;
};

/* ---- compiling ------------------------------------------------------------------------- */

static int is_name_char(unsigned char ch)
{
    return ch > ' ' && ch != '.' && ch != '[' && ch != ']' && ch != '\'' && ch != '"' && ch != 0x7f;
}

struct jsonpath *jsonpath_compile(const char *src, size_t len, struct parse_error *err)
{
    if (len == 0 || src[0] != '$') {
        parse_error_set(err, 1, 1, "a JSON path starts with '$'");
        return NULL;
    }
    struct jsonpath *p = xcalloc(1, sizeof *p);
    p->keys = xmalloc(len); /* unescaped keys are never longer than the source */
    size_t keys_len = 0;
    size_t i = 1;
    while (i < len) {
        if (p->nsegs == JSONPATH_MAX_SEGMENTS) {
            parse_error_set(err, 1, (int)i + 1, "more than %d path segments",
                            JSONPATH_MAX_SEGMENTS);
            goto fail;
        }
        struct seg *s = &p->segs[p->nsegs];
        size_t at = i;
        if (src[i] == '.') {
            i++;
            if (i < len && src[i] == '*') {
                s->kind = SEG_ANY;
                i++;
            } else {
                size_t start = i;
                while (i < len && is_name_char((unsigned char)src[i]))
                    i++;
                if (i == start) {
                    parse_error_set(err, 1, (int)at + 1, "expected a member name after '.'");
                    goto fail;
                }
                s->kind = SEG_KEY;
                s->key_off = keys_len;
                s->key_len = i - start;
                memcpy(p->keys + keys_len, src + start, i - start);
                keys_len += i - start;
            }
        } else if (src[i] == '[') {
            i++;
            if (i < len && src[i] == '*') {
                s->kind = SEG_ANY;
                i++;
            } else if (i < len && (src[i] == '"' || src[i] == '\'')) {
                char q = src[i++];
                s->kind = SEG_KEY;
                s->key_off = keys_len;
                while (i < len && src[i] != q) {
                    if (src[i] == '\\' && i + 1 < len)
                        i++;
                    p->keys[keys_len++] = src[i++];
                }
                if (i == len) {
                    parse_error_set(err, 1, (int)at + 2, "unterminated quoted key");
                    goto fail;
                }
                i++;
                s->key_len = keys_len - s->key_off;
            } else {
                size_t start = i;
                if (i < len && src[i] == '-')
                    i++;
                while (i < len && src[i] >= '0' && src[i] <= '9')
                    i++;
                if (i == start || (src[start] == '-' && i == start + 1)) {
                    parse_error_set(err, 1, (int)start + 1,
                                    "expected an index, '*' or a quoted key after '['");
                    goto fail;
                }
                char num[24];
                if (i - start >= sizeof num) {
                    parse_error_set(err, 1, (int)start + 1, "index too large");
                    goto fail;
                }
                memcpy(num, src + start, i - start);
                num[i - start] = '\0';
                errno = 0;
                s->index = strtol(num, NULL, 10);
                if (errno || s->index == LONG_MIN) {
                    parse_error_set(err, 1, (int)start + 1, "index too large");
                    goto fail;
                }
                s->kind = SEG_INDEX;
            }
            if (i >= len || src[i] != ']') {
                parse_error_set(err, 1, (int)i + 1, "expected ']'");
                goto fail;
            }
            i++;
        } else {
            parse_error_set(err, 1, (int)i + 1, "unexpected '%c': expected '.' or '['", src[i]);
            goto fail;
        }
        if (s->kind == SEG_ANY)
            p->wildcard = 1;
        p->nsegs++;
    }
    return p;
fail:
    jsonpath_free(p);
    return NULL;
}

void jsonpath_free(struct jsonpath *p)
{
    if (!p)
        return;
    free(p->keys);
    free(p);
}

const char *jsonpath_status_name(enum jp_status s)
{
    switch (s) {
    case JP_MATCH:
        return "match";
    case JP_NO_MATCH:
        return "no match";
    case JP_NOT_JSON:
        return "not JSON";
    case JP_NO_SPACE:
        return "value too large";
    }
    return "?";
}

/* ---- scanning -------------------------------------------------------------------------- */

struct scan {
    const char *p;
    const char *end;
    const struct jsonpath *path;
    struct rng *rng;
    uint64_t matches;
    const char *match_start; /* the chosen match */
    const char *match_end;
};

enum { SCAN_ERR = -1, SCAN_DONE = 0, SCAN_STOP = 1 };

static void skip_ws(struct scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
        sc->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(const char *s, const char *end, unsigned *out)
{
    if (end - s < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return -1;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 0;
}

/* Nonzero in the bytes of the word x that are '"', '\\' or below 0x20 (the bytes a string
 * scan must stop at), found eight at a time. */
static uint64_t special_bytes(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t zero_q = (q - ones) & ~q, zero_b = (b - ones) & ~b;
    uint64_t below = (x - ones * 0x20) & ~x;
    return (zero_q | zero_b | below) & highs;
}

/* At the opening quote: move past the closing one. *escaped tells if any backslash was seen. */
static int skip_string(struct scan *sc, int *escaped)
{
    const char *s = sc->p + 1;
    *escaped = 0;
    while (s < sc->end) {
        /* Plain bytes eight at a time; the lowest flagged byte of a word is exact, so the
         * scan lands on the first byte that matters. */
        while (sc->end - s >= 8) {
            uint64_t w;
            memcpy(&w, s, 8);
            uint64_t m = special_bytes(w);
            if (m) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                s += __builtin_ctzll(m) >> 3;
#else
                s += __builtin_clzll(m) >> 3;
#endif
                break;
            }
            s += 8;
        }
        if (s == sc->end)
            break;
        unsigned char c = (unsigned char)*s;
        if (c == '"') {
            sc->p = s + 1;
            return 0;
        }
        if (c < 0x20)
            return SCAN_ERR;
        if (c == '\\') {
            *escaped = 1;
            if (++s == sc->end)
                return SCAN_ERR;
            unsigned u;
            if (*s == 'u') {
                if (hex4(s + 1, sc->end, &u))
                    return SCAN_ERR;
                s += 4;
            } else if (*s == '\0' || !strchr("\"\\/bfnrt", *s)) {
                return SCAN_ERR;
            }
        }
        s++;
    }
    return SCAN_ERR;
}

/*
 * Decode the body of a valid JSON string s[0..n) (no quotes) one unit at a time into up to 4
 * UTF-8 bytes; returns the number of bytes and advances *i. Lone surrogates become U+FFFD.
 */
static int decode_unit(const char *s, size_t n, size_t *i, unsigned char out[4])
{
    if (s[*i] != '\\') {
        out[0] = (unsigned char)s[(*i)++];
        return 1;
    }
    char e = s[*i + 1];
    *i += 2;
    switch (e) {
    case 'b':
        out[0] = '\b';
        return 1;
    case 'f':
        out[0] = '\f';
        return 1;
    case 'n':
        out[0] = '\n';
        return 1;
    case 'r':
        out[0] = '\r';
        return 1;
    case 't':
        out[0] = '\t';
        return 1;
    case 'u':
        break;
    default:
        out[0] = (unsigned char)e;
        return 1;
    }
    unsigned cp = 0xfffd;
    hex4(s + *i, s + n, &cp); /* cannot fail: the string was checked by skip_string */
    *i += 4;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        unsigned lo;
        if (*i + 6 <= n && s[*i] == '\\' && s[*i + 1] == 'u' && hex4(s + *i + 2, s + n, &lo) == 0 &&
            lo >= 0xdc00 && lo <= 0xdfff) {
            *i += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else {
            cp = 0xfffd;
        }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        cp = 0xfffd;
    }
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Unescape the valid JSON string body s[0..n) into out; -1 if it does not fit. */
static int unescape(const char *s, size_t n, char *out, size_t cap, size_t *out_len)
{
    size_t i = 0, o = 0;
    unsigned char u[4];
    while (i < n) {
        /* The run up to the next escape in one copy. */
        const char *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - s) - i : n - i;
        if (cap - o < run)
            return -1;
        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i == n)
            break;
        int k = decode_unit(s, n, &i, u);
        if (cap - o < (size_t)k)
            return -1;
        memcpy(out + o, u, (size_t)k);
        o += (size_t)k;
    }
    *out_len = o;
    return 0;
}

/* Does the valid JSON string body s[0..n) decode to key[0..klen)? */
static int key_equals(const char *s, size_t n, int escaped, const char *key, size_t klen)
{
    if (!escaped)
        return n == klen && memcmp(s, key, n) == 0;
    size_t i = 0, o = 0;
    unsigned char u[4];
    while (i < n) {
        int k = decode_unit(s, n, &i, u);
        if (klen - o < (size_t)k || memcmp(key + o, u, (size_t)k) != 0)
            return 0;
        o += (size_t)k;
    }
    return o == klen;
}

static int skip_number(struct scan *sc)
{
    const char *s = sc->p, *e = sc->end;
    if (s < e && *s == '-')
        s++;
    if (s == e || *s < '0' || *s > '9')
        return SCAN_ERR;
    if (*s == '0')
        s++;
    else
        while (s < e && *s >= '0' && *s <= '9')
            s++;
    if (s < e && *s == '.') {
        const char *d = ++s;
        while (s < e && *s >= '0' && *s <= '9')
            s++;
        if (s == d)
            return SCAN_ERR;
    }
    if (s < e && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < e && (*s == '+' || *s == '-'))
            s++;
        const char *d = s;
        while (s < e && *s >= '0' && *s <= '9')
            s++;
        if (s == d)
            return SCAN_ERR;
    }
    sc->p = s;
    return 0;
}

static int skip_literal(struct scan *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(sc->end - sc->p) >= n && memcmp(sc->p, words[i], n) == 0) {
            sc->p += n;
            return 0;
        }
    }
    return SCAN_ERR;
}

/*
 * Skip one value without recursion. The open containers are kept as bits (1: object) so
 * that ']' cannot close '{'. In an object the scan alternates key, ':', value, ',' or '}'.
 */
static int skip_value(struct scan *sc)
{
    uint64_t stack[JSONPATH_MAX_DEPTH / 64];
    int depth = 0;
    int escaped;
    for (;;) {
        /* Here a value is expected. */
        skip_ws(sc);
        if (sc->p == sc->end)
            return SCAN_ERR;
        char c = *sc->p;
        if (c == '{' || c == '[') {
            if (depth == JSONPATH_MAX_DEPTH)
                return SCAN_ERR;
            uint64_t bit = 1ULL << (depth % 64);
            if (c == '{')
                stack[depth / 64] |= bit;
            else
                stack[depth / 64] &= ~bit;
            depth++;
            sc->p++;
            skip_ws(sc);
            if (sc->p < sc->end && *sc->p == (c == '{' ? '}' : ']')) {
                sc->p++;
                depth--;
                goto after_value;
            }
            if (c == '{')
                goto member_key;
            continue;
        }
        if (c == '"') {
            if (skip_string(sc, &escaped))
                return SCAN_ERR;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (skip_number(sc))
                return SCAN_ERR;
        } else if (skip_literal(sc)) {
            return SCAN_ERR;
        }
    after_value:
        for (;;) {
            if (depth == 0)
                return 0;
            int in_object = (stack[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;
            skip_ws(sc);
            if (sc->p == sc->end)
                return SCAN_ERR;
            if (*sc->p == ',') {
                sc->p++;
                if (in_object)
                    goto member_key;
                break;
            }
            if (*sc->p != (in_object ? '}' : ']'))
                return SCAN_ERR;
            sc->p++;
            depth--;
        }
        continue;
    member_key:
        skip_ws(sc);
        if (sc->p == sc->end || *sc->p != '"' || skip_string(sc, &escaped))
            return SCAN_ERR;
        skip_ws(sc);
        if (sc->p == sc->end || *sc->p != ':')
            return SCAN_ERR;
        sc->p++;
    }
}

static int match(struct scan *sc, size_t seg);

/* Record the value at sc->p as a match and move past it. */
static int take(struct scan *sc)
{
    const char *start = sc->p;
    if (skip_value(sc))
        return SCAN_ERR;
    sc->matches++;
    /* Reservoir sampling of one: the k-th match replaces the pick with probability 1/k. */
    if (sc->matches == 1 || (sc->rng && rng_below(sc->rng, sc->matches) == 0)) {
        sc->match_start = start;
        sc->match_end = sc->p;
    }
    return sc->path->wildcard ? SCAN_DONE : SCAN_STOP;
}

/* At '{': for each member, call match on the value when want (or all when !key). */
static int walk_object(struct scan *sc, size_t seg, const struct seg *s)
{
    sc->p++;
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == '}') {
        sc->p++;
        return SCAN_DONE;
    }
    for (;;) {
        skip_ws(sc);
        if (sc->p == sc->end || *sc->p != '"')
            return SCAN_ERR;
        const char *k = sc->p + 1;
        int escaped;
        if (skip_string(sc, &escaped))
            return SCAN_ERR;
        int want = s->kind == SEG_ANY ||
                   (s->kind == SEG_KEY && key_equals(k, (size_t)(sc->p - 1 - k), escaped,
                                                     sc->path->keys + s->key_off, s->key_len));
        skip_ws(sc);
        if (sc->p == sc->end || *sc->p != ':')
            return SCAN_ERR;
        sc->p++;
        int r = want ? match(sc, seg + 1) : skip_value(sc);
        if (r != SCAN_DONE)
            return r;
        skip_ws(sc);
        if (sc->p == sc->end)
            return SCAN_ERR;
        if (*sc->p == '}') {
            sc->p++;
            return SCAN_DONE;
        }
        if (*sc->p++ != ',')
            return SCAN_ERR;
    }
}

/* At '[': call match on element `want` (or on all when want < 0); count the elements. */
static int walk_array(struct scan *sc, size_t seg, long want, long *count)
{
    sc->p++;
    *count = 0;
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == ']') {
        sc->p++;
        return SCAN_DONE;
    }
    for (;;) {
        int r = (want < 0 || *count == want) ? match(sc, seg + 1) : skip_value(sc);
        if (r != SCAN_DONE)
            return r;
        ++*count;
        skip_ws(sc);
        if (sc->p == sc->end)
            return SCAN_ERR;
        if (*sc->p == ']') {
            sc->p++;
            return SCAN_DONE;
        }
        if (*sc->p++ != ',')
            return SCAN_ERR;
    }
}

/* Match path segments seg.. against the value at sc->p, moving past it (unless stopped). */
static int match(struct scan *sc, size_t seg)
{
    skip_ws(sc);
    if (sc->p == sc->end)
        return SCAN_ERR;
    if (seg == sc->path->nsegs)
        return take(sc);
    const struct seg *s = &sc->path->segs[seg];
    char c = *sc->p;
    long count;
    if (c == '{' && s->kind != SEG_INDEX)
        return walk_object(sc, seg, s);
    if (c == '[' && s->kind == SEG_ANY)
        return walk_array(sc, seg, -1, &count);
    if (c == '[' && s->kind == SEG_INDEX && s->index >= 0)
        return walk_array(sc, seg, s->index, &count);
    if (c == '[' && s->kind == SEG_INDEX) {
        /* From the end: count the elements first, then walk again to the one wanted. */
        const char *start = sc->p;
        if (walk_array(sc, seg, LONG_MAX, &count))
            return SCAN_ERR;
        if (count + s->index < 0)
            return SCAN_DONE;
        const char *after = sc->p;
        sc->p = start;
        int r = walk_array(sc, seg, count + s->index, &count);
        if (r == SCAN_DONE)
            sc->p = after;
        return r;
    }
    return skip_value(sc);
}

int jsonpath_is_wildcard(const struct jsonpath *p)
{
    return p->wildcard;
}

enum jp_status jsonpath_eval(const struct jsonpath *p, const char *json, size_t len,
                             struct rng *rng, char *out, size_t cap, size_t *out_len)
{
    char first;
    return jsonpath_eval_typed(p, json, len, rng, out, cap, out_len, &first);
}

enum jp_status jsonpath_eval_typed(const struct jsonpath *p, const char *json, size_t len,
                                   struct rng *rng, char *out, size_t cap, size_t *out_len,
                                   char *first)
{
    struct scan sc = {.p = json, .end = json + len, .path = p, .rng = rng};
    /* A UTF-8 byte order mark is tolerated. */
    if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
        sc.p += 3;
    int r = match(&sc, 0);
    if (r == SCAN_ERR)
        return JP_NOT_JSON;
    if (r == SCAN_DONE) {
        skip_ws(&sc);
        if (sc.p != sc.end)
            return JP_NOT_JSON;
    }
    if (!sc.matches)
        return JP_NO_MATCH;
    const char *s = sc.match_start;
    size_t n = (size_t)(sc.match_end - s);
    *first = *s;
    if (*s == '"')
        return unescape(s + 1, n - 2, out, cap, out_len) ? JP_NO_SPACE : JP_MATCH;
    if (n > cap)
        return JP_NO_SPACE;
    memcpy(out, s, n);
    *out_len = n;
    return JP_MATCH;
}
