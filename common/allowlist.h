/*
 * The safety rule: storecheck contacts only hosts named in target.allowed_hosts. Every part
 * that opens a connection (probes, loadgen, fault hooks, redirects) asks here first.
 */
#ifndef STORECHECK_COMMON_ALLOWLIST_H
#define STORECHECK_COMMON_ALLOWLIST_H

#include "common/strv.h"

/* 1 if host (no brackets, any case) is in the list; "[::1]" entries match "::1". */
int allowlist_has(const struct strv *allowed, const char *host);

/* 1 if the URL parses and its host is allowed; otherwise 0 with the reason in err. */
int allowlist_url_ok(const struct strv *allowed, const char *url, char *err, size_t errlen);

#endif
