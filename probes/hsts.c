#include "probes/hsts.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Read a directive value (token or quoted string) at p into out; NULL when malformed. */
static const char *read_value(const char *p, char *out, size_t len)
{
    size_t w = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (w + 1 < len)
                out[w++] = *p;
        }
        if (*p != '"')
            return NULL;
        p++;
    } else {
        for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++)
            if (w + 1 < len)
                out[w++] = *p;
    }
    out[w] = '\0';
    return p;
}

int hsts_parse(const char *value, struct hsts *out, char *why, size_t len)
{
    memset(out, 0, sizeof *out);
    out->max_age = -1;
    int seen_age = 0;
    const char *p = value;
    while (*p) {
        p = skip_space(p);
        const char *name = p;
        while (*p && *p != ';' && *p != '=' && *p != ' ' && *p != '\t')
            p++;
        size_t nlen = (size_t)(p - name);
        char v[64] = "";
        int has_value = 0;
        p = skip_space(p);
        if (*p == '=') {
            p = read_value(skip_space(p + 1), v, sizeof v);
            if (!p) {
                snprintf(why, len, "an unterminated quoted value");
                return -1;
            }
            has_value = 1;
            p = skip_space(p);
        }
        if (*p && *p != ';') {
            snprintf(why, len, "a directive is not followed by ';'");
            return -1;
        }
        if (*p)
            p++;
        int *flag = NULL;
        if (nlen == 7 && strncasecmp(name, "max-age", 7) == 0) {
            if (seen_age++) {
                snprintf(why, len, "max-age is given twice");
                return -1;
            }
            if (!has_value || !v[0] || strspn(v, "0123456789") != strlen(v)) {
                snprintf(why, len, "max-age '%s' is not a number of seconds", v);
                return -1;
            }
            /* Browsers accept any number of digits and cap the lifetime: so do we. */
            out->max_age = 0;
            for (const char *d = v; *d && out->max_age < HSTS_MAX_AGE_CAP; d++)
                out->max_age = out->max_age * 10 + (*d - '0');
            if (out->max_age > HSTS_MAX_AGE_CAP)
                out->max_age = HSTS_MAX_AGE_CAP;
        } else if (nlen == 17 && strncasecmp(name, "includeSubDomains", 17) == 0) {
            flag = &out->include_subdomains;
        } else if (nlen == 7 && strncasecmp(name, "preload", 7) == 0) {
            flag = &out->preload;
        }
        if (flag && (*flag)++) {
            snprintf(why, len, "%.*s is given twice", (int)nlen, name);
            return -1;
        }
    }
    if (!seen_age) {
        snprintf(why, len, "no max-age");
        return -1;
    }
    return 0;
}

enum probe_status hsts_judge(const struct hsts *h, char *why, size_t len)
{
    const char *subs = h->include_subdomains ? ", includeSubDomains" : "";
    if (h->max_age == 0) {
        snprintf(why, len, "HSTS max-age=0 tells browsers to forget HSTS for the store");
        return PROBE_FAIL;
    }
    if (h->max_age < HSTS_HALF_YEAR) {
        snprintf(why, len, "HSTS max-age %lld s is under six months%s", h->max_age, subs);
        return PROBE_FAIL;
    }
    if (h->preload && (h->max_age < HSTS_YEAR || !h->include_subdomains)) {
        snprintf(why, len,
                 "HSTS asks for preload but the preload list would refuse it: it needs "
                 "max-age of a year or more (%lld s)%s",
                 h->max_age, h->include_subdomains ? "" : " and includeSubDomains");
        return PROBE_WARN;
    }
    if (h->max_age < HSTS_YEAR) {
        snprintf(why, len, "HSTS max-age %lld s is under a year%s", h->max_age, subs);
        return PROBE_WARN;
    }
    if (h->preload)
        snprintf(why, len,
                 "HSTS max-age %lld s (>= 1 year), includeSubDomains, preload: ready for the "
                 "preload list",
                 h->max_age);
    else
        snprintf(why, len, "HSTS max-age %lld s (>= 1 year)%s; not ready for the preload list "
                           "(needs %spreload)",
                 h->max_age, h->include_subdomains ? ", includeSubDomains" : " (subdomains not covered)",
                 h->include_subdomains ? "" : "includeSubDomains and ");
    return PROBE_PASS;
}
