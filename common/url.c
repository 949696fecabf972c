#include "common/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(char *err, size_t errlen, const char *msg)
{
    if (errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

static int valid_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_';
}

int url_parse(const char *s, struct url *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *p;
    if (strncasecmp(s, "http://", 7) == 0) {
        p = s + 7;
        out->port = 80;
    } else if (strncasecmp(s, "https://", 8) == 0) {
        p = s + 8;
        out->tls = 1;
        out->port = 443;
    } else {
        return fail(err, errlen, "not an http:// or https:// URL");
    }
    const char *auth_end = p + strcspn(p, "/?#");
    if (memchr(p, '@', (size_t)(auth_end - p)))
        return fail(err, errlen, "credentials in the URL are not allowed; use target.headers");
    const char *host_start = p, *host_end;
    if (*p == '[') {
        host_start = p + 1;
        host_end = memchr(host_start, ']', (size_t)(auth_end - host_start));
        if (!host_end)
            return fail(err, errlen, "unterminated [ in IPv6 host");
        for (const char *c = host_start; c < host_end; c++)
            if (!(strchr("0123456789abcdefABCDEF:.", *c)))
                return fail(err, errlen, "bad character in IPv6 host");
        out->ipv6 = 1;
        p = host_end + 1;
    } else {
        host_end = p;
        while (host_end < auth_end && *host_end != ':')
            host_end++;
        for (const char *c = host_start; c < host_end; c++)
            if (!valid_host_char(*c))
                return fail(err, errlen, "bad character in host");
        p = host_end;
    }
    size_t hlen = (size_t)(host_end - host_start);
    if (hlen == 0)
        return fail(err, errlen, "missing host");
    if (hlen >= sizeof out->host)
        return fail(err, errlen, "host too long");
    memcpy(out->host, host_start, hlen);
    if (p < auth_end) {
        if (*p != ':')
            return fail(err, errlen, "unexpected character after host");
        p++;
        if (p == auth_end)
            return fail(err, errlen, "empty port");
        unsigned long port = 0;
        for (; p < auth_end; p++) {
            if (*p < '0' || *p > '9')
                return fail(err, errlen, "port is not a number");
            port = port * 10 + (unsigned long)(*p - '0');
            if (port > 65535)
                return fail(err, errlen, "port out of range (1-65535)");
        }
        if (port == 0)
            return fail(err, errlen, "port out of range (1-65535)");
        out->port = (unsigned)port;
    }
    size_t plen = strcspn(auth_end, "#");
    if (plen + 2 > sizeof out->path)
        return fail(err, errlen, "path too long");
    if (*auth_end != '/')
        out->path[0] = '/';
    strncat(out->path, auth_end, plen);
    for (const char *c = out->path; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return fail(err, errlen, "space or control character in path");
    return 0;
}

static int default_port(const struct url *u)
{
    return u->port == (u->tls ? 443u : 80u);
}

void url_host_header(const struct url *u, char *buf, size_t len)
{
    const char *lb = u->ipv6 ? "[" : "", *rb = u->ipv6 ? "]" : "";
    if (default_port(u))
        snprintf(buf, len, "%s%s%s", lb, u->host, rb);
    else
        snprintf(buf, len, "%s%s%s:%u", lb, u->host, rb, u->port);
}

void url_origin(const struct url *u, char *buf, size_t len)
{
    char hh[URL_HOST_MAX + 16];
    url_host_header(u, hh, sizeof hh);
    snprintf(buf, len, "%s://%s", u->tls ? "https" : "http", hh);
}
