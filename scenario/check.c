#define _GNU_SOURCE /* memmem */
#include "scenario/check.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "scenario/extract.h"
#include "scenario/jsonpath.h"

enum subject { SUBJECT_JSON, SUBJECT_BODY, SUBJECT_HEADER };

enum op {
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_IN,
    OP_EXISTS,
    OP_ABSENT,
    OP_MATCHES,
    OP_CONTAINS,
    OP_NOT_CONTAINS
};

enum lit_kind { LIT_STRING, LIT_NUMBER, LIT_WORD };

struct literal {
    enum lit_kind kind;
    size_t off, len; /* the text in check.text: a string unescaped, a word or number as written */
    double num;
};

enum { CHECK_LITERALS_MAX = 32 };

struct check {
    enum subject subject;
    enum op op;
    struct jsonpath *path;
    size_t name_off, name_len; /* header NAME in text */
    struct literal lits[CHECK_LITERALS_MAX];
    size_t nlits;
    regex_t re;
    int has_re;
    char *text; /* header name and literals; never longer than the source */
    size_t text_len;
};

struct cursor {
    const char *s;
    size_t i, len;
    struct parse_error *err;
};

static int col(const struct cursor *p)
{
    return (int)p->i + 1;
}

static void skip_spaces(struct cursor *p)
{
    while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
        p->i++;
}

/* The word at the cursor (letters, '_'), moved past; 0 if there is none. */
static size_t word(struct cursor *p, const char **w)
{
    size_t start = p->i;
    while (p->i < p->len && ((p->s[p->i] >= 'a' && p->s[p->i] <= 'z') || p->s[p->i] == '_'))
        p->i++;
    *w = p->s + start;
    return p->i - start;
}

static int word_is(const char *w, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(w, want, n) == 0;
}

/* A double-quoted string at the cursor, unescaped into c->text. */
static int read_string(struct check *c, struct cursor *p, struct literal *lit)
{
    int at = col(p);
    p->i++;
    lit->kind = LIT_STRING;
    lit->off = c->text_len;
    while (p->i < p->len && p->s[p->i] != '"') {
        if (p->s[p->i] == '\\' && p->i + 1 < p->len)
            p->i++;
        c->text[c->text_len++] = p->s[p->i++];
    }
    if (p->i == p->len)
        return parse_error_set(p->err, 1, at, "unterminated string");
    p->i++;
    lit->len = c->text_len - lit->off;
    return 0;
}

static int read_literal(struct check *c, struct cursor *p)
{
    skip_spaces(p);
    if (c->nlits == CHECK_LITERALS_MAX)
        return parse_error_set(p->err, 1, col(p), "more than %d values", CHECK_LITERALS_MAX);
    struct literal *lit = &c->lits[c->nlits];
    if (p->i < p->len && p->s[p->i] == '"') {
        if (read_string(c, p, lit))
            return -1;
        c->nlits++;
        return 0;
    }
    int at = col(p);
    size_t start = p->i;
    while (p->i < p->len && !strchr(" \t,]", p->s[p->i]))
        p->i++;
    size_t n = p->i - start;
    const char *t = p->s + start;
    if (n == 0)
        return parse_error_set(p->err, 1, at,
                               "expected a value: a \"string\", a number, true, "
                               "false or null");
    lit->off = c->text_len;
    lit->len = n;
    memcpy(c->text + c->text_len, t, n);
    c->text_len += n;
    if (word_is(t, n, "true") || word_is(t, n, "false") || word_is(t, n, "null")) {
        lit->kind = LIT_WORD;
    } else {
        char num[64], *end;
        if (n >= sizeof num)
            return parse_error_set(p->err, 1, at, "'%.*s' is not a number", (int)(n > 40 ? 40 : n),
                                   t);
        memcpy(num, t, n);
        num[n] = '\0';
        lit->num = strtod(num, &end);
        if (*end || !isfinite(lit->num) || !(num[0] == '-' || (num[0] >= '0' && num[0] <= '9')))
            return parse_error_set(p->err, 1, at,
                                   "'%.*s' is not a value: write a string in double quotes",
                                   (int)(n > 40 ? 40 : n), t);
        lit->kind = LIT_NUMBER;
    }
    c->nlits++;
    return 0;
}

