#include "probes/embedding.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/csp.h"
#include "probes/csp_judge.h"

/* The value without surrounding blanks, in buf. */
static const char *trimmed(const char *v, char *buf, size_t len)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    snprintf(buf, len, "%.*s", (int)n, v);
    return buf;
}

enum probe_status framing_judge(const struct csp_set *s, const char *xfo, char *why, size_t len)
{
    char fa[512], broad[512] = "";
    int meta_frame_ancestors = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!csp_directive(s->policy[i], "frame-ancestors", fa, sizeof fa))
            continue;
        if (s->from[i] == CSP_FROM_META) {
            meta_frame_ancestors = 1;
        } else if (!csp_is_broad(fa)) {
            snprintf(why, len, "CSP frame-ancestors %s%s", fa[0] ? fa : "(empty: 'none')",
                     xfo ? " (X-Frame-Options is ignored beside it)" : "");
            return PROBE_PASS;
        } else if (!broad[0]) {
            snprintf(broad, sizeof broad, "%s", fa);
        }
    }
    if (broad[0]) {
        snprintf(why, len, "frame-ancestors '%s' lets any site frame the page", broad);
        return PROBE_FAIL;
    }
    const char *meta =
        meta_frame_ancestors ? " (frame-ancestors in a <meta> policy is ignored by browsers)" : "";
    if (!xfo) {
        snprintf(why, len,
                 "no frame-ancestors and no X-Frame-Options: any site can frame the page "
                 "(clickjacking)%s",
                 meta);
        return PROBE_FAIL;
    }
    char v[128];
    trimmed(xfo, v, sizeof v);
    if (strcasecmp(v, "DENY") == 0 || strcasecmp(v, "SAMEORIGIN") == 0) {
        snprintf(why, len, "X-Frame-Options %s (CSP frame-ancestors is the current form)", v);
        return PROBE_PASS;
    }
    if (strncasecmp(v, "ALLOW-FROM", 10) == 0) {
        snprintf(why, len,
                 "X-Frame-Options ALLOW-FROM is ignored by current browsers: any site can "
                 "frame the page; use CSP frame-ancestors%s",
                 meta);
        return PROBE_FAIL;
    }
    snprintf(why, len, "X-Frame-Options '%s' is not recognised (DENY or SAMEORIGIN): ignored%s",
             v, meta);
    return PROBE_FAIL;
}

enum probe_status corp_judge(const char *corp, char *why, size_t len)
{
    if (!corp) {
        snprintf(why, len,
                 "no Cross-Origin-Resource-Policy: any site may load the answer into its "
                 "own process (side-channel reads)");
        return PROBE_WARN;
    }
    char v[128];
    trimmed(corp, v, sizeof v);
    if (strcmp(v, "same-origin") == 0 || strcmp(v, "same-site") == 0) {
        snprintf(why, len, "Cross-Origin-Resource-Policy %s", v);
        return PROBE_PASS;
    }
    if (strcmp(v, "cross-origin") == 0) {
        snprintf(why, len,
                 "Cross-Origin-Resource-Policy cross-origin: any site may load the answer");
        return PROBE_WARN;
    }
    snprintf(why, len, "Cross-Origin-Resource-Policy '%s' is not recognised: browsers ignore it",
             v);
    return PROBE_FAIL;
}
