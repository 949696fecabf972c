/* Judging a Content-Security-Policy as the MDN HTTP Observatory does: what the policy lets
 * an injected script (a card skimmer) do on the page. */
#ifndef STORECHECK_PROBES_CSP_JUDGE_H
#define STORECHECK_PROBES_CSP_JUDGE_H

#include <stddef.h>

#include "probes/probe.h"

/* Where the policy came from: the response header, or a <meta http-equiv> in the page, where
 * browsers ignore frame-ancestors, report-uri and sandbox. */
enum csp_source { CSP_FROM_HEADER, CSP_FROM_META };

/* PROBE_PASS, PROBE_WARN or PROBE_FAIL for one policy, with the first reason that decided it
 * in why. Fail: scripts unrestricted, 'unsafe-inline' without a nonce, hash or
 * 'strict-dynamic', data: or any-host script sources (unless 'strict-dynamic' makes browsers
 * ignore them), http: sources, object-src unrestricted. Warn: 'unsafe-eval', no form-action,
 * no base-uri where scripts are allowed by nonce, hash or 'strict-dynamic'. */
enum probe_status csp_judge(const char *policy, enum csp_source from, char *why, size_t len);

/* 1 if the source list holds a nonce or a hash source ('nonce-…', 'sha256-…', …). */
int csp_has_nonce_or_hash(const char *sources);

/* 1 if the source list lets anything in: '*', a bare scheme (https:, http:, data:) or an
 * http:// host. */
int csp_is_broad(const char *sources);

#endif