static int read_list(struct check *c, struct cursor *p)
{
    skip_spaces(p);
    if (p->i == p->len || p->s[p->i] != '[')
        return parse_error_set(p->err, 1, col(p), "expected '[' after in");
    p->i++;
    for (;;) {
        if (read_literal(c, p))
            return -1;
        skip_spaces(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->len && p->s[p->i] == ']') {
            p->i++;
            return 0;
        }
        return parse_error_set(p->err, 1, col(p), "expected ',' or ']'");
    }
}

/* Where re has a repetition applied to a repetition ("a++", "a*{2}"), or -1. glibc's regcomp
 * copies the repeated tree for each, so a run of them takes memory exponential in its length. */
static long stacked_quantifier(const char *re)
{
    int in_bracket = 0, after_quantifier = 0;
    for (const char *r = re; *r; r++) {
        if (in_bracket) {
            in_bracket = *r != ']' || r[-1] == '[' || (r[-1] == '^' && r[-2] == '[');
            continue;
        }
        int quantifier = *r == '*' || *r == '+' || *r == '?' || *r == '{';
        if (quantifier && after_quantifier)
            return r - re;
        if (*r == '{')
            while (r[1] && *r != '}')
                r++;
        after_quantifier = quantifier;
        if (*r == '\\' && r[1])
            r++;
        else if (*r == '[')
            in_bracket = 1;
    }
    return -1;
}

enum { CHECK_REGEX_MAX = 256 };

/* "/ERE/": the expression between the slashes, \/ standing for '/', compiled. */
static int read_regex(struct check *c, struct cursor *p)
{
    skip_spaces(p);
    int at = col(p);
    if (p->i == p->len || p->s[p->i] != '/')
        return parse_error_set(p->err, 1, at, "expected a regular expression in slashes: /re/");
    p->i++;
    char *re = xmalloc(p->len - p->i + 1);
    size_t n = 0;
    while (p->i < p->len && p->s[p->i] != '/') {
        if (p->s[p->i] == '\\' && p->i + 1 < p->len && p->s[p->i + 1] == '/')
            p->i++;
        else if (p->s[p->i] == '\\' && p->i + 1 < p->len)
            re[n++] = p->s[p->i++];
        re[n++] = p->s[p->i++];
    }
    re[n] = '\0';
    int rc = -1;
    if (p->i == p->len) {
        parse_error_set(p->err, 1, at, "the regular expression is not closed by '/'");
    } else if (memchr(re, '\0', n)) {
        parse_error_set(p->err, 1, at, "a NUL byte in the regular expression");
    } else if (n > CHECK_REGEX_MAX) {
        parse_error_set(p->err, 1, at, "a regular expression is at most %d bytes", CHECK_REGEX_MAX);
    } else if (stacked_quantifier(re) >= 0) {
        parse_error_set(p->err, 1, at,
                        "a repetition of a repetition ('%.2s') in the regular "
                        "expression",
                        re + stacked_quantifier(re) - 1);
    } else {
        int e = regcomp(&c->re, re, REG_EXTENDED | REG_NOSUB);
        if (e) {
            char why[128];
            regerror(e, &c->re, why, sizeof why);
            regfree(&c->re);
            parse_error_set(p->err, 1, at, "bad regular expression: %s", why);
        } else {
            c->has_re = 1;
            p->i++;
            rc = 0;
        }
    }
    free(re);
    return rc;
}

