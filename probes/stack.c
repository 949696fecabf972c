#include "probes/stack.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *key, *name, *role;
} products[STACK_COUNT] = {
    [STACK_CLOUDFLARE] = {"cloudflare", "Cloudflare", "cdn"},
    [STACK_FASTLY] = {"fastly", "Fastly", "cdn"},
    [STACK_CLOUDFRONT] = {"cloudfront", "Amazon CloudFront", "cdn"},
    [STACK_AKAMAI] = {"akamai", "Akamai", "cdn"},
    [STACK_VARNISH] = {"varnish", "Varnish", "cache"},
    [STACK_NGINX] = {"nginx", "nginx", "server"},
    [STACK_APACHE] = {"apache", "Apache httpd", "server"},
    [STACK_CADDY] = {"caddy", "Caddy", "server"},
    [STACK_ENVOY] = {"envoy", "Envoy", "server"},
    [STACK_EXPRESS] = {"express", "Express (Node.js)", "app"},
    [STACK_PHP] = {"php", "PHP", "app"},
};

const char *stack_key(enum stack_id id)
{
    return products[id].key;
}

const char *stack_name(enum stack_id id)
{
    return products[id].name;
}

const char *stack_role(enum stack_id id)
{
    return products[id].role;
}

/* How a rule reads a header. */
enum match {
    M_PRODUCT,     /* a product token of the value is text ("nginx" in "nginx/1.25.3") */
    M_PRESENT,     /* the header is there at all */
    M_NAME_PREFIX, /* some header name starts with header ("X-Akamai-") */
    M_CONTAINS,    /* the value contains text (any case) */
    M_STARTS,      /* the value starts with text (any case) */
    M_COOKIE,      /* a Set-Cookie of the cookie named text */
};

struct rule {
    enum stack_id id;
    enum match match;
    const char *header;
    const char *text;
    int unless; /* a stack that, when recognised, explains this header instead; -1: none */
};

/* Each vendor's documented marks. Fastly runs on Varnish and sends X-Varnish and
 * "Via: 1.1 varnish" too, so those name Varnish only when Fastly's own marks are absent. */
static const struct rule rules[] = {
    {STACK_CLOUDFLARE, M_PRODUCT, "Server", "cloudflare", -1},
    {STACK_CLOUDFLARE, M_PRESENT, "CF-Ray", NULL, -1},
    {STACK_FASTLY, M_STARTS, "X-Served-By", "cache-", -1},
    {STACK_FASTLY, M_CONTAINS, "X-Timer", ",VS0", -1},
    {STACK_CLOUDFRONT, M_PRESENT, "X-Amz-Cf-Id", NULL, -1},
    {STACK_CLOUDFRONT, M_PRESENT, "X-Amz-Cf-Pop", NULL, -1},
    {STACK_CLOUDFRONT, M_CONTAINS, "Via", "(CloudFront)", -1},
    {STACK_AKAMAI, M_PRESENT, "Akamai-GRN", NULL, -1},
    {STACK_AKAMAI, M_NAME_PREFIX, "X-Akamai-", NULL, -1},
    {STACK_AKAMAI, M_PRODUCT, "Server", "AkamaiGHost", -1},
    {STACK_VARNISH, M_CONTAINS, "Via", "(Varnish/", -1},
    {STACK_VARNISH, M_PRESENT, "X-Varnish", NULL, STACK_FASTLY},
    {STACK_NGINX, M_PRODUCT, "Server", "nginx", -1},
    {STACK_APACHE, M_PRODUCT, "Server", "Apache", -1},
    {STACK_CADDY, M_PRODUCT, "Server", "Caddy", -1},
    {STACK_ENVOY, M_PRODUCT, "Server", "envoy", -1},
    {STACK_ENVOY, M_PRESENT, "x-envoy-upstream-service-time", NULL, -1},
    {STACK_EXPRESS, M_PRODUCT, "X-Powered-By", "Express", -1},
    {STACK_PHP, M_PRODUCT, "X-Powered-By", "PHP", -1},
    {STACK_PHP, M_PRODUCT, "Server", "PHP", -1},
    {STACK_PHP, M_COOKIE, "Set-Cookie", "PHPSESSID", -1},
};

/* Skip a comment that starts at s ("(...)", nested, with quoted pairs); returns the end. */
static const char *skip_comment(const char *s)
{
    int depth = 0;
    do {
        if (*s == '\\' && s[1]) {
            s += 2;
            continue;
        }
        depth += *s == '(';
        depth -= *s == ')';
        s++;
    } while (*s && depth > 0);
    return s;
}

