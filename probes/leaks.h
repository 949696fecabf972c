/*
 * Signs of internals in a response body: stack traces and debug pages, connection strings and
 * credentials, internal host names and private addresses, software versions. Shared by the
 * probes that judge what health, metrics and error answers give away.
 */
#ifndef STORECHECK_PROBES_LEAKS_H
#define STORECHECK_PROBES_LEAKS_H

#include <stddef.h>

/* What to look for: what debug output shows (stack traces, debug pages, connection strings),
 * and what configuration gives away (credentials, internal host names, private addresses,
 * software versions). Error pages are judged on the first only: a site's own 404 page may
 * well say "forgot your password?". */
enum { LEAK_DEBUG = 1, LEAK_CONFIG = 2, LEAK_ALL = LEAK_DEBUG | LEAK_CONFIG };

/* The first sign of internals of the given kinds in text (NUL-terminated), as a label such as
 * "stack trace" or "connection string", with up to len-1 bytes around it in excerpt (one
 * line, control characters replaced). NULL when text shows none. */
const char *leak_find(const char *text, unsigned kinds, char *excerpt, size_t len);

#endif
