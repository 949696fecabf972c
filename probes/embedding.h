/* Who may embed the store's pages and resources: framing (CSP frame-ancestors, else
 * X-Frame-Options) and Cross-Origin-Resource-Policy. Judged from header values alone. */
#ifndef STORECHECK_PROBES_EMBEDDING_H
#define STORECHECK_PROBES_EMBEDDING_H

#include <stddef.h>

#include "probes/csp_set.h"
#include "probes/probe.h"

/* Framing of a page, from the policies it enforces and its X-Frame-Options (NULL when
 * absent). frame-ancestors in a header policy decides and X-Frame-Options is ignored, as
 * browsers do (they ignore frame-ancestors in a <meta> policy); one policy that restricts
 * framing is enough. Pass: a frame-ancestors without '*' or a bare scheme, or X-Frame-Options
 * DENY or SAMEORIGIN. Fail: framing open to any site, ALLOW-FROM (ignored by current
 * browsers), an unrecognised value, or nothing. */
enum probe_status framing_judge(const struct csp_set *s, const char *xfo, char *why, size_t len);

/* Cross-Origin-Resource-Policy (NULL when absent). Pass: same-origin or same-site. Warn:
 * cross-origin (any site may load the answer into its own process) or absent. Fail: a value
 * browsers do not recognise (values compare exactly, as in the Fetch standard). */
enum probe_status corp_judge(const char *corp, char *why, size_t len);

#endif
