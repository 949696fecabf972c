/*
 * Values from a response's header block: a header by name, a cookie from Set-Cookie.
 * Both work on the raw head as received (status line, then "Name: value" lines ending in CRLF
 * or LF, up to the blank line or the end), zero-copy: the result points into it.
 */
#ifndef STORECHECK_SCENARIO_EXTRACT_H
#define STORECHECK_SCENARIO_EXTRACT_H

#include <stddef.h>

/* The first header named name (case-insensitive), its value trimmed of spaces and tabs.
 * 0, or -1 when there is none. */
int extract_header(const char *head, size_t len, const char *name, const char **val, size_t *vlen);

/* The value of cookie name set by the last Set-Cookie header that sets it (as a browser would
 * keep it); surrounding double quotes are removed. 0, or -1 when no header sets it. */
int extract_cookie(const char *head, size_t len, const char *name, const char **val, size_t *vlen);

/* The name and value of one Set-Cookie header value ("name=value; Path=/; HttpOnly"),
 * trimmed, the value without surrounding double quotes; *attrs is what follows the first ';'
 * (NULL if nothing). 0, or -1 when there is no '=' or no name. */
int extract_cookie_pair(const char *sc, size_t len, const char **name, size_t *nlen,
                        const char **val, size_t *vlen, const char **attrs);

/* The value of cookie name in one Set-Cookie header value. */
int extract_set_cookie(const char *sc, size_t len, const char *name, const char **val,
                       size_t *vlen);

#endif
