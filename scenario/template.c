#include "scenario/template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

enum tpl_op { TPL_LIT, TPL_VAR, TPL_UUID, TPL_RANDINT, TPL_NOW, TPL_NOW_MS };

struct tpl_part {
    enum tpl_op op;
    int var;       /* TPL_VAR: the id */
    int line, col; /* TPL_VAR: where its name stands */
    uint32_t off;  /* TPL_LIT: chunk in t->text */
    uint32_t len;
    int64_t lo, hi; /* TPL_RANDINT */
};

struct template
{
    char *text; /* the literal chunks, back to back */
    struct tpl_part *parts;
    size_t nparts;
    size_t nvars;
    enum tpl_escape escape;
};

static const struct {
    const char *name;
    enum tpl_op op;
    int nargs;
} functions[] = {
    {"uuid", TPL_UUID, 0},
    {"randint", TPL_RANDINT, 2},
    {"now", TPL_NOW, 0},
    {"now_ms", TPL_NOW_MS, 0},
};

int template_is_function(const char *name)
{
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (strcmp(functions[i].name, name) == 0)
            return 1;
    return 0;
}

/* The first "xx" pair (e.g. "{{") in s[0..n), or NULL. */
static const char *find_pair(const char *s, size_t n, char ch)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ch && s[i + 1] == ch)
            return s + i;
    return NULL;
}

/* Tracks line and column while scanning src. */
struct cursor {
    const char *src;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
};

static int col_of(const struct cursor *c, size_t pos)
{
    return (int)(pos - c->line_start) + 1;
}

static void advance_to(struct cursor *c, size_t pos)
{
    for (; c->pos < pos; c->pos++) {
        if (c->src[c->pos] == '\n') {
            c->line++;
            c->line_start = c->pos + 1;
        }
    }
}

struct builder {
    struct template *t;
    size_t parts_cap;
    size_t text_len;
    size_t text_cap;
};

static struct tpl_part *add_part(struct builder *b, enum tpl_op op)
{
    struct template *t = b->t;
    if (t->nparts == b->parts_cap) {
        b->parts_cap = b->parts_cap ? b->parts_cap * 2 : 8;
        t->parts = xrealloc(t->parts, b->parts_cap * sizeof *t->parts);
    }
    struct tpl_part *p = &t->parts[t->nparts++];
    memset(p, 0, sizeof *p);
    p->op = op;
    return p;
}

/* Append literal text, merging with a literal part just before it. */
static void add_literal(struct builder *b, const char *s, size_t n)
{
    if (n == 0)
        return;
    struct template *t = b->t;
    if (b->text_len + n > b->text_cap) {
        b->text_cap = (b->text_len + n) * 2;
        t->text = xrealloc(t->text, b->text_cap);
    }
    memcpy(t->text + b->text_len, s, n);
    struct tpl_part *last = t->nparts ? &t->parts[t->nparts - 1] : NULL;
    if (last && last->op == TPL_LIT && last->off + last->len == b->text_len)
        last->len += (uint32_t)n;
    else
        *add_part(b, TPL_LIT) =
            (struct tpl_part){.op = TPL_LIT, .off = (uint32_t)b->text_len, .len = (uint32_t)n};
    b->text_len += n;
}

