#include "probes/set_cookie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Copy [p, p+n) into out without the trailing blanks. */
static void copy_trimmed(const char *p, size_t n, char *out, size_t len)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    snprintf(out, len, "%.*s", (int)n, p);
}

void set_cookie_parse(const char *header, struct set_cookie *c)
{
    memset(c, 0, sizeof *c);
    const char *p = skip_space(header);
    copy_trimmed(p, strcspn(p, "=;"), c->name, sizeof c->name);
    p = strchr(p, ';');
    while (p) {
        p = skip_space(p + 1);
        size_t alen = strcspn(p, "=;");
        char attr[32], value[128] = "";
        copy_trimmed(p, alen, attr, sizeof attr);
        if (p[alen] == '=') {
            const char *v = skip_space(p + alen + 1);
            copy_trimmed(v, strcspn(v, ";"), value, sizeof value);
        }
        if (strcasecmp(attr, "Secure") == 0)
            c->secure = 1;
        else if (strcasecmp(attr, "HttpOnly") == 0)
            c->http_only = 1;
        else if (strcasecmp(attr, "SameSite") == 0) {
            c->has_same_site = 1;
            snprintf(c->same_site, sizeof c->same_site, "%s", value);
        } else if (strcasecmp(attr, "Domain") == 0)
            c->has_domain = 1;
        else if (strcasecmp(attr, "Path") == 0) {
            c->has_path = 1;
            snprintf(c->path, sizeof c->path, "%s", value);
        } else if (strcasecmp(attr, "Max-Age") == 0 && value[0]) {
            char *end;
            long long age = strtoll(value, &end, 10);
            if (!*end) {
                c->has_max_age = 1;
                c->max_age = age;
            }
        }
        p = strchr(p, ';');
    }
}

int set_cookie_deletes(const struct set_cookie *c)
{
    return c->has_max_age && c->max_age <= 0;
}

static int starts(const char *name, const char *prefix)
{
    return strncasecmp(name, prefix, strlen(prefix)) == 0;
}

int set_cookie_has_prefix(const struct set_cookie *c)
{
    return starts(c->name, "__Host-") || starts(c->name, "__Secure-");
}

const char *set_cookie_prefix_violation(const struct set_cookie *c)
{
    if (starts(c->name, "__Host-")) {
        if (!c->secure)
            return "a __Host- cookie without Secure";
        if (c->has_domain)
            return "a __Host- cookie with a Domain";
        if (!c->has_path || strcmp(c->path, "/") != 0)
            return "a __Host- cookie without Path=/";
    } else if (starts(c->name, "__Secure-") && !c->secure) {
        return "a __Secure- cookie without Secure";
    }
    return NULL;
}
