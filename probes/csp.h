/* Content-Security-Policy reading for the header and SRI probes (CSP Level 3 terms). */
#ifndef STORECHECK_PROBES_CSP_H
#define STORECHECK_PROBES_CSP_H

#include <stddef.h>

/* The value of one directive (its source list) copied into out; 1 found, 0 not. Directive
 * names compare case-insensitively; the first occurrence wins, as in browsers. */
int csp_directive(const char *policy, const char *name, char *out, size_t len);

/* The source list that governs scripts: script-src, else default-src; 0 when neither. */
int csp_script_sources(const char *policy, char *out, size_t len);

/* 1 if the source list has the token (any case), e.g. "'unsafe-inline'". */
int csp_has_token(const char *sources, const char *token);

/* 1 if a token of the source list starts with prefix (any case), e.g. "'nonce-". */
int csp_has_token_prefix(const char *sources, const char *prefix);

/* 1 if a script from origin ("https://cdn.example.test") is allowed by the source list:
 * '*', a scheme source, the origin or host (with or without a path), or a *.wildcard host. */
int csp_allows(const char *sources, const char *origin);

#endif
