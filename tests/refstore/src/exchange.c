#include "exchange.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "broken.h"
#include "gzip.h"
#include "httpdate.h"
#include "store.h"

#define OWN_ORIGIN "https://shop.example.test"

static struct buf scratch_headers, scratch_body, scratch_gz;

void exchange_init(struct exchange *x, const struct http_request *req, enum listener_kind kind,
                   bool tls, const char *peer)
{
    memset(x, 0, sizeof *x);
    x->req = req;
    x->kind = kind;
    x->tls = tls;
    x->peer = peer;
    x->status = 500;
    buf_reset(&scratch_headers);
    buf_reset(&scratch_body);
}

void exchange_header(struct exchange *x, const char *name, const char *value)
{
    buf_puts(&scratch_headers, name);
    buf_append(&scratch_headers, ": ", 2);
    buf_puts(&scratch_headers, value);
    buf_append(&scratch_headers, "\r\n", 2);
}

void exchange_headerf(struct exchange *x, const char *name, const char *fmt, ...)
{
    char value[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    exchange_header(x, name, value);
}

void exchange_static(struct exchange *x, int status, const char *ctype, const char *body,
                     size_t len)
{
    x->status = status;
    x->ctype = ctype;
    x->body = body ? body : "";
    x->body_len = len;
}

struct buf *exchange_body(struct exchange *x, int status, const char *ctype)
{
    x->status = status;
    x->ctype = ctype;
    x->body = NULL;
    buf_reset(&scratch_body);
    return &scratch_body;
}

bool exchange_is_api(const struct exchange *x)
{
    if (store_cfg.api_only)
        return true;
    return x->req && x->req->path && x->req->path_len >= 5 && memcmp(x->req->path, "/api/", 5) == 0;
}

const char *exchange_header_in(const struct exchange *x, const char *name, size_t *len)
{
    return x->req ? http_header_get(x->req, name, len) : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool exchange_query(const struct exchange *x, const char *name, char *out, size_t outlen)
{
    if (!x->req || !x->req->query)
        return false;
    const char *p = x->req->query, *end = p + x->req->query_len;
    size_t nlen = strlen(name);
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pe - p));
        const char *ke = eq ? eq : pe;
        if ((size_t)(ke - p) == nlen && memcmp(p, name, nlen) == 0) {
            size_t o = 0;
            for (const char *v = eq ? eq + 1 : pe; v < pe && o + 1 < outlen; v++) {
                int hi, lo;
                if (*v == '%' && pe - v >= 3 && (hi = hexval(v[1])) >= 0 &&
                    (lo = hexval(v[2])) >= 0) {
                    out[o++] = (char)(hi * 16 + lo);
                    v += 2;
                } else {
                    out[o++] = *v == '+' ? ' ' : *v;
                }
            }
            out[o] = '\0';
            return true;
        }
        p = pe + 1;
    }
    return false;
}

const char *http_reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

