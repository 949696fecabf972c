#include "probes/catalog.h"

/* Run and report order. Solo probes (PROBE_SOLO) run after the rest, in this order too: the
 * latency sample before the burst that may trip a rate limiter. */
const struct probe *const probe_registry[] = {
    &probe_s_tls_versions,
    &probe_s_tls_ciphers,
    &probe_s_tls_cert,
    &probe_s_https_redirect,
    &probe_s_hsts,
    &probe_s_csp,
    &probe_s_nosniff,
    &probe_s_referrer_policy,
    &probe_s_permissions_policy,
    &probe_s_cookie_flags,
    &probe_s_version_leak,
    &probe_s_exposed_vcs,
    &probe_s_exposed_env,
    &probe_s_exposed_backup,
    &probe_s_exposed_config,
    &probe_s_admin_surface,
    &probe_s_cors,
    &probe_s_sri,
    &probe_t_static_cache,
    &probe_t_cache_hit,
    &probe_t_private_cache,
    &probe_t_session_isolation,
    &probe_t_conditional_get,
    &probe_t_compression,
    &probe_t_http2,
    &probe_t_latency,
    &probe_t_rate_limit,
};

const size_t probe_registry_count = sizeof probe_registry / sizeof *probe_registry;
