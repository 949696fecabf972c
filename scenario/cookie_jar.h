/*
 * A virtual user's cookies: what Set-Cookie headers set, sent back in the Cookie header of the
 * requests after, as a browser does with one site. Domain, Path, Secure and SameSite are not
 * looked at (every request goes to the one target); a cookie is removed by Max-Age <= 0 or an
 * Expires date before now.
 *
 * Memory is fixed at cookie_jar_create: at most max_cookies cookies of bytes bytes together.
 * Updating and rendering never allocate.
 */
#ifndef STORECHECK_SCENARIO_COOKIE_JAR_H
#define STORECHECK_SCENARIO_COOKIE_JAR_H

#include <stddef.h>
#include <stdint.h>

struct cookie_jar;

/* NULL when out of memory or the sizes are beyond 32 bits. */
struct cookie_jar *cookie_jar_create(size_t max_cookies, size_t bytes);
void cookie_jar_destroy(struct cookie_jar *j);
/* Forget every cookie (a new user session). */
void cookie_jar_clear(struct cookie_jar *j);

/* Apply one Set-Cookie value ("name=value; Max-Age=60; Path=/") at unix time now. 0, or -1
 * when it is malformed (no '=', no name, a control character in the name or value) or the
 * jar is full; the jar is unchanged then. */
int cookie_jar_set(struct cookie_jar *j, const char *set_cookie, size_t len, int64_t now);
/* Apply every Set-Cookie of a response head; the number that could not be applied. */
int cookie_jar_update(struct cookie_jar *j, const char *head, size_t len, int64_t now);

/* The Cookie header's value ("a=1; b=2") into buf. 0 with *out_len (0: no cookies), or -1
 * when it does not fit. */
int cookie_jar_header(const struct cookie_jar *j, char *buf, size_t cap, size_t *out_len);
size_t cookie_jar_count(const struct cookie_jar *j);

#endif
