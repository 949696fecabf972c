#include "probes/leaks.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "probes/http.h"

struct sign {
    const char *needle; /* case-insensitive */
    const char *label;
    unsigned kinds;
};

static const struct sign signs[] = {
    {"Traceback (most recent call last)", "stack trace", LEAK_DEBUG},
    {"Exception in thread", "stack trace", LEAK_DEBUG},
    {"\tat java.", "stack trace", LEAK_DEBUG},
    {"\tat org.", "stack trace", LEAK_DEBUG},
    {"goroutine ", "stack trace", LEAK_DEBUG},
    {"panic: ", "stack trace", LEAK_DEBUG},
    {".php on line", "stack trace", LEAK_DEBUG},
    {"Stack trace:", "stack trace", LEAK_DEBUG},
    {"node_modules/", "stack trace", LEAK_DEBUG},
    {"NullPointerException", "stack trace", LEAK_DEBUG},
    {"DEBUG = True", "debug page", LEAK_DEBUG},
    {"Whoops! There was an error", "debug page", LEAK_DEBUG},
    {"Werkzeug Debugger", "debug page", LEAK_DEBUG},
    {"Django Version", "debug page", LEAK_DEBUG},
    {"postgres://", "connection string", LEAK_ALL},
    {"postgresql://", "connection string", LEAK_ALL},
    {"mysql://", "connection string", LEAK_ALL},
    {"mongodb://", "connection string", LEAK_ALL},
    {"mongodb+srv://", "connection string", LEAK_ALL},
    {"redis://", "connection string", LEAK_ALL},
    {"amqp://", "connection string", LEAK_ALL},
    {"jdbc:", "connection string", LEAK_ALL},
    {"password", "credential", LEAK_CONFIG},
    {"passwd", "credential", LEAK_CONFIG},
    {"db_user", "credential", LEAK_CONFIG},
    {".internal", "internal host name", LEAK_CONFIG},
    {".svc.cluster.local", "internal host name", LEAK_CONFIG},
    {".corp:", "internal host name", LEAK_CONFIG},
    {"\"hostname\"", "internal host name", LEAK_CONFIG},
    {"db_host", "internal host name", LEAK_CONFIG},
    {"\"version\"", "software version", LEAK_CONFIG},
    {"version=\"", "software version", LEAK_CONFIG},
    {"PostgreSQL ", "software version", LEAK_CONFIG},
    {"MySQL ", "software version", LEAK_CONFIG},
    {"nginx/", "software version", LEAK_CONFIG},
    {"Apache/", "software version", LEAK_CONFIG},
    {"PHP/", "software version", LEAK_CONFIG},
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

/* An absolute path to a source file with a line number ("/app/src/cart.js:42",
 * '/srv/shop/views.py", line 7', also JSON-escaped), as stack traces and framework error answers
 * give them, at p: the server's internal layout. 1 when p starts one. */
static int source_location(const char *p)
{
    static const char *const exts[] = {".js", ".mjs", ".cjs",  ".ts", ".py",
                                       ".rb", ".php", ".java", ".go", ".cs",
                                       ".rs", ".ex",  ".exs",  ".kt", ".scala"};
    if (*p != '/' || !isalnum((unsigned char)p[1]))
        return 0;
    size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@/-");
    if (!memchr(p + 1, '/', n - 1))
        return 0; /* one segment: a URL path like /cart.js, not a file in a tree */
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t e = strlen(exts[i]);
        if (n <= e || strncmp(p + n - e, exts[i], e) != 0)
            continue;
        const char *after = p + n;
        return (after[0] == ':' && isdigit((unsigned char)after[1])) ||
               strncmp(after, "\", line ", 8) == 0 || strncmp(after, "\\\", line ", 9) == 0;
    }
    return 0;
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

const char *leak_find(const char *text, unsigned kinds, char *excerpt, size_t len)
{
    if (!text)
        return NULL;
    const char *best = NULL, *label = NULL;
    for (size_t i = 0; i < sizeof signs / sizeof *signs; i++) {
        if (!(signs[i].kinds & kinds))
            continue;
        const char *at = http_strcasestr(text, signs[i].needle);
        if (at && (!best || at < best)) {
            best = at;
            label = signs[i].label;
        }
    }
    for (const char *p = text; (kinds & LEAK_DEBUG) && *p && (!best || p < best); p++)
        if ((p == text || !isalnum((unsigned char)p[-1])) && source_location(p)) {
            best = p;
            label = "server source path";
        }
    for (const char *p = text; (kinds & LEAK_CONFIG) && *p && (!best || p < best); p++)
        if ((p == text || !isdigit((unsigned char)p[-1])) && isdigit((unsigned char)*p) &&
            private_ipv4(p)) {
            best = p;
            label = "private address";
        }
    if (best)
        excerpt_at(text, best, excerpt, len);
    return label;
}
