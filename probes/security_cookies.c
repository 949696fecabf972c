/* S group: the flags of the cookies a shopper gets on the way to a cart. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/store.h"

/* 1 if the Set-Cookie attribute list (after the first ';') has attr, as a whole word. */
static int has_attr(const char *set_cookie, const char *attr, char *value, size_t vlen)
{
    const char *p = strchr(set_cookie, ';');
    size_t alen = strlen(attr);
    while (p) {
        p++;
        while (*p == ' ')
            p++;
        if (strncasecmp(p, attr, alen) == 0 &&
            (p[alen] == ';' || p[alen] == '=' || !p[alen] || p[alen] == ' ')) {
            if (value) {
                const char *v = p[alen] == '=' ? p + alen + 1 : "";
                snprintf(value, vlen, "%.*s", (int)strcspn(v, ";"), v);
            }
            return 1;
        }
        p = strchr(p, ';');
    }
    return 0;
}

/* "name=[value]; attrs": the cookie value never goes into evidence. */
static void masked(const char *set_cookie, char *buf, size_t len)
{
    size_t nlen = strcspn(set_cookie, "=;");
    const char *attrs = strchr(set_cookie, ';');
    snprintf(buf, len, "%.*s=[value hidden]%s", (int)nlen, set_cookie, attrs ? attrs : "");
}

static int deleted(const char *set_cookie)
{
    char v[32];
    return has_attr(set_cookie, "Max-Age", v, sizeof v) && v[0] == '0';
}

/* What the cookies seen so far add up to: the first failing and the first weak one. */
struct tally {
    size_t seen;
    int fail, warn;
    char why[512];
};

/* Judge one Set-Cookie of the answer to `request` (status). */
static void judge(struct probe_ctx *ctx, struct tally *t, int tls, const char *request,
                  int status, const char *sc)
{
    if (deleted(sc))
        return;
    t->seen++;
    char name[128], show[600], samesite[32] = "";
    snprintf(name, sizeof name, "%.*s", (int)strcspn(sc, "=;"), sc);
    masked(sc, show, sizeof show);
    /* A CSRF token cookie is meant to be read by the page's own script. */
    int csrf = http_strcasestr(name, "csrf") || http_strcasestr(name, "xsrf");
    char missing[128] = "";
    if (tls && !has_attr(sc, "Secure", NULL, 0))
        strcat(missing, " Secure");
    if (!csrf && !has_attr(sc, "HttpOnly", NULL, 0))
        strcat(missing, " HttpOnly");
    int has_ss = has_attr(sc, "SameSite", samesite, sizeof samesite);
    if (missing[0]) {
        if (!t->fail++)
            snprintf(t->why, sizeof t->why, "cookie '%s' lacks%s", name, missing);
    } else if (!has_ss || strcasecmp(samesite, "None") == 0) {
        if (!t->warn++ && !t->fail)
            snprintf(t->why, sizeof t->why, "cookie '%s' has %s", name,
                     has_ss ? "SameSite=None" : "no SameSite");
    }
    probe_evidence(ctx, request, status, "Set-Cookie: %s%s%s%s", show,
                   missing[0] ? " -> missing" : "", missing,
                   !missing[0] && !has_ss ? " -> no SameSite" : "");
}

static void run_cookie_flags(struct probe_ctx *ctx)
{
    if (ep_need_shopper(ctx, 0))
        return;
    const struct target *t = &ctx->cfg->target;
    int tls = t->base.tls;
    struct http_response resps[3];
    memset(resps, 0, sizeof resps);
    struct http_request home = {.url = t->endpoints[EP_HOME] ? t->endpoints[EP_HOME] : "/",
                                .follow = 3};
    http_get1(ctx, &home, &resps[0]);
    char cookie[2048];
    const struct http_response *first[] = {&resps[0]};
    http_cookie_header(first, 1, cookie, sizeof cookie);
    char cart_id[128], err[512] = "";
    size_t ncart =
        store_add_to_cart(ctx, 0, cookie, resps + 1, cart_id, sizeof cart_id, err, sizeof err);
    if (err[0])
        probe_evidence(ctx, NULL, 0, "%s", err);
    size_t n = 1 + ncart, answered = 0;
    struct tally tl = {0};
    for (size_t i = 0; i < n; i++) {
        const struct http_response *r = &resps[i];
        if (!r->status) {
            http_evidence(ctx, r, NULL);
            continue;
        }
        answered++;
        const char *sc;
        for (size_t k = 0; (sc = http_header_nth(r, "Set-Cookie", k)); k++)
            judge(ctx, &tl, tls, r->request_line, r->status, sc);
    }
    /* The cookies the shopper session was given are the store's too. */
    const struct shopper *sh = ep_shopper(ctx, 0);
    for (size_t i = 0; sh && i < sh->set_cookie_count; i++)
        judge(ctx, &tl, tls, sh->set_cookies[i].request, sh->set_cookies[i].status,
              sh->set_cookies[i].value);
    for (size_t i = 0; i < n; i++)
        http_response_free(&resps[i]);
    if (answered == 0)
        probe_set(ctx, PROBE_ERROR, "no answer: %s", resps[0].error);
    else if (tl.seen == 0 && err[0])
        probe_set(ctx, PROBE_SKIP, "no cookie set by the home page, and no cart to look at: %s",
                  err);
    else if (tl.seen == 0)
        probe_set(ctx, PROBE_SKIP,
                  "no cookie set by the home page, cart creation or "
                  "add-to-cart: nothing to judge");
    else if (tl.fail)
        probe_set(ctx, PROBE_FAIL, "%s%s", tl.why,
                  tls ? ""
                      : " (plain-http target: Secure not "
                        "judged)");
    else if (tl.warn)
        probe_set(ctx, PROBE_WARN, "%s", tl.why);
    else
        probe_set(ctx, PROBE_PASS,
                  "%zu cookie(s) from home, %scart and add-to-cart are %sHttpOnly "
                  "and SameSite",
                  tl.seen, sh ? "the shopper session, " : "", tls ? "Secure, " : "");
}

const struct probe probe_s_cookie_flags = {
    .id = "S-COOKIE-FLAGS",
    .group = GROUP_S,
    .title = "Session and cart cookies are Secure, HttpOnly, SameSite",
    .severity = SEV_HIGH,
    .rationale = "A session or cart cookie without Secure leaks over plain HTTP, without "
                 "HttpOnly it is readable by any injected script, without SameSite it rides "
                 "along on cross-site requests (CSRF).",
    .remediation = "Set-Cookie: ...; Secure; HttpOnly; SameSite=Lax (or Strict) for session, "
                   "login and cart cookies.",
    .references = "https://www.rfc-editor.org/rfc/rfc6265 "
                  "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies",
    .run = run_cookie_flags,
};
