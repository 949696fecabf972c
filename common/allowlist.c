#include "common/allowlist.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/url.h"

int allowlist_has(const struct strv *allowed, const char *host)
{
    for (size_t i = 0; i < allowed->count; i++) {
        const char *a = allowed->items[i];
        size_t n = strlen(a);
        if (n >= 2 && a[0] == '[' && a[n - 1] == ']') {
            if (strlen(host) == n - 2 && strncasecmp(a + 1, host, n - 2) == 0)
                return 1;
        } else if (strcasecmp(a, host) == 0) {
            return 1;
        }
    }
    return 0;
}

int allowlist_url_ok(const struct strv *allowed, const char *url, char *err, size_t errlen)
{
    struct url u;
    char why[128];
    if (url_parse(url, &u, why, sizeof why)) {
        snprintf(err, errlen, "bad URL: %s", why);
        return 0;
    }
    if (!allowlist_has(allowed, u.host)) {
        snprintf(err, errlen, "host '%s' is not in target.allowed_hosts", u.host);
        return 0;
    }
    return 1;
}

int allowlist_is_loopback(const char *host)
{
    unsigned char a[16];
    if (strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) != 1)
        return 0;
    static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, v4_mapped, sizeof v4_mapped) == 0)
        return a[12] == 127;
    for (int i = 0; i < 15; i++)
        if (a[i])
            return 0;
    return a[15] == 1;
}
