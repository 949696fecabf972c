/* Every Content-Security-Policy a browser enforces on a page. A header field may carry a list
 * of policies separated by commas (and repeated fields join with commas), and a <meta
 * http-equiv> policy in the page adds one more: each is enforced on its own, so what any one
 * of them forbids is forbidden. */
#ifndef STORECHECK_PROBES_CSP_SET_H
#define STORECHECK_PROBES_CSP_SET_H

#include <stddef.h>

struct http_response;

/* Where a policy came from: a response header, or a <meta http-equiv> in the page, where
 * browsers ignore frame-ancestors, report-uri and sandbox. */
enum csp_source { CSP_FROM_HEADER, CSP_FROM_META };

enum { CSP_SET_MAX = 8 };

struct csp_set {
    size_t n;
    char *policy[CSP_SET_MAX];
    enum csp_source from[CSP_SET_MAX];
    size_t ignored; /* policies beyond CSP_SET_MAX */
};

/* Add the policies of one header field or <meta> content (split at commas; empty ones are
 * none). The set starts as {0}. */
void csp_set_add(struct csp_set *s, const char *list, enum csp_source from);

/* Every enforced policy of a response: each Content-Security-Policy field, then the first
 * <meta http-equiv> policy of its HTML body. */
void csp_set_of_page(struct csp_set *s, const struct http_response *r);

void csp_set_free(struct csp_set *s);

/* 1 when a policy governs scripts (has script-src or default-src). */
int csp_set_governs_scripts(const struct csp_set *s);

/* 1 when every policy that governs scripts lets a script from origin in. */
int csp_set_allows_script(const struct csp_set *s, const char *origin);

#endif
