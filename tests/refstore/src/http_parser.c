#include "http_parser.h"

#include <string.h>
#include <strings.h>

/* RFC 9110 token characters. */
static bool is_tchar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Visible characters and obs-text; the request target may not contain spaces or controls. */
static bool is_vchar(unsigned char c)
{
    return c > 0x20 && c != 0x7f;
}

static bool token_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* Does a comma-separated header value list contain the token tok? */
static bool list_has(const char *v, size_t n, const char *tok)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < n && v[i] != ',')
            i++;
        size_t end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (token_eq(v + start, end - start, tok))
            return true;
    }
    return false;
}

static bool parse_length(const char *v, size_t n, int64_t *out)
{
    if (n == 0 || n > 18)
        return false;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        x = x * 10 + (v[i] - '0');
    }
    *out = x;
    return true;
}

/* Finds the end of the head ("\r\n\r\n", or bare "\n\n" which is also accepted). */
static size_t find_head_end(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* The line starting at *pos, without its line ending; advances *pos past it. */
static bool next_line(const char *buf, size_t end, size_t *pos, const char **line, size_t *n)
{
    size_t i = *pos;
    while (i < end && buf[i] != '\n')
        i++;
    if (i >= end)
        return false;
    *line = buf + *pos;
    *n = i - *pos;
    if (*n && (*line)[*n - 1] == '\r')
        (*n)--;
    *pos = i + 1;
    return true;
}

static int fail(int *status, int code)
{
    *status = code;
    return HTTP_PARSE_ERROR;
}

static int parse_request_line(const char *l, size_t n, struct http_request *req, int *status)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)l[i]))
        i++;
    if (i == 0 || i >= n || l[i] != ' ')
        return fail(status, 400);
    req->method = l;
    req->method_len = i++;
    size_t t = i;
    while (i < n && is_vchar((unsigned char)l[i]))
        i++;
    if (i == t || i >= n || l[i] != ' ')
        return fail(status, 400);
    req->target = l + t;
    req->target_len = i - t;
    if (req->target_len > HTTP_MAX_TARGET)
        return fail(status, 414);
    i++;
    if (n - i != 8 || memcmp(l + i, "HTTP/1.", 7) != 0)
        return fail(status, n - i == 8 && memcmp(l + i, "HTTP/", 5) == 0 ? 505 : 400);
    if (l[i + 7] != '0' && l[i + 7] != '1')
        return fail(status, 505);
    req->minor_version = l[i + 7] - '0';
    /* origin-form only; '*' for OPTIONS; absolute-form is not served by this store. */
    if (req->target[0] != '/' && !(req->target_len == 1 && req->target[0] == '*'))
        return fail(status, 400);
    const char *q = memchr(req->target, '?', req->target_len);
    req->path = req->target;
    req->path_len = q ? (size_t)(q - req->target) : req->target_len;
    req->query = q ? q + 1 : NULL;
    req->query_len = q ? req->target_len - req->path_len - 1 : 0;
    return 0;
}

