#include "reports/textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

static void reserve(struct textbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void tb_addn(struct textbuf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void tb_add(struct textbuf *b, const char *s)
{
    tb_addn(b, s, strlen(s));
}

void tb_printf(struct textbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!n || c > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) || (c == 0xF0 && p[1] < 0x90) ||
        (c == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}

void tb_add_escaped(struct textbuf *b, const char *s)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    if (!s)
        return;
    const unsigned char *run = (const unsigned char *)s, *p = run;
    while (*p) {
        const char *rep = NULL;
        size_t skip = 1;
        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            if (*p >= 0x80 && !(skip = utf8_len(p))) {
                rep = replacement; /* XML must be well-formed UTF-8 */
                skip = 1;
            } else if (*p < 0x20 && *p != '\t' && *p != '\n') {
                rep = replacement; /* not allowed in XML 1.0 */
            }
        }
        if (!rep) {
            p += skip;
            continue;
        }
        tb_addn(b, (const char *)run, (size_t)(p - run));
        tb_add(b, rep);
        p += skip;
        run = p;
    }
    tb_addn(b, (const char *)run, (size_t)(p - run));
}

char *tb_take(struct textbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void tb_free(struct textbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void tb_add_md_cell(struct textbuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '|':
            tb_add(b, "\\|");
            break;
        case '\n':
        case '\r':
            tb_add(b, " ");
            break;
        case '<':
            tb_add(b, "&lt;");
            break;
        case '>':
            tb_add(b, "&gt;");
            break;
        case '&':
            tb_add(b, "&amp;");
            break;
        case '`':
            tb_add(b, "\\`");
            break;
        default:
            tb_addn(b, p, 1);
        }
    }
}
