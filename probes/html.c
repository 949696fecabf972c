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

int html_next_tag(const char *html, size_t *pos, struct html_tag *tag)
{
    const char *p = html + *pos;
    while ((p = strchr(p, '<'))) {
        p++;
        size_t n = 0;
        while (isalpha((unsigned char)p[n]))
            n++;
        int is_script = n == 6 && strncasecmp(p, "script", 6) == 0;
        int is_link = n == 4 && strncasecmp(p, "link", 4) == 0;
        if (!is_script && !is_link)
            continue;
        memset(tag, 0, sizeof *tag);
        strcpy(tag->name, is_script ? "script" : "link");
        p += n;
        while (*p && *p != '>') {
            while (isspace((unsigned char)*p) || *p == '/')
                p++;
            const char *name = p;
            while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>')
                p++;
            size_t nlen = (size_t)(p - name);
            if (nlen == 0 && *p != '=')
                continue;
            char value[1024] = "";
            int has_value = 0;
            if (*p == '=') {
                p = read_value(p + 1, value, sizeof value);
                has_value = 1;
            }
            if (nlen == 3 && strncasecmp(name, "src", 3) == 0 && is_script)
                strcpy(tag->src, value);
            else if (nlen == 4 && strncasecmp(name, "href", 4) == 0 && is_link)
                strcpy(tag->src, value);
            else if (nlen == 3 && strncasecmp(name, "rel", 3) == 0)
                snprintf(tag->rel, sizeof tag->rel, "%s", value);
            else if (nlen == 9 && strncasecmp(name, "integrity", 9) == 0) {
                tag->has_integrity = has_value && value[0];
                snprintf(tag->integrity, sizeof tag->integrity, "%s", value);
            }
        }
        *pos = (size_t)(p - html) + (*p ? 1 : 0);
        return 1;
    }
    return 0;
}
