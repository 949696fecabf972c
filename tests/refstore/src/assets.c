#include "assets.h"

#include <stdio.h>
#include <string.h>

#include "broken.h"

/* The assets' modification time: fixed, so validators are the same on every start. */
#define ASSETS_MTIME 1735689600 /* 2025-01-01T00:00:00Z */

struct asset {
    const char *ctype;
    const char *body;
    char etag[24];
};

static struct asset css = {
    "text/css; charset=utf-8",
    "/* refstore */\n"
    "body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; }\n"
    "header { display: flex; gap: 1rem; padding: 1rem 0; border-bottom: 1px solid #ddd; }\n"
    "ul.products { list-style: none; padding: 0; }\n"
    "ul.products li { padding: 0.25rem 0; }\n"
    ".price { font-weight: bold; }\n",
    "",
};

static struct asset js = {
    "text/javascript; charset=utf-8",
    "// refstore\n"
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  var form = document.getElementById('checkout');\n"
    "  if (form) form.addEventListener('submit', function (e) { e.preventDefault(); });\n"
    "});\n",
    "",
};

static void make_etag(struct asset *a)
{
    unsigned h = 2166136261u;
    for (const char *p = a->body; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    snprintf(a->etag, sizeof a->etag, "\"a-%08x\"", h);
}

void assets_init(void)
{
    make_etag(&css);
    make_etag(&js);
}

static void serve(struct exchange *x, const struct asset *a)
{
    x->route = ROUTE_STATIC;
    exchange_static(x, 200, a->ctype, a->body, strlen(a->body));
    if (broken(BROKEN_NO_CACHE_HEADERS))
        return;
    exchange_header(x, "Cache-Control", "public, max-age=31536000, immutable");
    x->etag = a->etag;
    x->last_modified = ASSETS_MTIME;
}

void assets_css(struct exchange *x, const char *param, size_t plen)
{
    serve(x, &css);
}

void assets_js(struct exchange *x, const char *param, size_t plen)
{
    serve(x, &js);
}
