#include "loadgen/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/oom.h"

static int has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

static int header_named(const char *const *headers, size_t n, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (strncasecmp(headers[i], name, len) == 0 && headers[i][len] == ':')
            return 1;
    return 0;
}

int request_build(struct request *r, const char *method, const struct url *u,
                  const char *const *headers, size_t header_count, const char *body,
                  size_t body_len, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!*method || strpbrk(method, " \r\n\t")) {
        snprintf(err, errlen, "bad method '%s'", method);
        return -1;
    }
    for (size_t i = 0; i < header_count; i++) {
        const char *colon = strchr(headers[i], ':');
        if (!colon || colon == headers[i] || has_crlf(headers[i])) {
            snprintf(err, errlen, "bad header '%s': expected 'Name: value' on one line",
                     headers[i]);
            return -1;
        }
    }
    int wants_length = body_len > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                       strcmp(method, "PATCH") == 0;
    if (wants_length && header_named(headers, header_count, "Content-Length")) {
        snprintf(err, errlen, "Content-Length is set from the body; do not pass it");
        return -1;
    }

    size_t cap = strlen(method) + strlen(u->path) + URL_HOST_MAX + 128 + body_len;
    for (size_t i = 0; i < header_count; i++)
        cap += strlen(headers[i]) + 2;
    char *b = xmalloc(cap);
    size_t n = (size_t)snprintf(b, cap, "%s %s HTTP/1.1\r\n", method, u->path);
    if (!header_named(headers, header_count, "Host")) {
        char host[URL_HOST_MAX + 16];
        url_host_header(u, host, sizeof host);
        n += (size_t)snprintf(b + n, cap - n, "Host: %s\r\n", host);
    }
    for (size_t i = 0; i < header_count; i++)
        n += (size_t)snprintf(b + n, cap - n, "%s\r\n", headers[i]);
    if (wants_length)
        n += (size_t)snprintf(b + n, cap - n, "Content-Length: %zu\r\n", body_len);
    n += (size_t)snprintf(b + n, cap - n, "\r\n");
    if (body_len)
        memcpy(b + n, body, body_len);
    r->bytes = b;
    r->len = n + body_len;
    r->no_body = strcmp(method, "HEAD") == 0;
    return 0;
}

void request_free(struct request *r)
{
    free(r->bytes);
    memset(r, 0, sizeof *r);
}
