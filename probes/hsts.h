/* Strict-Transport-Security (RFC 6797): the header read, and judged with the HSTS preload
 * list's requirements (hstspreload.org) reported beside the verdict. */
#ifndef STORECHECK_PROBES_HSTS_H
#define STORECHECK_PROBES_HSTS_H

#include <stddef.h>

#include "probes/probe.h"

enum { HSTS_YEAR = 31536000, HSTS_HALF_YEAR = 15768000 };
/* Longer lifetimes are read as this (a thousand years): only the order of magnitude matters. */
#define HSTS_MAX_AGE_CAP 31536000000LL

struct hsts {
    long long max_age;
    int include_subdomains;
    int preload;
};

/* Parse a header value: directives separated by ';', names in any case, values a token or a
 * quoted string. 0 on success; -1 with why when browsers would ignore the header (no or a
 * malformed max-age, a directive given twice). Unknown directives are ignored, as browsers
 * do. */
int hsts_parse(const char *value, struct hsts *out, char *why, size_t len);

/* Fail: max-age under six months (0 included: it clears HSTS). Warn: under a year, or
 * `preload` asked for without what the preload list requires (max-age of a year or more and
 * includeSubDomains). Pass: a year or more; why says whether the header is ready for the
 * preload list and whether subdomains are covered. */
enum probe_status hsts_judge(const struct hsts *h, char *why, size_t len);

#endif
