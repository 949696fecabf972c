/*
 * Secrets never reach a report or a log. Everything that leaves the process as evidence or
 * a message passes through redact_copy with the config's secret list.
 */
#ifndef STORECHECK_COMMON_REDACT_H
#define STORECHECK_COMMON_REDACT_H

#include <stddef.h>

#include "common/config.h"

#define REDACTED "[redacted]"

/* 1 for header names whose values are credentials: Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie, and names containing "token", "secret", "api-key", "apikey",
 * "password" or "signature" (any case). */
int redact_header_is_secret(const char *name);

/* A malloc'd copy of text with every occurrence of every secret (of 4 or more characters)
 * replaced by REDACTED. secrets may be NULL. */
char *redact_copy(const struct strv *secrets, const char *text);

/* A malloc'd copy of url with the userinfo of its authority ("user:password@") replaced by
 * REDACTED, so a URL can be quoted in a message even when it carries credentials. Text that
 * is not a URL with userinfo is copied unchanged. */
char *redact_url_userinfo(const char *url);

#endif