static int is_name_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static int is_name_char(char ch)
{
    return is_name_start(ch) || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

int template_is_var_name(const char *name)
{
    if (!is_name_start(name[0]) || template_is_function(name))
        return 0;
    for (const char *p = name; *p; p++)
        if (!is_name_char(*p))
            return 0;
    return 1;
}

static int parse_int_arg(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    size_t i = buf[0] == '-' || buf[0] == '+';
    if (!buf[i])
        return -1;
    for (; buf[i]; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno)
        return -1;
    *out = v;
    return 0;
}

/* Parse the expression src[start..end) (between the braces) into a part. */
static int compile_expr(struct builder *b, struct cursor *c, size_t start, size_t end,
                        struct vars_schema *schema, struct parse_error *err)
{
    const char *s = c->src;
    size_t i = start;
    while (i < end && s[i] == ' ')
        i++;
    size_t last = end;
    while (last > i && s[last - 1] == ' ')
        last--;
    if (i == last)
        return parse_error_set(err, c->line, col_of(c, start - 2), "empty '{{ }}'");
    if (s[i] == '"') {
        const char *q = memchr(s + i + 1, '"', last - i - 1);
        if (!q || (size_t)(q - s) != last - 1)
            return parse_error_set(err, c->line, col_of(c, i),
                                   "a quoted text in '{{ }}' must end with '\"' just before '}}'");
        add_literal(b, s + i + 1, last - i - 2);
        return 0;
    }
    if (!is_name_start(s[i]))
        return parse_error_set(err, c->line, col_of(c, i),
                               "expected a variable or function name after '{{'");
    size_t name_start = i;
    while (i < last && is_name_char(s[i]))
        i++;
    size_t name_len = i - name_start;
    if (i < last && s[i] != ' ')
        return parse_error_set(err, c->line, col_of(c, i), "unexpected '%c' in a name", s[i]);

    /* The arguments, separated by spaces. */
    size_t arg_at[3], arg_len[3];
    int nargs = 0;
    while (i < last) {
        while (s[i] == ' ')
            i++;
        size_t a = i;
        while (i < last && s[i] != ' ')
            i++;
        if (nargs == 3)
            return parse_error_set(err, c->line, col_of(c, a), "too many arguments");
        arg_at[nargs] = a;
        arg_len[nargs++] = i - a;
    }

    for (size_t f = 0; f < sizeof functions / sizeof functions[0]; f++) {
        if (strlen(functions[f].name) != name_len ||
            memcmp(functions[f].name, s + name_start, name_len) != 0)
            continue;
        if (nargs != functions[f].nargs)
            return parse_error_set(err, c->line, col_of(c, name_start),
                                   "'%s' takes %d argument%s, not %d", functions[f].name,
                                   functions[f].nargs, functions[f].nargs == 1 ? "" : "s", nargs);
        struct tpl_part *p = add_part(b, functions[f].op);
        if (p->op == TPL_RANDINT) {
            for (int k = 0; k < 2; k++)
                if (parse_int_arg(s + arg_at[k], arg_len[k], k ? &p->hi : &p->lo))
                    return parse_error_set(err, c->line, col_of(c, arg_at[k]),
                                           "randint: '%.*s' is not a 64-bit integer",
                                           (int)arg_len[k], s + arg_at[k]);
            if (p->lo > p->hi)
                return parse_error_set(err, c->line, col_of(c, arg_at[0]),
                                       "randint: the low bound is above the high bound");
        }
        return 0;
    }
    if (nargs)
        return parse_error_set(err, c->line, col_of(c, name_start), "unknown function '%.*s'",
                               (int)name_len, s + name_start);
    struct tpl_part *p = add_part(b, TPL_VAR);
    p->var = vars_schema_intern(schema, s + name_start, name_len);
    p->line = c->line;
    p->col = col_of(c, name_start);
    b->t->nvars++;
    return 0;
}

struct template *template_compile(const char *src, size_t len, struct vars_schema *schema,
                                  struct parse_error *err)
{
    if (len > UINT32_MAX) {
        parse_error_set(err, 1, 1, "template too long");
        return NULL;
    }
    struct template *t = xcalloc(1, sizeof *t);
    struct builder b = {.t = t};
    struct cursor c = {.src = src, .len = len, .line = 1};
    size_t lit = 0; /* start of the pending literal */
    while (c.pos < len) {
        const char *open = find_pair(src + c.pos, len - c.pos, '{');
        if (!open)
            break;
        size_t at = (size_t)(open - src);
        add_literal(&b, src + lit, at - lit);
        advance_to(&c, at);
        const char *close = find_pair(src + at + 2, len - at - 2, '}');
        if (!close) {
            parse_error_set(err, c.line, col_of(&c, at), "'{{' is not closed by '}}'");
            goto fail;
        }
        if (find_pair(src + at + 2, (size_t)(close - src) - at - 2, '{')) {
            /* A quoted literal may hold "{{"; anything else may not. */
            size_t q = at + 2;
            while (q < len && src[q] == ' ')
                q++;
            if (src[q] != '"') {
                parse_error_set(err, c.line, col_of(&c, at), "'{{' is not closed by '}}'");
                goto fail;
            }
        }
        size_t end = (size_t)(close - src);
        if (memchr(src + at, '\n', end - at)) {
            parse_error_set(err, c.line, col_of(&c, at), "'{{' is not closed on its line");
            goto fail;
        }
        if (compile_expr(&b, &c, at + 2, end, schema, err))
            goto fail;
        lit = end + 2;
        advance_to(&c, lit);
    }
    add_literal(&b, src + lit, len - lit);
    return t;
fail:
    template_free(t);
    return NULL;
}

void template_set_escape(struct template *t, enum tpl_escape escape)
{
    t->escape = escape;
}

void template_free(struct template *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->parts);
    free(t);
}

int template_is_constant(const struct template *t)
{
    return t->nparts == 0 || (t->nparts == 1 && t->parts[0].op == TPL_LIT);
}

size_t template_var_count(const struct template *t)
{
    return t->nvars;
}

