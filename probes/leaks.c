#include "probes/leaks.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "probes/http.h"

struct sign {
    const char *needle; /* case-insensitive */
    const char *label;
};

static const struct sign signs[] = {
    {"Traceback (most recent call last)", "stack trace"},
    {"Exception in thread", "stack trace"},
    {"\tat java.", "stack trace"},
    {"\tat org.", "stack trace"},
    {"goroutine ", "stack trace"},
    {"panic: ", "stack trace"},
    {".php on line", "stack trace"},
    {"Stack trace:", "stack trace"},
    {"node_modules/", "stack trace"},
    {"NullPointerException", "stack trace"},
    {"DEBUG = True", "debug page"},
    {"Whoops! There was an error", "debug page"},
    {"Werkzeug Debugger", "debug page"},
    {"Django Version", "debug page"},
    {"postgres://", "connection string"},
    {"postgresql://", "connection string"},
    {"mysql://", "connection string"},
    {"mongodb://", "connection string"},
    {"mongodb+srv://", "connection string"},
    {"redis://", "connection string"},
    {"amqp://", "connection string"},
    {"jdbc:", "connection string"},
    {"password", "credential"},
    {"passwd", "credential"},
    {"db_user", "credential"},
    {".internal", "internal host name"},
    {".svc.cluster.local", "internal host name"},
    {".corp:", "internal host name"},
    {"\"hostname\"", "internal host name"},
    {"db_host", "internal host name"},
    {"\"version\"", "software version"},
    {"version=\"", "software version"},
    {"PostgreSQL ", "software version"},
    {"MySQL ", "software version"},
    {"nginx/", "software version"},
    {"Apache/", "software version"},
    {"PHP/", "software version"},
};

/* A dotted IPv4 address in a private range (10/8, 172.16/12, 192.168/16) starting at p. */
static int private_ipv4(const char *p)
{
    unsigned a, b, c, d;
    int n = 0;
    if (sscanf(p, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &n) != 4 || n == 0)
        return 0;
    if (a > 255 || b > 255 || c > 255 || d > 255)
        return 0;
    return a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
}

static void excerpt_at(const char *text, const char *at, char *out, size_t len)
{
    if (!len)
        return;
    size_t before = len / 3;
    const char *from = at - text > (long)before ? at - before : text;
    size_t w = 0;
    for (const char *p = from; *p && w + 1 < len; p++)
        out[w++] = isprint((unsigned char)*p) ? *p : ' ';
    out[w] = '\0';
}

const char *leak_find(const char *text, char *excerpt, size_t len)
{
    if (!text)
        return NULL;
    const char *best = NULL, *label = NULL;
    for (size_t i = 0; i < sizeof signs / sizeof *signs; i++) {
        const char *at = http_strcasestr(text, signs[i].needle);
        if (at && (!best || at < best)) {
            best = at;
            label = signs[i].label;
        }
    }
    for (const char *p = text; *p && (!best || p < best); p++)
        if ((p == text || !isdigit((unsigned char)p[-1])) && isdigit((unsigned char)*p) &&
            private_ipv4(p)) {
            best = p;
            label = "private address";
        }
    if (best)
        excerpt_at(text, best, excerpt, len);
    return label;
}