/* The subject: a JSON path up to the first space outside quotes, body or header NAME. */
static int read_subject(struct check *c, struct cursor *p)
{
    skip_spaces(p);
    size_t start = p->i;
    if (p->i < p->len && p->s[p->i] == '$') {
        char q = 0;
        while (p->i < p->len && (q || (p->s[p->i] != ' ' && p->s[p->i] != '\t'))) {
            char ch = p->s[p->i];
            if (q && ch == '\\' && p->i + 1 < p->len)
                p->i++;
            else if (q && ch == q)
                q = 0;
            else if (!q && (ch == '"' || ch == '\''))
                q = ch;
            p->i++;
        }
        struct parse_error e;
        c->path = jsonpath_compile(p->s + start, p->i - start, &e);
        if (!c->path)
            return parse_error_set(p->err, 1, (int)start + e.col, "JSON path: %s", e.msg);
        if (jsonpath_is_wildcard(c->path))
            return parse_error_set(p->err, 1, (int)start + 1,
                                   "a check's JSON path selects one value: no [*] or .*");
        c->subject = SUBJECT_JSON;
        return 0;
    }
    const char *w;
    size_t n = word(p, &w);
    if (word_is(w, n, "body")) {
        c->subject = SUBJECT_BODY;
        return 0;
    }
    if (!word_is(w, n, "header"))
        return parse_error_set(p->err, 1, (int)start + 1,
                               "a check starts with a JSON path ($.status), body or header NAME");
    skip_spaces(p);
    size_t ns = p->i;
    while (p->i < p->len && p->s[p->i] > ' ' && p->s[p->i] < 0x7f && p->s[p->i] != ':')
        p->i++;
    if (p->i == ns)
        return parse_error_set(p->err, 1, col(p), "expected a header name after header");
    c->subject = SUBJECT_HEADER;
    c->name_off = c->text_len;
    c->name_len = p->i - ns;
    memcpy(c->text + c->text_len, p->s + ns, c->name_len);
    c->text_len += c->name_len;
    c->text[c->text_len++] = '\0';
    return 0;
}

static const struct {
    const char *tok;
    enum op op;
} compare_ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE},
                   {">=", OP_GE}, {"<", OP_LT},  {">", OP_GT}};

/* Which operators a subject takes, as bits of enum op. */
static unsigned allowed_ops(enum subject s)
{
    switch (s) {
    case SUBJECT_JSON:
        return ~(1u << OP_CONTAINS | 1u << OP_NOT_CONTAINS);
    case SUBJECT_BODY:
        return 1u << OP_CONTAINS | 1u << OP_NOT_CONTAINS;
    case SUBJECT_HEADER:
        return 1u << OP_EXISTS | 1u << OP_ABSENT | 1u << OP_EQ | 1u << OP_NE | 1u << OP_MATCHES;
    }
    return 0;
}

static int read_op(struct check *c, struct cursor *p)
{
    skip_spaces(p);
    int at = col(p);
    for (size_t k = 0; k < sizeof compare_ops / sizeof *compare_ops; k++) {
        size_t n = strlen(compare_ops[k].tok);
        if (p->len - p->i >= n && memcmp(p->s + p->i, compare_ops[k].tok, n) == 0) {
            c->op = compare_ops[k].op;
            p->i += n;
            return read_literal(c, p);
        }
    }
    const char *w;
    size_t n = word(p, &w);
    if (word_is(w, n, "in")) {
        c->op = OP_IN;
        return read_list(c, p);
    }
    if (word_is(w, n, "exists") || word_is(w, n, "absent")) {
        c->op = word_is(w, n, "exists") ? OP_EXISTS : OP_ABSENT;
        return 0;
    }
    if (word_is(w, n, "matches")) {
        c->op = OP_MATCHES;
        return read_regex(c, p);
    }
    if (word_is(w, n, "not")) {
        skip_spaces(p);
        n = word(p, &w);
        if (!word_is(w, n, "contains"))
            return parse_error_set(p->err, 1, at, "expected contains after not");
        c->op = OP_NOT_CONTAINS;
    } else if (word_is(w, n, "contains")) {
        c->op = OP_CONTAINS;
    } else {
        return parse_error_set(p->err, 1, at,
                               "expected an operator: == != < <= > >= in exists absent matches "
                               "contains, not contains");
    }
    skip_spaces(p);
    if (p->i == p->len || p->s[p->i] != '"')
        return parse_error_set(p->err, 1, col(p), "contains takes a \"string\"");
    return read_literal(c, p);
}

