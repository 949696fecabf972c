/* Judging a Content-Security-Policy as the MDN HTTP Observatory does: what the policy lets
 * an injected script (a card skimmer) do on the page. */
#ifndef STORECHECK_PROBES_CSP_JUDGE_H
#define STORECHECK_PROBES_CSP_JUDGE_H

#include <stddef.h>

#include "probes/csp_set.h"
#include "probes/probe.h"

/* PROBE_PASS, PROBE_WARN or PROBE_FAIL for the policies a page enforces (at least one), with
 * the first reason that decided it in why. Fail: scripts unrestricted, 'unsafe-inline' without
 * a nonce, hash or 'strict-dynamic', data: or any-host script sources (unless
 * 'strict-dynamic' makes browsers ignore them), http: sources, object-src unrestricted. Warn:
 * 'unsafe-eval', no form-action, no base-uri where scripts are allowed by nonce, hash or
 * 'strict-dynamic'. With several policies a hole counts only when every policy leaves it
 * open, as browsers enforce each. */
enum probe_status csp_judge(const struct csp_set *s, char *why, size_t len);

/* 1 if the source list holds a nonce or a hash source ('nonce-…', 'sha256-…', …). */
int csp_has_nonce_or_hash(const char *sources);

/* 1 if the source list lets anything in: '*', a bare scheme (https:, http:, data:) or an
 * http:// host. */
int csp_is_broad(const char *sources);

#endif
