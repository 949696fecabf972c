#include "loadgen/request.h"

#include <ctype.h>
#include <stdarg.h>
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

/* The request's bytes (cap bytes, n written) and parts while they are built. */
struct builder {
    char *b;
    size_t cap, n;
    struct request_parts *pt;
    struct request_field *fields;
    char *names; /* room for the fields' lower-case names */
};

/* Append the text printf makes; its [from, to) stretch (offsets in the text) is returned. */
__attribute__((format(printf, 4, 5))) static struct request_span
put(struct builder *bd, size_t from, size_t to_end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(bd->b + bd->n, bd->cap - bd->n, fmt, ap);
    va_end(ap);
    struct request_span s = {(uint32_t)(bd->n + from), (uint32_t)((size_t)len - from - to_end)};
    bd->n += (size_t)len;
    return s;
}

/* Append the header line "Name: value" (well formed: request_build checked it) and record it:
 * Host as the authority, a hop-by-hop field not at all, any other as a field. */
static void put_field(struct builder *bd, const char *line)
{
    size_t nlen = (size_t)(strchr(line, ':') - line), at = nlen + 1;
    while (line[at] == ' ' || line[at] == '\t')
        at++;
    struct request_span value = put(bd, at, 2, "%s\r\n", line);
    if (nlen == 4 && strncasecmp(line, "host", 4) == 0) {
        bd->pt->authority = value;
    } else if (!request_field_hop_by_hop(line, nlen)) {
        request_field_name_lower(bd->names, line, nlen);
        bd->fields[bd->pt->field_count++] =
            (struct request_field){bd->names, (uint32_t)nlen, value};
        bd->names += nlen;
    }
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
    size_t names_len = strlen("content-length");
    for (size_t i = 0; i < header_count; i++) {
        cap += strlen(headers[i]) + 2;
        names_len += strlen(headers[i]);
    }
    /* One allocation holds the parts, their fields and the fields' names. */
    size_t max_fields = header_count + 1;
    struct request_parts *pt =
        xmalloc(sizeof *pt + max_fields * sizeof(struct request_field) + names_len);
    struct builder bd = {.b = xmalloc(cap), .cap = cap, .pt = pt};
    bd.fields = (struct request_field *)(pt + 1);
    bd.names = (char *)(bd.fields + max_fields);
    *pt = (struct request_parts){.fields = bd.fields, .tls = (uint8_t)(u->tls != 0)};

    pt->method = put(&bd, 0, 1, "%s ", method);
    pt->path = put(&bd, 0, 11, "%s HTTP/1.1\r\n", u->path);
    if (!header_named(headers, header_count, "Host")) {
        char host[URL_HOST_MAX + 16];
        url_host_header(u, host, sizeof host);
        pt->authority = put(&bd, 6, 2, "Host: %s\r\n", host);
    }
    for (size_t i = 0; i < header_count; i++)
        put_field(&bd, headers[i]);
    if (wants_length) {
        struct request_span value = put(&bd, 16, 2, "Content-Length: %zu\r\n", body_len);
        bd.fields[pt->field_count++] = (struct request_field){"content-length", 14, value};
    }
    put(&bd, 0, 0, "\r\n");
    if (body_len)
        memcpy(bd.b + bd.n, body, body_len);
    pt->body = (struct request_span){(uint32_t)bd.n, (uint32_t)body_len};
    r->bytes = bd.b;
    r->len = bd.n + body_len;
    r->no_body = strcmp(method, "HEAD") == 0;
    r->parts = pt;
    return 0;
}

void request_free(struct request *r)
{
    free(r->bytes);
    free(r->parts);
    memset(r, 0, sizeof *r);
}

int request_field_hop_by_hop(const char *name, size_t len)
{
    static const char *const names[] = {"connection",        "keep-alive", "proxy-connection",
                                        "transfer-encoding", "upgrade",    "te"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == len && strncasecmp(names[i], name, len) == 0)
            return 1;
    return 0;
}

void request_field_name_lower(char *out, const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
}