int stack_next_product(const char **p, char *name, size_t namelen)
{
    const char *s = *p;
    for (;;) {
        s += strspn(s, " \t,");
        if (*s != '(')
            break;
        s = skip_comment(s);
    }
    if (!*s) {
        *p = s;
        return -1;
    }
    size_t n = 0;
    for (; *s && !strchr(" \t(/,", *s); s++)
        if (n + 1 < namelen)
            name[n++] = *s;
    if (namelen)
        name[n] = '\0';
    if (*s == '/')
        s += 1 + strcspn(s + 1, " \t(,");
    *p = s;
    return 0;
}

static int has_product(const char *value, const char *product)
{
    char name[64];
    for (const char *p = value; stack_next_product(&p, name, sizeof name) == 0;)
        if (strcasecmp(name, product) == 0)
            return 1;
    return 0;
}

static int is_cookie(const char *value, const char *cookie)
{
    value += strspn(value, " \t");
    size_t n = strlen(cookie);
    return strncasecmp(value, cookie, n) == 0 && value[n] == '=';
}

static int matches(const struct rule *r, const struct http_header *h)
{
    if (r->match == M_NAME_PREFIX)
        return strncasecmp(h->name, r->header, strlen(r->header)) == 0;
    if (strcasecmp(h->name, r->header) != 0)
        return 0;
    switch (r->match) {
    case M_PRODUCT:
        return has_product(h->value, r->text);
    case M_CONTAINS:
        return http_strcasestr(h->value, r->text) != NULL;
    case M_STARTS:
        return strncasecmp(h->value + strspn(h->value, " \t"), r->text, strlen(r->text)) == 0;
    case M_COOKIE:
        return is_cookie(h->value, r->text);
    default:
        return 1;
    }
}

static int recognised(const struct stack_report *out, int id)
{
    for (size_t i = 0; i < out->count; i++)
        if ((int)out->components[i].id == id)
            return 1;
    return 0;
}

void stack_recognise(const struct http_header *headers, size_t n, struct stack_report *out)
{
    out->count = 0;
    /* The rules are in stack order, so components come out edge inward. */
    for (size_t k = 0; k < sizeof rules / sizeof *rules; k++) {
        const struct rule *r = &rules[k];
        if (recognised(out, r->id) || (r->unless >= 0 && recognised(out, r->unless)))
            continue;
        for (size_t i = 0; i < n; i++) {
            const struct http_header *h = &headers[i];
            if (!h->name || !h->value || !matches(r, h))
                continue;
            struct stack_component *c = &out->components[out->count++];
            c->id = r->id;
            /* A session cookie's value is a credential: only its name is evidence. */
            if (r->match == M_COOKIE)
                snprintf(c->evidence, sizeof c->evidence, "%s: %s=...", h->name, r->text);
            else
                snprintf(c->evidence, sizeof c->evidence, "%s: %s", h->name, h->value);
            break;
        }
    }
}

enum { DETECT_MAX_BODY = 64 * 1024, DETECT_FOLLOW = 3 };

void stack_detect(const struct config *cfg, uint64_t timeout_ms, struct stack_report *out)
{
    memset(out, 0, sizeof *out);
    out->ran = 1;
    if (cfg->target.timeout_ms && cfg->target.timeout_ms < timeout_ms)
        timeout_ms = cfg->target.timeout_ms;
    atomic_int cancelled;
    atomic_init(&cancelled, 0);
    struct probe_result scratch = {0};
    arena_init(&scratch.arena);
    struct probe_ctx ctx = {
        .cfg = cfg,
        .result = &scratch,
        .deadline_ms = probe_now_ms() + timeout_ms,
        .cancelled = &cancelled,
    };
    const char *home = cfg->target.endpoints[EP_HOME];
    struct http_request req = {
        .url = home ? home : cfg->target.base_url,
        .follow = DETECT_FOLLOW,
        .max_body = DETECT_MAX_BODY,
        .truncate_ok = 1,
    };
    struct http_response resp;
    http_get1(&ctx, &req, &resp);
    snprintf(out->request, sizeof out->request, "%s", resp.request_line);
    out->status = resp.status;
    if (resp.status)
        stack_recognise(resp.headers, resp.header_count, out);
    else
        snprintf(out->error, sizeof out->error, "%s", resp.error);
    http_response_free(&resp);
    arena_free(&scratch.arena);
}
