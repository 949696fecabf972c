/*
 * Signs of internals in a response body: stack traces and debug pages, connection strings and
 * credentials, internal host names and private addresses, software versions. Shared by the
 * probes that judge what health, metrics and error answers give away.
 */
#ifndef STORECHECK_PROBES_LEAKS_H
#define STORECHECK_PROBES_LEAKS_H

#include <stddef.h>

/* The first sign of internals in text (NUL-terminated), as a label such as "stack trace" or
 * "connection string", with up to len-1 bytes around it in excerpt (one line, control
 * characters replaced). NULL when text shows none. */
const char *leak_find(const char *text, char *excerpt, size_t len);

#endif