static int parse_header(const char *l, size_t n, struct http_request *req, int *status)
{
    const char *colon = memchr(l, ':', n);
    if (!colon || colon == l)
        return fail(status, 400);
    size_t name_len = (size_t)(colon - l);
    for (size_t i = 0; i < name_len; i++)
        if (!is_tchar((unsigned char)l[i]))
            return fail(status, 400); /* also rejects "Name :" and obs-fold lines */
    const char *v = colon + 1, *end = l + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (const char *p = v; p < end; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return fail(status, 400);
    if (req->num_headers == HTTP_MAX_HEADERS)
        return fail(status, 431);
    struct http_header *h = &req->headers[req->num_headers++];
    h->name = l;
    h->name_len = name_len;
    h->value = v;
    h->value_len = (size_t)(end - v);
    return 0;
}

/* Applies the headers that frame the message and the connection. */
static int interpret_headers(struct http_request *req, int *status)
{
    bool close = false, keep = false, have_te = false;
    for (size_t i = 0; i < req->num_headers; i++) {
        const struct http_header *h = &req->headers[i];
        if (token_eq(h->name, h->name_len, "content-length")) {
            int64_t n;
            if (!parse_length(h->value, h->value_len, &n))
                return fail(status, 400);
            /* Differing repeated lengths are a smuggling attempt. */
            if (req->content_length >= 0 && req->content_length != n)
                return fail(status, 400);
            req->content_length = n;
        } else if (token_eq(h->name, h->name_len, "transfer-encoding")) {
            if (have_te || !token_eq(h->value, h->value_len, "chunked"))
                return fail(status, 501);
            have_te = true;
        } else if (token_eq(h->name, h->name_len, "connection")) {
            close |= list_has(h->value, h->value_len, "close");
            keep |= list_has(h->value, h->value_len, "keep-alive");
        } else if (token_eq(h->name, h->name_len, "expect")) {
            if (!token_eq(h->value, h->value_len, "100-continue"))
                return fail(status, 417);
            req->expect_continue = true;
        }
    }
    if (have_te && req->content_length >= 0)
        return fail(status, 400);
    if (have_te && req->minor_version == 0)
        return fail(status, 400);
    req->chunked = have_te;
    if (req->content_length > HTTP_MAX_BODY)
        return fail(status, 413);
    req->keep_alive = req->minor_version == 1 ? !close : keep && !close;
    return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req, int *status)
{
    memset(req, 0, offsetof(struct http_request, headers));
    req->num_headers = 0;
    req->content_length = -1;
    req->chunked = req->keep_alive = req->expect_continue = false;
    req->body = NULL;
    req->body_len = 0;

    /* Tolerate blank lines before a request (RFC 9112 2.2). */
    *status = 0;
    size_t pos = 0;
    while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n') && pos < 8)
        pos++;
    size_t scan = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
    size_t end = pos < scan ? find_head_end(buf + pos, scan - pos) : 0;
    if (!end) {
        if (len >= HTTP_MAX_HEAD)
            return fail(status, 431);
        /* Reject garbage early rather than waiting for a head that will never be valid. */
        for (size_t i = pos; i < len && buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\n'; i++)
            if (!is_tchar((unsigned char)buf[i]))
                return fail(status, 400);
        return HTTP_PARSE_INCOMPLETE;
    }
    end += pos;
    const char *line;
    size_t n;
    if (!next_line(buf, end, &pos, &line, &n) || parse_request_line(line, n, req, status) < 0)
        return *status ? HTTP_PARSE_ERROR : fail(status, 400);
    while (next_line(buf, end, &pos, &line, &n) && n > 0)
        if (parse_header(line, n, req, status) < 0)
            return HTTP_PARSE_ERROR;
    if (interpret_headers(req, status) < 0)
        return HTTP_PARSE_ERROR;
    req->head_len = end;
    return (int)end;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#define CHUNK_LINE_MAX 1024
#define TRAILERS_MAX   4096

int http_chunked_decode(char *buf, size_t len, struct http_chunked *st, size_t max_body)
{
    for (;;) {
        size_t pos = st->in;
        const char *line;
        size_t n;
        if (!next_line(buf, len, &pos, &line, &n))
            return len - st->in > CHUNK_LINE_MAX ? -400 : 0;
        if (n > CHUNK_LINE_MAX)
            return -400;
        size_t i = 0, size = 0;
        int d;
        while (i < n && (d = hexval(line[i])) >= 0) {
            if (size > (SIZE_MAX >> 4) || i >= 16)
                return -400;
            size = size * 16 + (size_t)d;
            i++;
        }
        if (i == 0 || (i < n && line[i] != ';' && line[i] != ' ' && line[i] != '\t'))
            return -400;
        if (size == 0) {
            /* Trailers end with an empty line; they are read and ignored. */
            size_t tpos = pos;
            for (;;) {
                if (!next_line(buf, len, &tpos, &line, &n))
                    return len - pos > TRAILERS_MAX ? -400 : 0;
                if (tpos - pos > TRAILERS_MAX)
                    return -400;
                if (n == 0)
                    break;
                if (!memchr(line, ':', n))
                    return -400;
            }
            st->in = tpos;
            return 1;
        }
        if (size > max_body || st->out + size > max_body)
            return -413;
        if (len - pos < size + 2)
            return 0;
        if (buf[pos + size] == '\r' ? buf[pos + size + 1] != '\n' : buf[pos + size] != '\n')
            return -400;
        memmove(buf + st->out, buf + pos, size);
        st->out += size;
        st->in = pos + size + (buf[pos + size] == '\r' ? 2 : 1);
    }
}

const char *http_header_get(const struct http_request *req, const char *name, size_t *len)
{
    for (size_t i = 0; i < req->num_headers; i++) {
        if (token_eq(req->headers[i].name, req->headers[i].name_len, name)) {
            if (len)
                *len = req->headers[i].value_len;
            return req->headers[i].value;
        }
    }
    return NULL;
}

bool http_method_is(const struct http_request *req, const char *m)
{
    return strlen(m) == req->method_len && memcmp(req->method, m, req->method_len) == 0;
}
