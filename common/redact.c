#include "common/redact.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/oom.h"

/* Shorter values would blank out ordinary words and numbers in evidence. */
enum { REDACT_MIN_LEN = 4 };

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

int redact_header_is_secret(const char *name)
{
    static const char *const exact[] = {"authorization", "proxy-authorization", "cookie",
                                        "set-cookie"};
    static const char *const parts[] = {"token", "secret", "api-key", "apikey", "password",
                                        "signature"};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (strcasecmp(name, exact[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (contains_ci(name, parts[i]))
            return 1;
    return 0;
}

char *redact_copy(const struct strv *secrets, const char *text)
{
    char *out = xstrdup(text);
    if (!secrets)
        return out;
    for (size_t i = 0; i < secrets->count; i++) {
        const char *s = secrets->items[i];
        size_t slen = strlen(s);
        if (slen < REDACT_MIN_LEN)
            continue;
        size_t hits = 0;
        for (const char *p = strstr(out, s); p; p = strstr(p + slen, s))
            hits++;
        if (!hits)
            continue;
        size_t rlen = strlen(REDACTED);
        char *next = xmalloc(strlen(out) - hits * slen + hits * rlen + 1);
        char *w = next;
        const char *r = out;
        for (const char *p = strstr(r, s); p; p = strstr(r, s)) {
            memcpy(w, r, (size_t)(p - r));
            w += p - r;
            memcpy(w, REDACTED, rlen);
            w += rlen;
            r = p + slen;
        }
        strcpy(w, r);
        free(out);
        out = next;
    }
    return out;
}

char *redact_url_userinfo(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return xstrdup(url);
    const char *auth = sep + 3;
    size_t auth_len = strcspn(auth, "/?#");
    /* The last '@' ends the userinfo: a password may itself hold an unescaped '@'. */
    const char *at = NULL;
    for (const char *p = auth; p < auth + auth_len; p++)
        if (*p == '@')
            at = p;
    if (!at)
        return xstrdup(url);
    size_t head = (size_t)(auth - url), rlen = strlen(REDACTED);
    char *out = xmalloc(head + rlen + strlen(at) + 1);
    memcpy(out, url, head);
    memcpy(out + head, REDACTED, rlen);
    strcpy(out + head + rlen, at);
    return out;
}
