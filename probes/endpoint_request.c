#include "probes/endpoint_request.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scenario/check.h"
#include "scenario/graphql_answer.h"
#include "scenario/template.h"

const char *const ep_request_builtins[] = {"id", "q", "cart_id", "key"};
const size_t ep_request_builtin_count = sizeof ep_request_builtins / sizeof *ep_request_builtins;

/* Fill template src into out: a value the probe handed in first, else the shopper's. */
static int fill(const char *src, enum tpl_escape escape, const char *const *vars,
                const struct shopper *sh, char *out, size_t len, char *err, size_t errlen)
{
    struct vars_schema schema;
    vars_schema_init(&schema);
    struct parse_error pe;
    struct template *t = template_compile(src, strlen(src), &schema, &pe);
    struct vars *v = t ? vars_create(schema.count, 2 * EP_REQUEST_BODY_MAX) : NULL;
    int rc = -1;
    if (!t || !v) {
        snprintf(err, errlen, "'%.200s': %s", src, t ? "out of memory" : pe.msg);
        goto out;
    }
    char value[EP_REQUEST_BODY_MAX];
    for (size_t i = 0; i < schema.count; i++) {
        const char *name = schema.names[i], *given = NULL;
        for (size_t k = 0; vars && vars[k]; k += 2)
            if (strcmp(vars[k], name) == 0)
                given = vars[k + 1];
        if (given)
            vars_set(v, (int)i, given, strlen(given));
        else if (shopper_var(sh, name, value, sizeof value) == 0)
            vars_set(v, (int)i, value, strlen(value));
    }
    template_set_escape(t, escape);
    struct rng rng;
    rng_seed(&rng, (uint64_t)time(NULL), (uint64_t)(uintptr_t)out);
    struct tpl_ctx tc = {v, &rng, (uint64_t)time(NULL) * 1000000u};
    size_t n = 0;
    int bad = -1;
    enum tpl_status st = template_render(t, &tc, out, len - 1, &n, &bad);
    if (st == TPL_OK) {
        out[n] = '\0';
        rc = 0;
    } else if (st == TPL_ERR_UNSET && bad >= 0) {
        snprintf(err, errlen, "no value for {{%s}} in '%.200s'%s", schema.names[bad], src,
                 sh ? ": the shopper session did not extract it" : "");
    } else {
        snprintf(err, errlen, "'%.200s' does not fit once filled", src);
    }
out:
    vars_destroy(v);
    template_free(t);
    vars_schema_free(&schema);
    return rc;
}

static enum tpl_escape body_escape(enum body_kind k)
{
    return k == BODY_JSON ? TPL_JSON : k == BODY_FORM ? TPL_FORM : TPL_RAW;
}

/* The probe's cookie line and the shopper's cookies, as one Cookie line. */
static void merge_cookies(const char *cookie, const struct shopper *sh, char *out, size_t len)
{
    char mine[2100];
    shopper_cookie_line(sh, mine, sizeof mine);
    int has = cookie && *cookie;
    if (has && mine[0])
        snprintf(out, len, "%s; %s", cookie, mine + strlen("Cookie: "));
    else
        snprintf(out, len, "%s", has ? cookie : mine);
}

int ep_request_build(struct probe_ctx *ctx, enum endpoint ep, const struct ep_defaults *d,
                     const char *const *vars, const struct shopper *sh, const char *cookie,
                     const char *extra, struct ep_request *out, char *err, size_t errlen)
{
    const struct target *t = &ctx->cfg->target;
    const struct endpoint_request *spec = &t->requests[ep];
    memset(&out->req, 0, sizeof out->req);
    if (!t->endpoints[ep]) {
        snprintf(err, errlen, "no %s endpoint in the config", endpoint_names[ep]);
        return -1;
    }
    char path[1024];
    if (fill(t->endpoints[ep], TPL_PATH, vars, sh, path, sizeof path, err, errlen) ||
        http_endpoint_url(ctx, path, NULL, out->url, sizeof out->url, err, errlen))
        return -1;
    out->req.url = out->url;
    out->req.method = spec->method ? spec->method : d ? d->method : NULL;
    size_t n = 0;
    int typed = 0;
    for (size_t i = 0; i < spec->headers.count && n < EP_REQUEST_LINES - 2; i++) {
        const struct kv *h = &spec->headers.items[i];
        int k = snprintf(out->lines[n], sizeof out->lines[n], "%s: ", h->key);
        if (fill(h->value, TPL_HEADER, vars, sh, out->lines[n] + k, sizeof out->lines[n] - (size_t)k,
                 err, errlen))
            return -1;
        typed |= strcasecmp(h->key, "Content-Type") == 0;
        out->req.headers[n] = out->lines[n];
        n++;
    }
    const char *ctype = NULL;
    if (spec->body_kind != BODY_NONE) {
        if (fill(spec->body, body_escape(spec->body_kind), vars, sh, out->body, sizeof out->body,
                 err, errlen))
            return -1;
        out->req.body = out->body;
        ctype = spec->body_kind == BODY_JSON   ? "Content-Type: application/json"
                : spec->body_kind == BODY_FORM ? "Content-Type: application/x-www-form-urlencoded"
                                               : NULL;
    } else if (d && d->json_body) {
        snprintf(out->body, sizeof out->body, "%s", d->json_body);
        out->req.body = out->body;
        ctype = "Content-Type: application/json";
    }
    if (ctype && !typed)
        out->req.headers[n++] = ctype;
    if (d && d->accept)
        out->req.headers[n++] = d->accept;
    merge_cookies(cookie, sh, out->lines[EP_REQUEST_LINES - 1], sizeof out->lines[0]);
    if (out->lines[EP_REQUEST_LINES - 1][0])
        out->req.headers[n++] = out->lines[EP_REQUEST_LINES - 1];
    if (extra) { /* copied: the caller's line may not outlive the call */
        snprintf(out->lines[EP_REQUEST_LINES - 2], sizeof out->lines[0], "%s", extra);
        out->req.headers[n++] = out->lines[EP_REQUEST_LINES - 2];
    }
    return 0;
}