/* What each subject's operators accept as values. */
static int check_operands(const struct check *c, struct cursor *p, int op_col)
{
    if (!(allowed_ops(c->subject) >> c->op & 1)) {
        static const char *const takes[] = {
            [SUBJECT_JSON] = "a JSON path takes == != < <= > >= in exists absent matches",
            [SUBJECT_BODY] = "body takes contains and not contains",
            [SUBJECT_HEADER] = "a header takes exists absent == != matches",
        };
        return parse_error_set(p->err, 1, op_col, "%s", takes[c->subject]);
    }
    int ordered = c->op == OP_LT || c->op == OP_LE || c->op == OP_GT || c->op == OP_GE;
    if (ordered && c->lits[0].kind != LIT_NUMBER)
        return parse_error_set(p->err, 1, op_col, "< <= > >= compare with a number");
    if (c->subject == SUBJECT_HEADER && c->nlits && c->lits[0].kind != LIT_STRING)
        return parse_error_set(p->err, 1, op_col, "a header is compared with a \"string\"");
    return 0;
}

struct check *check_compile(const char *src, size_t len, struct parse_error *err)
{
    struct check *c = xcalloc(1, sizeof *c);
    c->text = xmalloc(len + 1);
    struct cursor p = {src, 0, len, err};
    if (memchr(src, '\0', len)) {
        parse_error_set(err, 1, (int)((const char *)memchr(src, '\0', len) - src) + 1,
                        "a NUL byte in the check");
        goto fail;
    }
    if (read_subject(c, &p))
        goto fail;
    skip_spaces(&p);
    int op_col = col(&p);
    if (p.i == p.len) {
        parse_error_set(err, 1, op_col, "expected an operator after the subject");
        goto fail;
    }
    if (read_op(c, &p) || check_operands(c, &p, op_col))
        goto fail;
    skip_spaces(&p);
    if (p.i < p.len) {
        parse_error_set(err, 1, col(&p), "unexpected text after the check");
        goto fail;
    }
    return c;
fail:
    check_free(c);
    return NULL;
}

void check_free(struct check *c)
{
    if (!c)
        return;
    jsonpath_free(c->path);
    if (c->has_re)
        regfree(&c->re);
    free(c->text);
    free(c);
}

/* ---- evaluation ------------------------------------------------------------------------ */

