/*
 * Absolute http(s) URLs: http://host[:port][/path][?query]. IPv6 hosts in brackets.
 * No userinfo, no fragment is kept. Fixed-size fields so a parsed URL needs no freeing.
 */
#ifndef STORECHECK_COMMON_URL_H
#define STORECHECK_COMMON_URL_H

#include <stddef.h>

enum { URL_HOST_MAX = 256, URL_PATH_MAX = 4096 };

struct url {
    int tls;                  /* 1 for https */
    char host[URL_HOST_MAX];  /* without brackets: ::1, 127.0.0.1, shop.example */
    unsigned port;            /* explicit or the scheme's default */
    int ipv6;                 /* host is an IPv6 literal */
    char path[URL_PATH_MAX];  /* path and query, at least "/" */
};

/* Parse an absolute URL. Returns 0, or -1 with a reason in err. */
int url_parse(const char *s, struct url *out, char *err, size_t errlen);

/* "host:port" as it goes in a Host header: brackets for IPv6, port only when not default. */
void url_host_header(const struct url *u, char *buf, size_t len);

/* The origin "scheme://host[:port]" without a path. */
void url_origin(const struct url *u, char *buf, size_t len);

#endif
