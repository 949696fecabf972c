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
    char *out = redact_url_userinfo(text);
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

/* Where the authority that starts at s ends: a URL's authority ends at its path, query or
 * fragment; one quoted in text also ends where the text around it resumes. */
static size_t authority_len(const char *s)
{
    return strcspn(s, "/?#\"'<>` \t\r\n");
}

char *redact_url_userinfo(const char *text)
{
    size_t rlen = strlen(REDACTED), urls = 0;
    for (const char *p = strstr(text, "://"); p; p = strstr(p + 3, "://"))
        urls++;
    /* At most one redaction per URL, each adding at most rlen bytes. */
    char *out = xmalloc(strlen(text) + urls * rlen + 1);
    char *w = out;
    const char *r = text;
    for (const char *sep = strstr(r, "://"); sep; sep = strstr(r, "://")) {
        const char *auth = sep + 3;
        size_t n = authority_len(auth);
        const char *at = NULL; /* the last '@': a password may hold an unescaped one */
        for (const char *p = auth; p < auth + n; p++)
            if (*p == '@')
                at = p;
        const char *resume = at ? at : auth + n;
        memcpy(w, r, (size_t)(auth - r));
        w += auth - r;
        if (at) {
            memcpy(w, REDACTED, rlen);
            w += rlen;
        } else {
            memcpy(w, auth, n);
            w += n;
        }
        r = resume;
    }
    strcpy(w, r);
    return out;
}
