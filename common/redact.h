/*
 * Secrets never reach a report or a log. Everything that leaves the process as evidence or
 * a message passes through redact_copy with the config's secret list.
 */
#ifndef STORECHECK_COMMON_REDACT_H
#define STORECHECK_COMMON_REDACT_H

#include <stddef.h>

#include "common/strv.h"

#define REDACTED "[redacted]"

/* 1 for header names whose values are credentials: Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie, and names containing "token", "secret", "api-key", "apikey",
 * "password" or "signature" (any case). */
int redact_header_is_secret(const char *name);

/* A malloc'd copy of text with every occurrence of every secret (of 4 or more characters)
 * replaced by REDACTED, and the userinfo of every URL in it as redact_url_userinfo does.
 * secrets may be NULL. */
char *redact_copy(const struct strv *secrets, const char *text);

/* A malloc'd copy of text in which the userinfo of every URL ("https://user:password@host")
 * is replaced by REDACTED, so a URL can be quoted even when it carries credentials. */
char *redact_url_userinfo(const char *text);

#endif
