/* One Set-Cookie header read for its attributes (RFC 6265bis), and the rules of the __Host-
 * and __Secure- name prefixes, which browsers enforce by refusing the cookie. */
#ifndef STORECHECK_PROBES_SET_COOKIE_H
#define STORECHECK_PROBES_SET_COOKIE_H

#include <stddef.h>

struct set_cookie {
    char name[128];
    int secure, http_only;
    int has_same_site;
    char same_site[16]; /* the value as sent, "" when absent */
    int has_domain;
    int has_path;
    char path[128];
    int has_max_age;
    long long max_age;
};

/* Read "name=value; Attr; Attr=value...": attribute names in any case; the last of a repeated
 * attribute wins, as in browsers. The value is never kept. */
void set_cookie_parse(const char *header, struct set_cookie *c);

/* 1 when the cookie deletes itself (Max-Age zero or negative). */
int set_cookie_deletes(const struct set_cookie *c);

/* Why browsers refuse the cookie for its prefix (__Host-: Secure, Path=/ and no Domain;
 * __Secure-: Secure), or NULL when it has no prefix or keeps the prefix's rules. Prefixes
 * match in any case, as browsers match them. */
const char *set_cookie_prefix_violation(const struct set_cookie *c);

/* 1 when the name starts with __Host- or __Secure- (any case). */
int set_cookie_has_prefix(const struct set_cookie *c);

#endif
