#include "probes/csp.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int csp_directive(const char *policy, const char *name, char *out, size_t len)
{
    size_t nlen = strlen(name);
    const char *p = policy;
    while (p && *p) {
        while (*p == ';' || isspace((unsigned char)*p))
            p++;
        size_t dlen = strcspn(p, ";");
        size_t wlen = strcspn(p, " \t;");
        if (wlen == nlen && strncasecmp(p, name, nlen) == 0) {
            const char *v = p + wlen;
            size_t vlen = dlen - wlen;
            while (vlen && isspace((unsigned char)*v)) {
                v++;
                vlen--;
            }
            snprintf(out, len, "%.*s", (int)vlen, v);
            return 1;
        }
        p += dlen;
    }
    return 0;
}

int csp_script_sources(const char *policy, char *out, size_t len)
{
    return csp_directive(policy, "script-src", out, len) ||
           csp_directive(policy, "default-src", out, len);
}

/* Call fn for each whitespace-separated token; stop when it returns 1. */
static int each_token(const char *list, int (*fn)(const char *tok, size_t n, const void *arg),
                      const void *arg)
{
    const char *p = list;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        size_t n = strcspn(p, " \t\r\n");
        if (n && fn(p, n, arg))
            return 1;
        p += n;
    }
    return 0;
}

static int token_is(const char *tok, size_t n, const void *arg)
{
    return strlen(arg) == n && strncasecmp(tok, arg, n) == 0;
}

int csp_has_token(const char *sources, const char *token)
{
    return each_token(sources, token_is, token);
}

static int token_starts(const char *tok, size_t n, const void *arg)
{
    return strlen(arg) <= n && strncasecmp(tok, arg, strlen(arg)) == 0;
}

int csp_has_token_prefix(const char *sources, const char *prefix)
{
    return each_token(sources, token_starts, prefix);
}

static int source_allows(const char *tok, size_t n, const void *arg)
{
    const char *origin = arg; /* scheme://host[:port] */
    const char *sep = strstr(origin, "://");
    if (!sep)
        return 0;
    size_t scheme_len = (size_t)(sep - origin);
    const char *hostport = sep + 3;
    if (n == 1 && tok[0] == '*')
        return 1;
    if (n == scheme_len + 1 && tok[n - 1] == ':' && strncasecmp(tok, origin, scheme_len) == 0)
        return 1; /* "https:" */
    /* Drop a path from the source ("https://cdn.example.test/js/"): the probe judges hosts. */
    const char *tsep = NULL;
    for (size_t i = 0; i + 3 <= n && !tsep; i++)
        if (memcmp(tok + i, "://", 3) == 0)
            tsep = tok + i;
    const char *thost = tok;
    size_t tlen = n;
    if (tsep) {
        if ((size_t)(tsep - tok) != scheme_len || strncasecmp(tok, origin, scheme_len) != 0)
            return 0;
        thost = tsep + 3;
        tlen = n - (size_t)(thost - tok);
    }
    const char *slash = memchr(thost, '/', tlen);
    if (slash)
        tlen = (size_t)(slash - thost);
    if (tlen == strlen(hostport) && strncasecmp(thost, hostport, tlen) == 0)
        return 1;
    /* A host without a port in the source matches the default port only: compare hosts. */
    size_t host_len = strcspn(hostport, ":");
    if (tlen == host_len && strncasecmp(thost, hostport, tlen) == 0)
        return 1;
    if (tlen > 2 && thost[0] == '*' && thost[1] == '.') {
        size_t suffix = tlen - 1; /* ".example.test" */
        return host_len > suffix &&
               strncasecmp(hostport + host_len - suffix, thost + 1, suffix) == 0;
    }
    return 0;
}

int csp_allows(const char *sources, const char *origin)
{
    return each_token(sources, source_allows, origin);
}
