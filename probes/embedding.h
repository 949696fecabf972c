/* Who may embed the store's pages and resources: framing (CSP frame-ancestors, else
 * X-Frame-Options) and Cross-Origin-Resource-Policy. Judged from header values alone. */
#ifndef STORECHECK_PROBES_EMBEDDING_H
#define STORECHECK_PROBES_EMBEDDING_H

#include <stddef.h>

#include "probes/probe.h"

/* Framing of a page, from its Content-Security-Policy header (NULL when absent), its
 * X-Frame-Options (NULL when absent) and whether a <meta> policy names frame-ancestors
 * (browsers ignore it there). frame-ancestors, when the header has it, decides and
 * X-Frame-Options is ignored, as browsers do. Pass: frame-ancestors without '*' or a bare
 * scheme, or X-Frame-Options DENY or SAMEORIGIN. Fail: framing open to any site, ALLOW-FROM
 * (ignored by current browsers), an unrecognised value, or nothing. */
enum probe_status framing_judge(const char *csp, const char *xfo, int meta_frame_ancestors,
                                char *why, size_t len);

/* Cross-Origin-Resource-Policy (NULL when absent). Pass: same-origin or same-site. Warn:
 * cross-origin (any site may load the answer into its own process) or absent. Fail: a value
 * browsers do not recognise (values compare exactly, as in the Fetch standard). */
enum probe_status corp_judge(const char *corp, char *why, size_t len);

#endif
