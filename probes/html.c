#include "probes/html.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copy an attribute value (quoted or bare) starting at p into out; returns the end. */
static const char *read_value(const char *p, char *out, size_t len)
{
    char quote = (*p == '"' || *p == '\'') ? *p++ : 0;
    size_t w = 0;
    while (*p && (quote ? *p != quote : !isspace((unsigned char)*p) && *p != '>')) {
        if (w + 1 < len)
            out[w++] = *p;
        p++;
    }
    out[w] = '\0';
    return quote && *p == quote ? p + 1 : p;
}

struct attr {
    const char *name; /* NULL at the end of the tag */
    size_t nlen;
    char value[2048];
    int has_value;
};

/* Read the attribute at p (after the tag name or the last attribute); returns the end of it,
 * or the tag's '>' (or the end of html) with a->name NULL. */
static const char *next_attr(const char *p, struct attr *a)
{
    while (isspace((unsigned char)*p) || *p == '/')
        p++;
    a->name = NULL;
    a->value[0] = '\0';
    a->has_value = 0;
    if (!*p || *p == '>')
        return p;
    a->name = p;
    while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>')
        p++;
    a->nlen = (size_t)(p - a->name);
    if (*p == '=') {
        p = read_value(p + 1, a->value, sizeof a->value);
        a->has_value = 1;
    }
    return p;
}

static int attr_is(const struct attr *a, const char *name)
{
    return a->nlen == strlen(name) && strncasecmp(a->name, name, a->nlen) == 0;
}

/* The next start tag named one of names (lower case) at or after p: its name's index, and *p
 * moved past the name; -1 at the end of html. */
static int next_start_tag(const char **p, const char *const *names, size_t count)
{
    while ((*p = strchr(*p, '<'))) {
        (*p)++;
        size_t n = 0;
        while (isalpha((unsigned char)(*p)[n]))
            n++;
        for (size_t i = 0; i < count; i++)
            if (n == strlen(names[i]) && strncasecmp(*p, names[i], n) == 0) {
                *p += n;
                return (int)i;
            }
    }
    return -1;
}

int html_next_tag(const char *html, size_t *pos, struct html_tag *tag)
{
    static const char *const names[] = {"script", "link"};
    const char *p = html + *pos;
    int which = next_start_tag(&p, names, 2);
    if (which < 0)
        return 0;
    int is_script = which == 0;
    memset(tag, 0, sizeof *tag);
    strcpy(tag->name, names[which]);
    struct attr a;
    while ((p = next_attr(p, &a)), a.name) {
        if (attr_is(&a, "src") && is_script)
            snprintf(tag->src, sizeof tag->src, "%s", a.value);
        else if (attr_is(&a, "href") && !is_script)
            snprintf(tag->src, sizeof tag->src, "%s", a.value);
        else if (attr_is(&a, "rel"))
            snprintf(tag->rel, sizeof tag->rel, "%s", a.value);
        else if (attr_is(&a, "integrity")) {
            tag->has_integrity = a.has_value && a.value[0];
            snprintf(tag->integrity, sizeof tag->integrity, "%s", a.value);
        }
    }
    *pos = (size_t)(p - html) + (*p ? 1 : 0);
    return 1;
}

int html_meta_http_equiv(const char *html, const char *name, char *out, size_t len)
{
    static const char *const names[] = {"meta"};
    const char *p = html;
    while (next_start_tag(&p, names, 1) == 0) {
        struct attr a;
        int equiv = 0, has_content = 0;
        char content[sizeof a.value] = "";
        while ((p = next_attr(p, &a)), a.name) {
            if (attr_is(&a, "http-equiv"))
                equiv = strcasecmp(a.value, name) == 0;
            else if (attr_is(&a, "content") && !has_content) {
                has_content = 1;
                snprintf(content, sizeof content, "%s", a.value);
            }
        }
        if (equiv && has_content) {
            snprintf(out, len, "%s", content);
            return 1;
        }
    }
    return 0;
}
