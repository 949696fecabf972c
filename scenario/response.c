#include "scenario/response.h"

#include <string.h>
#include <strings.h>

#include "scenario/extract.h"

/* The end of the head (after its blank line), or NULL. */
static char *head_end(char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return buf + i + 2;
        if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
            return buf + i + 3;
    }
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode chunked framing in place; returns the decoded length (what arrived of it). */
static size_t dechunk(char *b, size_t len)
{
    size_t in = 0, out = 0;
    while (in < len) {
        size_t size = 0;
        int digits = 0, h;
        while (in < len && (h = hexval(b[in])) >= 0 && digits < 15) {
            size = size * 16 + (size_t)h;
            in++;
            digits++;
        }
        char *nl = memchr(b + in, '\n', len - in);
        if (!digits || !nl || size == 0)
            break;
        in = (size_t)(nl - b) + 1;
        size_t n = size < len - in ? size : len - in;
        memmove(b + out, b + in, n);
        out += n;
        in += n;
        if (in < len && b[in] == '\r')
            in++;
        if (in < len && b[in] == '\n')
            in++;
    }
    return out;
}

static int is_chunked(const char *head, size_t len)
{
    const char *v;
    size_t vl;
    if (extract_header(head, len, "Transfer-Encoding", &v, &vl))
        return 0;
    return vl >= 7 && strncasecmp(v + vl - 7, "chunked", 7) == 0;
}

void response_view(char *buf, size_t len, struct response_view *out)
{
    char *end = head_end(buf, len);
    /* Skip interim responses: "HTTP/1.x 1xx". */
    while (end && len >= 12 && buf[9] == '1' && (size_t)(end - buf) < len) {
        len -= (size_t)(end - buf);
        buf = end;
        end = head_end(buf, len);
    }
    out->head = buf;
    if (!end) {
        out->head_len = len;
        out->body = buf + len;
        out->body_len = 0;
        return;
    }
    out->head_len = (size_t)(end - buf);
    out->body = end;
    out->body_len = len - out->head_len;
    if (is_chunked(out->head, out->head_len))
        out->body_len = dechunk(end, out->body_len);
}