/* Echoed ids must be short and plain so a client cannot inject headers or bloat answers. */
static bool safe_id(const char *v, size_t n)
{
    if (n == 0 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static void put_header(struct buf *out, const char *name, const char *v, size_t n)
{
    buf_puts(out, name);
    buf_append(out, ": ", 2);
    buf_append(out, v, n);
    buf_append(out, "\r\n", 2);
}

#define PUT_LIT(out, s) buf_append(out, s, sizeof s - 1)

static void put_request_id(const struct exchange *x, struct buf *out)
{
    static unsigned long long counter;
    static const char hex[] = "0123456789abcdef";
    size_t n;
    const char *v = exchange_header_in(x, "x-request-id", &n);
    if (v && safe_id(v, n)) {
        put_header(out, "X-Request-Id", v, n);
    } else {
        /* A process-unique id: a per-start prefix and a counter, no formatting calls. */
        char id[16];
        unsigned long long c = ++counter ^ (store_cfg.seed << 40);
        for (int i = 15; i >= 0; i--, c >>= 4)
            id[i] = hex[c & 15];
        put_header(out, "X-Request-Id", id, sizeof id);
    }
    v = exchange_header_in(x, "traceparent", &n);
    if (v && safe_id(v, n))
        put_header(out, "traceparent", v, n);
}

#define HSTS_LINE "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
/* preload asked for without includeSubDomains: the preload list refuses it. */
#define HSTS_BAD_PRELOAD_LINE "Strict-Transport-Security: max-age=31536000; preload\r\n"

static void put_hsts(const struct exchange *x, struct buf *out)
{
    if (!x->tls || broken(BROKEN_NO_HSTS))
        return;
    if (broken(BROKEN_HSTS_BAD_PRELOAD))
        PUT_LIT(out, HSTS_BAD_PRELOAD_LINE);
    else
        PUT_LIT(out, HSTS_LINE);
}

static void put_security_headers(const struct exchange *x, struct buf *out)
{
    put_hsts(x, out);
    if (broken(BROKEN_WEAK_HEADERS)) {
        PUT_LIT(out, "Content-Security-Policy: default-src * 'unsafe-inline' 'unsafe-eval'\r\n");
        return;
    }
    PUT_LIT(out, "Content-Security-Policy: default-src 'self'; script-src 'self' "
                 "https://cdn.example.test; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
                 "form-action 'self'\r\n"
                 "X-Content-Type-Options: nosniff\r\n"
                 "Referrer-Policy: strict-origin-when-cross-origin\r\n"
                 "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n"
                 "Cross-Origin-Resource-Policy: same-origin\r\n");
}

bool exchange_cors_allowed(const struct exchange *x)
{
    size_t n;
    const char *origin = exchange_header_in(x, "origin", &n);
    if (!origin || x->kind == LISTENER_ADMIN)
        return false;
    return broken(BROKEN_CORS_REFLECT) ||
           (n == sizeof OWN_ORIGIN - 1 && memcmp(origin, OWN_ORIGIN, n) == 0);
}

static void put_cors(const struct exchange *x, struct buf *out)
{
    size_t n;
    const char *origin = exchange_header_in(x, "origin", &n);
    if (!origin)
        return;
    if (exchange_cors_allowed(x)) {
        put_header(out, "Access-Control-Allow-Origin", origin, n);
        PUT_LIT(out, "Access-Control-Allow-Credentials: true\r\n");
    }
    PUT_LIT(out, "Vary: Origin\r\n");
}

static bool compressible(const char *ctype)
{
    return ctype && (strncmp(ctype, "text/", 5) == 0 || strstr(ctype, "json") ||
                     strstr(ctype, "javascript") || strstr(ctype, "xml"));
}

static bool accepts_gzip(const struct exchange *x)
{
    size_t n;
    const char *v = exchange_header_in(x, "accept-encoding", &n);
    if (!v)
        return false;
    for (size_t i = 0; i + 4 <= n; i++) {
        if (strncasecmp(v + i, "gzip", 4) != 0)
            continue;
        /* "gzip;q=0" refuses it. */
        size_t j = i + 4;
        while (j < n && v[j] == ' ')
            j++;
        if (j + 3 < n && v[j] == ';' && strncmp(v + j + 1, "q=0", 3) == 0 &&
            (j + 4 == n || v[j + 4] == ',' || (v[j + 4] == '.' && j + 5 < n && v[j + 5] == '0')))
            return false;
        return true;
    }
    return false;
}

/* Does If-None-Match list etag (or its gzip form, which differs by a suffix)? */
static bool etag_matches(const char *list, size_t n, const char *etag)
{
    size_t elen = strlen(etag) - 1; /* compare without the closing quote */
    for (size_t i = 0; i < n; i++) {
        if (list[i] == '*')
            return true;
        if (list[i] != '"' || n - i < elen)
            continue;
        if (memcmp(list + i, etag, elen) == 0) {
            const char *rest = list + i + elen;
            size_t left = n - i - elen;
            if ((left >= 1 && rest[0] == '"') || (left >= 6 && memcmp(rest, "-gzip\"", 6) == 0))
                return true;
        }
    }
    return false;
}

static bool not_modified(const struct exchange *x)
{
    size_t n;
    const char *v = exchange_header_in(x, "if-none-match", &n);
    if (x->etag && v)
        return etag_matches(v, n, x->etag);
    v = exchange_header_in(x, "if-modified-since", &n);
    time_t since;
    return x->last_modified && v && httpdate_parse(v, n, &since) && x->last_modified <= since;
}

void exchange_finish(struct exchange *x, struct buf *out)
{
    if (!x->body) {
        x->body = scratch_body.data ? scratch_body.data : "";
        x->body_len = scratch_body.len;
    }
    bool head = x->req && http_method_is(x->req, "HEAD");
    if ((x->status == 200) && (x->etag || x->last_modified) && not_modified(x))
        x->status = 304;
    bool no_body = x->status == 304 || x->status == 204 || (x->status >= 100 && x->status < 200);

    buf_reserve(out, 1024 + x->body_len);
    PUT_LIT(out, "HTTP/1.1 ");
    buf_put_u64(out, (uint64_t)x->status);
    buf_append(out, " ", 1);
    buf_puts(out, http_reason(x->status));
    PUT_LIT(out, "\r\nDate: ");
    buf_append(out, httpdate_now(), HTTPDATE_LEN);
    if (broken(BROKEN_SERVER_VERSION))
        PUT_LIT(out, "\r\nServer: nginx/1.18.0\r\nX-Powered-By: PHP/7.4.3\r\n");
    else
        PUT_LIT(out, "\r\nServer: refstore\r\n");
    if (!broken(BROKEN_NO_REQUEST_ID))
        put_request_id(x, out);
    if (x->flags & REPLY_HTML) {
        put_security_headers(x, out);
    } else {
        /* An API called from browsers is held to HTTPS as much as its pages. */
        put_hsts(x, out);
        if (!broken(BROKEN_WEAK_HEADERS))
            PUT_LIT(out, "X-Content-Type-Options: nosniff\r\n"
                         "Cross-Origin-Resource-Policy: same-origin\r\n");
    }
    if (x->kind != LISTENER_ADMIN)
        put_cors(x, out);
    if (x->last_modified) {
        char date[HTTPDATE_LEN + 1];
        httpdate_format(x->last_modified, date);
        put_header(out, "Last-Modified", date, HTTPDATE_LEN);
    }
    buf_append(out, scratch_headers.data, scratch_headers.len);

    const char *body = x->body;
    size_t body_len = x->body_len;
    bool gz = false;
    if (compressible(x->ctype) && !(x->flags & REPLY_NO_GZIP) && !broken(BROKEN_NO_GZIP)) {
        PUT_LIT(out, "Vary: Accept-Encoding\r\n");
        gz = accepts_gzip(x) && body_len > 0;
    }
    if (gz && !no_body) {
        if (x->body_gz) {
            body = x->body_gz;
            body_len = x->body_gz_len;
        } else {
            buf_reset(&scratch_gz);
            gzip_compress(body, body_len, &scratch_gz);
            body = scratch_gz.data;
            body_len = scratch_gz.len;
        }
        PUT_LIT(out, "Content-Encoding: gzip\r\n");
    }
    if (x->etag) {
        /* The gzip representation has its own strong validator. */
        size_t n = strlen(x->etag);
        PUT_LIT(out, "ETag: ");
        buf_append(out, x->etag, gz ? n - 1 : n);
        if (gz)
            PUT_LIT(out, "-gzip\"");
        PUT_LIT(out, "\r\n");
    }
    if (x->ctype && x->status != 304) {
        PUT_LIT(out, "Content-Type: ");
        buf_puts(out, x->ctype);
        PUT_LIT(out, "\r\n");
    }
    if (x->status != 304 && x->status != 204) {
        PUT_LIT(out, "Content-Length: ");
        buf_put_u64(out, no_body ? 0 : body_len);
        PUT_LIT(out, "\r\n");
    }
    if (x->flags & REPLY_CLOSE)
        PUT_LIT(out, "Connection: close\r\n");
    else if (x->req && x->req->minor_version == 0)
        PUT_LIT(out, "Connection: keep-alive\r\n");
    PUT_LIT(out, "\r\n");
    if (!no_body && !head)
        buf_append(out, body, body_len);
    metrics_count_request(x->route, x->status);
}
