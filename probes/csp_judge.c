#include "probes/csp_judge.h"

#include <stdio.h>
#include <string.h>

#include "probes/csp.h"

int csp_has_nonce_or_hash(const char *sources)
{
    return csp_has_token_prefix(sources, "'nonce-") || csp_has_token_prefix(sources, "'sha256-") ||
           csp_has_token_prefix(sources, "'sha384-") || csp_has_token_prefix(sources, "'sha512-");
}

int csp_is_broad(const char *sources)
{
    return csp_has_token(sources, "*") || csp_has_token(sources, "https:") ||
           csp_has_token(sources, "http:") || csp_has_token(sources, "data:") ||
           csp_has_token_prefix(sources, "http://");
}

static enum probe_status verdict(enum probe_status st, char *why, size_t len, const char *text)
{
    snprintf(why, len, "%s", text);
    return st;
}

static enum probe_status judge_policy(const char *policy, char *why, size_t len)
{
    char scripts[2048], objects[1024], unused[1024];
    if (!csp_script_sources(policy, scripts, sizeof scripts))
        return verdict(PROBE_FAIL, why, len,
                       "CSP has neither script-src nor default-src: scripts are unrestricted");
    /* CSP3: a nonce or a hash makes browsers ignore 'unsafe-inline'; 'strict-dynamic' makes
     * them ignore host and scheme sources and 'self' as well (and 'unsafe-inline'). */
    int strict_dynamic = csp_has_token(scripts, "'strict-dynamic'");
    int nonce_or_hash = csp_has_nonce_or_hash(scripts);
    if (csp_has_token(scripts, "'unsafe-inline'") && !nonce_or_hash && !strict_dynamic)
        return verdict(PROBE_FAIL, why, len,
                       "script-src allows 'unsafe-inline' without a nonce or hash: injected "
                       "scripts run");
    if (!strict_dynamic && csp_has_token(scripts, "data:"))
        return verdict(PROBE_FAIL, why, len,
                       "script-src allows data: URLs: an injected <script src=data:...> runs");
    if (!strict_dynamic && (csp_has_token(scripts, "http:") ||
                            csp_has_token_prefix(scripts, "http://")))
        return verdict(PROBE_FAIL, why, len,
                       "script-src allows scripts over plain http: anyone on the path can "
                       "replace them");
    if (!strict_dynamic && csp_is_broad(scripts))
        return verdict(PROBE_FAIL, why, len,
                       "script-src allows scripts from any host ('*' or https:)");
    if (!csp_directive(policy, "object-src", objects, sizeof objects) &&
        !csp_directive(policy, "default-src", objects, sizeof objects))
        return verdict(PROBE_FAIL, why, len,
                       "no object-src and no default-src: plugins (<object>, <embed>) are "
                       "unrestricted; set object-src 'none'");
    if (csp_is_broad(objects))
        return verdict(PROBE_FAIL, why, len,
                       "object-src allows any host or data: URLs; set object-src 'none'");
    if (csp_has_token(scripts, "'unsafe-eval'"))
        return verdict(PROBE_WARN, why, len,
                       "script-src allows 'unsafe-eval': injected strings can run as code");
    /* With nonces, hashes or 'strict-dynamic' a relative script URL is what makes a script
     * trusted: an injected <base> moves it to another host. Allow-lists of hosts block that. */
    if ((nonce_or_hash || strict_dynamic) &&
        !csp_directive(policy, "base-uri", unused, sizeof unused))
        return verdict(PROBE_WARN, why, len,
                       "no base-uri: an injected <base> redirects the page's trusted relative "
                       "scripts to another host; set base-uri 'none' or 'self'");
    /* form-action does not fall back to default-src. */
    if (!csp_directive(policy, "form-action", unused, sizeof unused))
        return verdict(PROBE_WARN, why, len,
                       "no form-action: injected or altered forms (checkout, login) can post "
                       "to any site; set form-action 'self'");
    return verdict(PROBE_PASS, why, len,
                   strict_dynamic ? "CSP restricts scripts (nonce/hash with 'strict-dynamic'), "
                                    "plugins and form targets"
                                  : "CSP restricts scripts, plugins and form targets");
}

enum probe_status csp_judge(const char *policy, enum csp_source from, char *why, size_t len)
{
    enum probe_status st = judge_policy(policy, why, len);
    if (from == CSP_FROM_META) {
        size_t used = strlen(why);
        snprintf(why + used, len - used,
                 " (policy from a <meta> tag: frame-ancestors, report-uri and sandbox are "
                 "ignored there; send it as a header)");
    }
    return st;
}
