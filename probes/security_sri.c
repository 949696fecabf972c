/* S group: third-party scripts on the checkout page carry Subresource Integrity and are
 * allowed by the page's CSP. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/url.h"
#include "probes/answer_fit.h"
#include "probes/catalog.h"
#include "probes/csp_set.h"
#include "probes/html.h"
#include "probes/http.h"
#include "probes/store.h"

/* The origin of a script src as the browser resolves it against the page; "" when the
 * script comes from the page's own origin. */
static void script_origin(const char *src, const struct url *page, char *out, size_t len)
{
    char abs[1200];
    out[0] = '\0';
    if (strncmp(src, "//", 2) == 0)
        snprintf(abs, sizeof abs, "%s:%s", page->tls ? "https" : "http", src);
    else if (strncasecmp(src, "http://", 7) == 0 || strncasecmp(src, "https://", 8) == 0)
        snprintf(abs, sizeof abs, "%s", src);
    else
        return; /* relative: first party */
    struct url u;
    char why[64];
    if (url_parse(abs, &u, why, sizeof why) != 0)
        return;
    char mine[URL_HOST_MAX + 32];
    url_origin(page, mine, sizeof mine);
    url_origin(&u, out, len);
    if (strcasecmp(out, mine) == 0)
        out[0] = '\0';
}

static int sri_valid(const char *integrity)
{
    return strncmp(integrity, "sha256-", 7) == 0 || strncmp(integrity, "sha384-", 7) == 0 ||
           strncmp(integrity, "sha512-", 7) == 0;
}

static void run_sri(struct probe_ctx *ctx)
{
    static const enum endpoint page[] = {EP_CHECKOUT_PAGE};
    if (!ctx->cfg->target.endpoints[EP_CHECKOUT_PAGE]) {
        probe_set(ctx, PROBE_SKIP, "no checkout page to read: set target.endpoints.checkout_page");
        return;
    }
    struct http_response r;
    if (store_fetch_pages(ctx, page, 1, &r) != 1) {
        probe_set(ctx, PROBE_ERROR, "the checkout page URL cannot be resolved");
        return;
    }
    if (answer_fit_skip(ctx, &r, "checkout_page")) {
        http_response_free(&r);
        return;
    }
    if (r.status != 200) {
        http_evidence(ctx, &r, NULL);
        if (r.status)
            probe_set(ctx, PROBE_ERROR, "the checkout page answered %d", r.status);
        else
            probe_set(ctx, PROBE_ERROR, "%s", r.error);
        http_response_free(&r);
        return;
    }
    struct url page_url;
    char why[128];
    url_parse(r.url, &page_url, why, sizeof why);
    struct csp_set policies = {0};
    csp_set_of_page(&policies, &r);
    int has_sources = csp_set_governs_scripts(&policies);
    size_t pos = 0, third = 0;
    int no_sri = 0, outside = 0;
    char first[1200] = "";
    struct html_tag tag;
    while (html_next_tag(r.body, &pos, &tag)) {
        if (strcmp(tag.name, "script") != 0 || !tag.src[0])
            continue;
        char origin[URL_HOST_MAX + 32];
        script_origin(tag.src, &page_url, origin, sizeof origin);
        if (!origin[0])
            continue;
        third++;
        int sri = tag.has_integrity && sri_valid(tag.integrity);
        int allowed = csp_set_allows_script(&policies, origin);
        if (!sri && !no_sri++ && !outside)
            snprintf(first, sizeof first, "%s has no integrity attribute", tag.src);
        if (!allowed && !outside++)
            snprintf(first, sizeof first, "%s is outside the CSP's script sources", tag.src);
        http_evidence(ctx, &r, "<script src=\"%s\"> integrity: %s; CSP: %s", tag.src,
                      sri ? tag.integrity : "(none)",
                      !has_sources ? "no script policy"
                      : allowed    ? "allowed"
                                   : "not allowed");
    }
    if (third == 0) {
        http_evidence(ctx, &r, "no third-party <script src>");
        probe_set(ctx, PROBE_PASS, "no third-party scripts on the checkout page");
    } else if (no_sri || outside) {
        probe_set(ctx, PROBE_FAIL,
                  "%zu third-party script(s), %d without SRI, %d outside the "
                  "CSP: %s",
                  third, no_sri, outside, first);
    } else {
        probe_set(ctx, PROBE_PASS, "all %zu third-party script(s) carry SRI%s", third,
                  has_sources ? " and are allowed by the CSP" : "");
    }
    csp_set_free(&policies);
    http_response_free(&r);
}

const struct probe probe_s_sri = {
    .id = "S-SRI",
    .group = GROUP_S,
    .title = "Third-party checkout scripts use Subresource Integrity",
    .severity = SEV_HIGH,
    .rationale = "A compromised script host turns every checkout into a card skimmer (Magecart); "
                 "SRI makes the browser refuse a script that changed. PCI DSS 4.0 (6.4.3) "
                 "requires an inventory and integrity control of payment-page scripts.",
    .remediation = "Add integrity=\"sha384-...\" crossorigin=\"anonymous\" to third-party "
                   "<script> tags on payment pages and list their origins in script-src.",
    .references = "https://www.w3.org/TR/SRI/ "
                  "https://developer.mozilla.org/en-US/docs/Web/Security/Subresource_Integrity",
    .run = run_sri,
};
