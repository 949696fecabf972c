/* S group: the flags and name prefixes of the cookies a shopper gets on the way to a cart. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/catalog.h"
#include "probes/http.h"
#include "probes/set_cookie.h"
#include "probes/store.h"

/* "name=[value]; attrs": the cookie value never goes into evidence. */
static void masked(const char *set_cookie, char *buf, size_t len)
{
    size_t nlen = strcspn(set_cookie, "=;");
    const char *attrs = strchr(set_cookie, ';');
    snprintf(buf, len, "%.*s=[value hidden]%s", (int)nlen, set_cookie, attrs ? attrs : "");
}

/* What the cookies seen so far add up to: the first failing and the first weak one. */
struct tally {
    size_t seen;
    size_t unprefixed; /* neither __Host- nor __Secure-: a note, not a finding */
    int fail, warn;
    char why[512];
};

/* Judge one Set-Cookie of the answer to `request` (status). */
static void judge(struct probe_ctx *ctx, struct tally *t, int tls, const char *request,
                  int status, const char *sc)
{
    struct set_cookie c;
    set_cookie_parse(sc, &c);
    if (set_cookie_deletes(&c))
        return;
    t->seen++;
    char show[600];
    masked(sc, show, sizeof show);
    /* A CSRF token cookie is meant to be read by the page's own script. */
    int csrf = http_strcasestr(c.name, "csrf") || http_strcasestr(c.name, "xsrf");
    const char *refused = set_cookie_prefix_violation(&c);
    char missing[128] = "";
    if (tls && !c.secure)
        strcat(missing, " Secure");
    if (!csrf && !c.http_only)
        strcat(missing, " HttpOnly");
    int weak_site = !c.has_same_site || strcasecmp(c.same_site, "None") == 0;
    int prefixed = set_cookie_has_prefix(&c);
    t->unprefixed += !prefixed;
    if (refused) {
        if (!t->fail++)
            snprintf(t->why, sizeof t->why,
                     "cookie '%s' is refused by browsers: %s, so the store never gets it back",
                     c.name, refused);
    } else if (missing[0]) {
        if (!t->fail++)
            snprintf(t->why, sizeof t->why, "cookie '%s' lacks%s", c.name, missing);
    } else if (weak_site) {
        if (!t->warn++ && !t->fail)
            snprintf(t->why, sizeof t->why, "cookie '%s' has %s", c.name,
                     c.has_same_site ? "SameSite=None" : "no SameSite");
    }
    probe_evidence(ctx, request, status, "Set-Cookie: %s%s%s%s%s%s%s", show,
                   refused ? " -> refused: " : "", refused ? refused : "",
                   missing[0] ? " -> missing" : "", missing,
                   !missing[0] && !c.has_same_site ? " -> no SameSite" : "",
                   tls && !prefixed ? " (note: no __Host- or __Secure- prefix)" : "");
}

/* The note on prefixes added to a verdict that is not a failure, on HTTPS targets. */
static const char *prefix_note(const struct tally *t, int tls, char *buf, size_t len)
{
    if (!tls || !t->unprefixed)
        return "";
    snprintf(buf, len,
             "; note: %zu without a __Host- or __Secure- prefix, which would keep subdomains "
             "and plain HTTP from overwriting them",
             t->unprefixed);
    return buf;
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
    char note[200];
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
        probe_set(ctx, PROBE_WARN, "%s%s", tl.why, prefix_note(&tl, tls, note, sizeof note));
    else
        probe_set(ctx, PROBE_PASS,
                  "%zu cookie(s) from home, %scart and add-to-cart are %sHttpOnly "
                  "and SameSite%s",
                  tl.seen, sh ? "the shopper session, " : "", tls ? "Secure, " : "",
                  prefix_note(&tl, tls, note, sizeof note));
}

const struct probe probe_s_cookie_flags = {
    .id = "S-COOKIE-FLAGS",
    .group = GROUP_S,
    .title = "Session and cart cookies are Secure, HttpOnly, SameSite, and keep their prefix",
    .severity = SEV_HIGH,
    .rationale = "A session or cart cookie without Secure leaks over plain HTTP, without "
                 "HttpOnly it is readable by any injected script, without SameSite it rides "
                 "along on cross-site requests (CSRF). A __Host- or __Secure- cookie that breaks "
                 "its prefix's rules is refused by browsers.",
    .remediation = "Set-Cookie: __Host-name=...; Path=/; Secure; HttpOnly; SameSite=Lax (or "
                   "Strict) for session, login and cart cookies: __Host- needs Secure, Path=/ "
                   "and no Domain; __Secure- needs Secure.",
    .references = "https://www.rfc-editor.org/rfc/rfc6265 "
                  "https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis "
                  "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies",
    .run = run_cookie_flags,
};