struct tpl_var_ref template_var(const struct template *t, size_t i)
{
    for (size_t k = 0; k < t->nparts; k++) {
        const struct tpl_part *p = &t->parts[k];
        if (p->op == TPL_VAR && i-- == 0)
            return (struct tpl_var_ref){p->var, p->line, p->col};
    }
    return (struct tpl_var_ref){-1, 0, 0};
}

/* Decimal digits of v, right-aligned ending at end; returns the first digit. */
static char *format_u64(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void format_uuid(struct rng *r, char out[36])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t hi = rng_next(r), lo = rng_next(r);
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                        /* version 4 */
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
    int k = 0;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[k++] = '-';
        uint64_t w = i < 16 ? hi : lo;
        out[k++] = hex[(w >> (60 - 4 * (i % 16))) & 0xf];
    }
}

static int hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether s[i] may stand as is in a URL path or query: RFC 3986 pchar, '/', '?', and a '%'
 * that starts a percent-encoded byte, so that values already encoded pass through. */
static int path_keeps(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '%')
        return i + 2 < len && hex_digit(s[i + 1]) && hex_digit(s[i + 2]);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-._~!$&'()*+,;=:@/?", c));
}

int template_literal_path_bad_byte(const struct template *t)
{
    for (size_t k = 0; k < t->nparts; k++) {
        const struct tpl_part *p = &t->parts[k];
        if (p->op != TPL_LIT)
            continue;
        const char *s = t->text + p->off;
        for (size_t i = 0; i < p->len; i++)
            if (!path_keeps(s, p->len, i))
                return (unsigned char)s[i];
    }
    return -1;
}

static int form_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* Write s[0..len) escaped for TPL_PATH, TPL_FORM or TPL_JSON at buf + *n. */
static enum tpl_status put_escaped(enum tpl_escape escape, const char *s, size_t len, char *buf,
                                   size_t cap, size_t *n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = *n;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[6];
        size_t k;
        if (escape == TPL_JSON) {
            if (c == '"' || c == '\\') {
                e[0] = '\\';
                e[1] = (char)c;
                k = 2;
            } else if (c < 0x20) {
                memcpy(e, "\\u00", 4);
                e[4] = hex[c >> 4];
                e[5] = hex[c & 15];
                k = 6;
            } else {
                e[0] = (char)c;
                k = 1;
            }
        } else if (escape == TPL_PATH ? path_keeps(s, len, i) : form_safe(c)) {
            e[0] = (char)c;
            k = 1;
        } else {
            e[0] = '%';
            e[1] = hex[c >> 4];
            e[2] = hex[c & 15];
            k = 3;
        }
        if (cap - o < k)
            return TPL_ERR_SPACE;
        memcpy(buf + o, e, k);
        o += k;
    }
    *n = o;
    return TPL_OK;
}

enum tpl_status template_render(const struct template *t, const struct tpl_ctx *ctx, char *buf,
                                size_t cap, size_t *out_len, int *bad_var)
{
    size_t n = 0;
    char num[24];
    for (size_t k = 0; k < t->nparts; k++) {
        const struct tpl_part *p = &t->parts[k];
        const char *s = NULL;
        size_t len = 0;
        switch (p->op) {
        case TPL_LIT:
            s = t->text + p->off;
            len = p->len;
            break;
        case TPL_VAR:
            s = vars_get(ctx->vars, p->var, &len);
            if (!s) {
                if (bad_var)
                    *bad_var = p->var;
                return TPL_ERR_UNSET;
            }
            if (t->escape == TPL_HEADER &&
                (memchr(s, '\r', len) || memchr(s, '\n', len) || memchr(s, '\0', len))) {
                if (bad_var)
                    *bad_var = p->var;
                return TPL_ERR_VALUE;
            }
            if (t->escape == TPL_RAW || t->escape == TPL_HEADER)
                break;
            enum tpl_status st = put_escaped(t->escape, s, len, buf, cap, &n);
            if (st != TPL_OK)
                return st;
            continue;
        case TPL_UUID:
            if (cap - n < 36)
                return TPL_ERR_SPACE;
            format_uuid(ctx->rng, buf + n);
            n += 36;
            continue;
        case TPL_RANDINT: {
            int64_t v = rng_range(ctx->rng, p->lo, p->hi);
            char *d = format_u64(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, num + sizeof num);
            if (v < 0)
                *--d = '-';
            s = d;
            len = (size_t)(num + sizeof num - d);
            break;
        }
        case TPL_NOW:
        case TPL_NOW_MS:
            s = format_u64(ctx->now_us / (p->op == TPL_NOW ? 1000000 : 1000), num + sizeof num);
            len = (size_t)(num + sizeof num - s);
            break;
        }
        if (cap - n < len)
            return TPL_ERR_SPACE;
        memcpy(buf + n, s, len);
        n += len;
    }
    *out_len = n;
    return TPL_OK;
}