/* got = v as shown in a reason: printable ASCII, cut to about 60 bytes, quoted if asked. */
static void show(char got[CHECK_GOT_MAX], const char *v, size_t n, int quoted)
{
    enum { SHOWN = 60 };
    size_t o = 0;
    if (quoted)
        got[o++] = '"';
    for (size_t i = 0; i < n && i < SHOWN; i++) {
        unsigned char ch = (unsigned char)v[i];
        got[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    if (quoted)
        got[o++] = '"';
    if (n > SHOWN) {
        memcpy(got + o, "...", 3);
        o += 3;
    }
    got[o] = '\0';
}

/* The whole of v[0..n) read as a number. */
static int as_number(const char *v, size_t n, double *out)
{
    char num[64], *end;
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, v, n);
    num[n] = '\0';
    *out = strtod(num, &end);
    return *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* Is the JSON value (first byte `first`, text v) equal to the literal? */
static int equals(const struct check *c, const struct literal *lit, char first, const char *v,
                  size_t n)
{
    const char *t = c->text + lit->off;
    double x;
    switch (lit->kind) {
    case LIT_STRING:
        return first == '"' && n == lit->len && memcmp(v, t, n) == 0;
    case LIT_NUMBER:
        return (first == '-' || (first >= '0' && first <= '9')) && as_number(v, n, &x) == 0 &&
               x == lit->num;
    case LIT_WORD:
        return first != '"' && n == lit->len && memcmp(v, t, n) == 0;
    }
    return 0;
}

static int regex_matches(const struct check *c, char *v, size_t n)
{
    v[n] = '\0';
    return strlen(v) == n && regexec(&c->re, v, 0, NULL, 0) == 0;
}

static int eval_json(const struct check *c, const struct response_view *rv, struct rng *rng,
                     char *scratch, size_t cap, char got[CHECK_GOT_MAX])
{
    size_t n = 0;
    char first = 0;
    enum jp_status js =
        jsonpath_eval_typed(c->path, rv->body, rv->body_len, rng, scratch, cap - 1, &n, &first);
    if (js == JP_NOT_JSON) {
        show(got, "a body that is not JSON", 23, 0);
        return 0;
    }
    if (js == JP_NO_SPACE) {
        show(got, "a value too large to compare", 28, 0);
        return 0;
    }
    if (js == JP_NO_MATCH) {
        show(got, "nothing", 7, 0);
        return c->op == OP_ABSENT;
    }
    show(got, scratch, n, first == '"');
    double x;
    switch (c->op) {
    case OP_EXISTS:
        return 1;
    case OP_ABSENT:
        return 0;
    case OP_EQ:
        return equals(c, &c->lits[0], first, scratch, n);
    case OP_NE:
        return !equals(c, &c->lits[0], first, scratch, n);
    case OP_IN:
        for (size_t i = 0; i < c->nlits; i++)
            if (equals(c, &c->lits[i], first, scratch, n))
                return 1;
        return 0;
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        /* A number, or a string that holds one ("12.50", as some stores send prices). */
        if (first == '{' || first == '[' || as_number(scratch, n, &x))
            return 0;
        return c->op == OP_LT   ? x < c->lits[0].num
               : c->op == OP_LE ? x <= c->lits[0].num
               : c->op == OP_GT ? x > c->lits[0].num
                                : x >= c->lits[0].num;
    case OP_MATCHES:
        return regex_matches(c, scratch, n);
    default:
        return 0;
    }
}

static int eval_header(const struct check *c, const struct response_view *rv, char *scratch,
                       size_t cap, char got[CHECK_GOT_MAX])
{
    const char *v;
    size_t n;
    if (extract_header(rv->head, rv->head_len, c->text + c->name_off, &v, &n)) {
        show(got, "no such header", 14, 0);
        return c->op == OP_ABSENT;
    }
    show(got, v, n, 1);
    const struct literal *lit = &c->lits[0];
    switch (c->op) {
    case OP_EXISTS:
        return 1;
    case OP_EQ:
    case OP_NE:
        return (n == lit->len && memcmp(v, c->text + lit->off, n) == 0) == (c->op == OP_EQ);
    case OP_MATCHES:
        if (n >= cap)
            return 0;
        memcpy(scratch, v, n);
        return regex_matches(c, scratch, n);
    default:
        return 0;
    }
}

int check_eval(const struct check *c, const struct response_view *rv, struct rng *rng,
               char *scratch, size_t cap, char got[CHECK_GOT_MAX])
{
    if (c->subject == SUBJECT_JSON)
        return eval_json(c, rv, rng, scratch, cap, got);
    if (c->subject == SUBJECT_HEADER)
        return eval_header(c, rv, scratch, cap, got);
    const struct literal *lit = &c->lits[0];
    int found = lit->len == 0 || (rv->body_len >= lit->len &&
                                  memmem(rv->body, rv->body_len, c->text + lit->off, lit->len));
    show(got, found ? "a body with it" : "a body without it", found ? 14 : 17, 0);
    return found == (c->op == OP_CONTAINS);
}
