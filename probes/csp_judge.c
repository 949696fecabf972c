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

/* What one policy leaves open to an injected script. An enforced policy closes a hole for the
 * page, so the page has it only when every policy does; a policy that does not govern
 * scripts leaves every script hole open. */
struct policy_view {
    const char *policy;
    int governs_scripts, strict_dynamic, nonce_or_hash;
    char scripts[2048];
};

static int hole_scripts(const struct policy_view *v)
{
    return !v->governs_scripts;
}

static int hole_inline(const struct policy_view *v)
{
    return !v->governs_scripts || (csp_has_token(v->scripts, "'unsafe-inline'") &&
                                   !v->nonce_or_hash && !v->strict_dynamic);
}

static int hole_data(const struct policy_view *v)
{
    return !v->governs_scripts || (!v->strict_dynamic && csp_has_token(v->scripts, "data:"));
}

static int hole_plain_http(const struct policy_view *v)
{
    return !v->governs_scripts ||
           (!v->strict_dynamic && (csp_has_token(v->scripts, "http:") ||
                                   csp_has_token_prefix(v->scripts, "http://")));
}

static int hole_any_host(const struct policy_view *v)
{
    return !v->governs_scripts || (!v->strict_dynamic && csp_is_broad(v->scripts));
}

static int object_sources(const struct policy_view *v, char *out, size_t len)
{
    return csp_directive(v->policy, "object-src", out, len) ||
           csp_directive(v->policy, "default-src", out, len);
}

static int hole_objects(const struct policy_view *v)
{
    char objects[1024];
    return !object_sources(v, objects, sizeof objects);
}

static int hole_broad_objects(const struct policy_view *v)
{
    char objects[1024];
    return !object_sources(v, objects, sizeof objects) || csp_is_broad(objects);
}

static int hole_eval(const struct policy_view *v)
{
    return !v->governs_scripts || csp_has_token(v->scripts, "'unsafe-eval'");
}

/* With nonces, hashes or 'strict-dynamic' a relative script URL is what makes a script
 * trusted: an injected <base> moves it to another host. Allow-lists of hosts block that. */
static int hole_base(const struct policy_view *v)
{
    char unused[1024];
    return (!v->governs_scripts || v->nonce_or_hash || v->strict_dynamic) &&
           !csp_directive(v->policy, "base-uri", unused, sizeof unused);
}

/* form-action does not fall back to default-src. */
static int hole_form(const struct policy_view *v)
{
    char unused[1024];
    return !csp_directive(v->policy, "form-action", unused, sizeof unused);
}

static const struct {
    enum probe_status status;
    int (*hole)(const struct policy_view *v);
    const char *text;
} holes[] = {
    {PROBE_FAIL, hole_scripts, "CSP has neither script-src nor default-src: scripts are unrestricted"},
    /* CSP3: a nonce or a hash makes browsers ignore 'unsafe-inline'; 'strict-dynamic' makes
     * them ignore host and scheme sources and 'self' as well (and 'unsafe-inline'). */
    {PROBE_FAIL, hole_inline,
     "script-src allows 'unsafe-inline' without a nonce or hash: injected scripts run"},
    {PROBE_FAIL, hole_data, "script-src allows data: URLs: an injected <script src=data:...> runs"},
    {PROBE_FAIL, hole_plain_http,
     "script-src allows scripts over plain http: anyone on the path can replace them"},
    {PROBE_FAIL, hole_any_host, "script-src allows scripts from any host ('*' or https:)"},
    {PROBE_FAIL, hole_objects,
     "no object-src and no default-src: plugins (<object>, <embed>) are unrestricted; set "
     "object-src 'none'"},
    {PROBE_FAIL, hole_broad_objects,
     "object-src allows any host or data: URLs; set object-src 'none'"},
    {PROBE_WARN, hole_eval, "script-src allows 'unsafe-eval': injected strings can run as code"},
    {PROBE_WARN, hole_base,
     "no base-uri: an injected <base> redirects the page's trusted relative scripts to another "
     "host; set base-uri 'none' or 'self'"},
    {PROBE_WARN, hole_form,
     "no form-action: injected or altered forms (checkout, login) can post to any site; set "
     "form-action 'self'"},
};

enum probe_status csp_judge(const struct csp_set *s, char *why, size_t len)
{
    struct policy_view views[CSP_SET_MAX];
    int strict_dynamic = 0, only_meta = 1;
    for (size_t i = 0; i < s->n; i++) {
        struct policy_view *v = &views[i];
        v->policy = s->policy[i];
        v->governs_scripts = csp_script_sources(v->policy, v->scripts, sizeof v->scripts);
        v->strict_dynamic = v->governs_scripts && csp_has_token(v->scripts, "'strict-dynamic'");
        v->nonce_or_hash = v->governs_scripts && csp_has_nonce_or_hash(v->scripts);
        strict_dynamic |= v->strict_dynamic;
        only_meta &= s->from[i] == CSP_FROM_META;
    }
    enum probe_status st = PROBE_PASS;
    snprintf(why, len, "%s",
             strict_dynamic ? "CSP restricts scripts (nonce/hash with 'strict-dynamic'), "
                              "plugins and form targets"
                            : "CSP restricts scripts, plugins and form targets");
    for (size_t h = 0; h < sizeof holes / sizeof holes[0]; h++) {
        size_t open = 0;
        while (open < s->n && holes[h].hole(&views[open]))
            open++;
        if (open == s->n) {
            st = holes[h].status;
            snprintf(why, len, "%s", holes[h].text);
            break;
        }
    }
    size_t used = strlen(why);
    if (s->n > 1)
        snprintf(why + used, len - used,
                 st == PROBE_PASS ? " (%zu policies together)" : " (in every one of the %zu policies)",
                 s->n);
    used = strlen(why);
    if (only_meta && s->n)
        snprintf(why + used, len - used,
                 " (policy from a <meta> tag: frame-ancestors, report-uri and sandbox are "
                 "ignored there; send it as a header)");
    return st;
}
