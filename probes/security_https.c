/* S group: getting shoppers onto HTTPS and keeping them there (redirect, HSTS). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/url.h"
#include "probes/catalog.h"
#include "probes/hsts.h"
#include "probes/http.h"

static void run_redirect(struct probe_ctx *ctx)
{
    const struct target *t = &ctx->cfg->target;
    if (!t->base.tls) {
        probe_set(ctx, PROBE_FAIL, "target.base_url is plain http: the store is not on HTTPS");
        return;
    }
    char url[1200];
    const char *home = t->endpoints[EP_HOME] ? t->endpoints[EP_HOME] : "/";
    if (t->http_url) {
        snprintf(url, sizeof url, "%s", t->http_url);
    } else {
        char hh[URL_HOST_MAX + 8];
        snprintf(hh, sizeof hh, t->base.ipv6 ? "[%s]" : "%s", t->base.host);
        snprintf(url, sizeof url, "http://%s%s", hh, home);
    }
    struct http_request req = {.url = url};
    struct http_response r;
    if (http_get1(ctx, &req, &r) != 0) {
        http_evidence(ctx, &r, NULL);
        if (r.failure == HTTP_FAIL_NOT_CONTACTED)
            probe_set(ctx, PROBE_ERROR, "%s", r.error);
        else if (r.failure == HTTP_FAIL_REFUSED)
            probe_set(ctx, PROBE_PASS, "no plain-HTTP listener (%s): nothing to redirect", r.error);
        else
            probe_set(ctx, PROBE_ERROR, "plain HTTP: %s", r.error);
        goto out;
    }
    const char *loc = http_header(&r, "Location");
    http_evidence(ctx, &r, "Location: %s", loc ? loc : "(none)");
    if (r.status < 300 || r.status >= 400 || !loc) {
        probe_set(ctx, PROBE_FAIL, "plain HTTP answers %d instead of redirecting to HTTPS",
                  r.status);
        goto out;
    }
    struct url lu;
    char why[128];
    /* A relative Location stays on the scheme and host of the plain-HTTP request. */
    char absolute[1200];
    if (strncasecmp(loc, "http://", 7) == 0 || strncasecmp(loc, "https://", 8) == 0)
        snprintf(absolute, sizeof absolute, "%s", loc);
    else
        snprintf(absolute, sizeof absolute, "http://%s%s", t->base.host, loc);
    if (url_parse(absolute, &lu, why, sizeof why) != 0) {
        probe_set(ctx, PROBE_FAIL, "the redirect's Location is not a valid URL (%s)", why);
    } else if (!lu.tls) {
        probe_set(ctx, PROBE_FAIL, "the first redirect stays on plain http (%s)", loc);
    } else if (strcasecmp(lu.host, t->base.host) != 0) {
        probe_set(ctx, PROBE_FAIL,
                  "the first redirect goes to another host (%s): browsers never see this "
                  "host's HSTS, so the next visit starts on plain HTTP again",
                  lu.host);
    } else if (r.status == 301 || r.status == 308) {
        probe_set(ctx, PROBE_PASS, "%d to HTTPS on the same host", r.status);
    } else {
        probe_set(ctx, PROBE_WARN, "redirects to HTTPS with a temporary %d; use 301 or 308",
                  r.status);
    }
out:
    http_response_free(&r);
}

static void run_hsts(struct probe_ctx *ctx)
{
    if (!ctx->cfg->target.base.tls) {
        probe_set(ctx, PROBE_SKIP, "target.base_url is plain http: HSTS only counts over HTTPS");
        ctx->result->cause = CAUSE_NO_TLS;
        return;
    }
    const char *home = ctx->cfg->target.endpoints[EP_HOME];
    struct http_request req = {.url = home ? home : "/"};
    struct http_response r;
    if (http_get1(ctx, &req, &r) != 0) {
        http_evidence(ctx, &r, NULL);
        probe_set(ctx, PROBE_ERROR, "%s", r.error);
        goto out;
    }
    const char *h = http_header(&r, "Strict-Transport-Security");
    http_evidence(ctx, &r, "Strict-Transport-Security: %s", h ? h : "(none)");
    if (!h) {
        probe_set(ctx, PROBE_FAIL, "no Strict-Transport-Security header");
        goto out;
    }
    struct hsts parsed;
    char why[300];
    if (hsts_parse(h, &parsed, why, sizeof why) != 0)
        probe_set(ctx, PROBE_FAIL, "Strict-Transport-Security is ignored by browsers: %s", why);
    else {
        enum probe_status st = hsts_judge(&parsed, why, sizeof why);
        probe_set(ctx, st, "%s", why);
    }
out:
    http_response_free(&r);
}

const struct probe probe_s_https_redirect = {
    .id = "S-HTTPS-REDIRECT",
    .group = GROUP_S,
    .title = "Plain HTTP redirects to HTTPS on the same host",
    .severity = SEV_HIGH,
    .rationale = "Shoppers typing the bare address arrive over plain HTTP; without a redirect "
                 "(to the same host first, so HSTS can be set) their session can be intercepted.",
    .remediation = "Answer every plain-HTTP request with 301/308 to the same URL on https:// and "
                   "the same host.",
    .references = "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring "
                  "https://hstspreload.org/",
    .run = run_redirect,
};

const struct probe probe_s_hsts = {
    .id = "S-HSTS",
    .group = GROUP_S,
    .title = "HTTP Strict Transport Security",
    .severity = SEV_HIGH,
    .rationale = "HSTS makes browsers use HTTPS for every later visit, closing the window an "
                 "SSL-stripping attacker uses.",
    .remediation = "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on "
                   "every HTTPS response; add preload (and submit the domain to "
                   "hstspreload.org) once every subdomain is on HTTPS.",
    .references = "https://www.rfc-editor.org/rfc/rfc6797 "
                  "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/"
                  "Strict-Transport-Security https://hstspreload.org/",
    .run = run_hsts,
};
