/* The probe descriptors, one per probe, defined in the probes/<group>_*.c files and listed in
 * registry.c. */
#ifndef STORECHECK_PROBES_CATALOG_H
#define STORECHECK_PROBES_CATALOG_H

#include "probes/probe.h"

extern const struct probe probe_s_tls_versions, probe_s_tls_ciphers, probe_s_tls_cert;
extern const struct probe probe_s_tls_fallback_scsv, probe_s_tls_renegotiation,
    probe_s_tls_compression, probe_s_tls_heartbleed, probe_s_tls_ccs_injection,
    probe_s_tls_dh_params, probe_s_tls_robot, probe_s_tls_known_attacks,
    probe_s_tls_cipher_order;
extern const struct probe probe_s_tls_chain, probe_s_tls_cert_usage, probe_s_tls_ocsp,
    probe_s_tls_must_staple, probe_s_tls_ct, probe_s_caa;
extern const struct probe probe_s_https_redirect, probe_s_hsts;
extern const struct probe probe_s_csp, probe_s_x_frame_options, probe_s_corp, probe_s_nosniff,
    probe_s_referrer_policy, probe_s_permissions_policy, probe_s_version_leak, probe_s_cors;
extern const struct probe probe_s_cookie_flags;
extern const struct probe probe_s_exposed_vcs, probe_s_exposed_env, probe_s_exposed_backup,
    probe_s_exposed_config, probe_s_admin_surface;
extern const struct probe probe_s_sri;
extern const struct probe probe_t_static_cache, probe_t_cache_hit, probe_t_private_cache,
    probe_t_session_isolation, probe_t_conditional_get, probe_t_compression, probe_t_http2,
    probe_t_latency, probe_t_rate_limit;
extern const struct probe probe_o_health, probe_o_metrics, probe_o_metrics_public,
    probe_o_request_id, probe_o_error_pages, probe_o_body_limit, probe_o_clock,
    probe_o_attestations;
extern const struct probe probe_r_redundancy, probe_r_timeouts, probe_r_idempotency,
    probe_r_webhook_retry, probe_r_webhook_signature, probe_r_webhook_intake,
    probe_r_degradation;
extern const struct probe probe_e_api_version, probe_e_openapi, probe_e_problem_json,
    probe_e_pagination, probe_e_deprecation, probe_e_webhook_payload;
extern const struct probe probe_s_graphql_introspection, probe_s_graphql_suggestions,
    probe_s_graphql_csrf, probe_s_graphql_persisted, probe_t_graphql_depth,
    probe_t_graphql_batching, probe_o_graphql_errors;

#endif