/* The head as received, for the checks that look at headers. */
static size_t head_text(const struct http_response *r, char *buf, size_t len)
{
    size_t w = (size_t)snprintf(buf, len, "HTTP/1.1 %d \r\n", r->status);
    for (size_t i = 0; i < r->header_count && w < len; i++)
        w += (size_t)snprintf(buf + w, len - w, "%s: %s\r\n", r->headers[i].name,
                              r->headers[i].value);
    if (w < len)
        w += (size_t)snprintf(buf + w, len - w, "\r\n");
    return w < len ? w : len - 1;
}

static void statuses_text(const struct endpoint_request *spec, char *out, size_t len)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < spec->expect_count && w < len; i++)
        w += (size_t)snprintf(out + w, len - w, "%s%d", i ? ", " : "", spec->expect[i]);
}

/* A GraphQL endpoint's answer that reports errors (scenario/graphql_answer.h) is not good,
 * whatever its status: the store refused the operation as sent. */
static int graphql_failed(const struct probe_ctx *ctx, const struct endpoint_request *spec,
                          const struct http_response *r, char *why, size_t len)
{
    const struct strv *types = &ctx->cfg->target.graphql.error_typenames;
    struct graphql_failure f;
    if (graphql_answer_judge(r->body ? r->body : "", r->body_len, types->items, types->count,
                             &f) == GRAPHQL_OK)
        return 0;
    snprintf(why, len,
             "%s answered %d with %s (got %s): the store refused the operation as sent; fix "
             "target.endpoints.%s",
             r->request_line, r->status, f.reason, f.got,
             endpoint_names[spec - ctx->cfg->target.requests]);
    return 1;
}

int ep_answer_good(const struct probe_ctx *ctx, enum endpoint ep, const struct http_response *r,
                   char *why, size_t len)
{
    const struct endpoint_request *spec = &ctx->cfg->target.requests[ep];
    const char *name = endpoint_names[ep];
    why[0] = '\0';
    if (!r->status) {
        snprintf(why, len, "%s: no answer (%s)", r->request_line, r->error);
        return 0;
    }
    int ok = spec->expect_count == 0 && r->status / 100 == 2;
    for (size_t i = 0; i < spec->expect_count; i++)
        ok |= spec->expect[i] == r->status;
    if (!ok) {
        char want[128];
        statuses_text(spec, want, sizeof want);
        snprintf(why, len,
                 "%s answered %d, not %s: the store did not take the request as sent; fix "
                 "target.endpoints.%s (method, path, headers, body%s)",
                 r->request_line, r->status, want[0] ? want : "a 2xx", name,
                 ctx->cfg->audit.session ? ", or what audit.session extracts" : "");
        return 0;
    }
    if (spec->graphql && graphql_failed(ctx, spec, r, why, len))
        return 0;
    char head[8192], scratch[4096], got[CHECK_GOT_MAX];
    struct rng rng;
    rng_seed(&rng, 1, 0); /* a check with a wildcard path picks one match */
    struct response_view rv = {head, head_text(r, head, sizeof head), r->body ? r->body : "",
                               r->body_len};
    for (size_t i = 0; i < spec->check_count; i++) {
        struct parse_error pe;
        struct check *c = check_compile(spec->checks[i].expr, strlen(spec->checks[i].expr), &pe);
        int holds = c && check_eval(c, &rv, &rng, scratch, sizeof scratch, got);
        check_free(c);
        if (!holds) {
            snprintf(why, len,
                     "%s answered %d but check '%.120s' of target.endpoints.%s does not hold "
                     "(got %s)",
                     r->request_line, r->status, spec->checks[i].expr, name, c ? got : pe.msg);
            return 0;
        }
    }
    return 1;
}

const struct shopper *ep_shopper(const struct probe_ctx *ctx, size_t i)
{
    if (!ctx->shoppers || ctx->shopper_count == 0)
        return NULL;
    return &ctx->shoppers[i < ctx->shopper_count ? i : ctx->shopper_count - 1];
}

int ep_need_shopper(struct probe_ctx *ctx, size_t i)
{
    const struct shopper *sh = ep_shopper(ctx, i);
    if (!ctx->cfg->audit.session)
        return 0;
    if (!sh) {
        probe_set(ctx, PROBE_SKIP, "the shopper session (audit.session) did not run");
        return -1;
    }
    shopper_evidence(ctx, sh);
    if (sh->ok)
        return 0;
    probe_set(ctx, PROBE_SKIP, "needs a shopper session, and audit.session '%s' failed: %s",
              ctx->cfg->audit.session, sh->failure);
    return -1;
}
