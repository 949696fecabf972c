#include "loadgen/http_parser.h"

#include <string.h>

enum state {
    S_STATUS = HTTP_STATE_STATUS, /* collecting "HTTP/1.x NNN" */
    S_REASON,                     /* the rest of the status line */
    S_LINE_START,                 /* first byte of a header line, or the empty line */
    S_NAME,
    S_VALUE_WS,
    S_VALUE,      /* a tracked header's value */
    S_SKIP_VALUE, /* an untracked header's value */
    S_HEAD_LF,    /* CR of the empty line seen */
    S_BODY_CL,
    S_BODY_EOF,
    S_CHUNK_SIZE,
    S_CHUNK_EXT,
    S_CHUNK_SIZE_LF,
    S_CHUNK_DATA,
    S_CHUNK_DATA_CR,
    S_CHUNK_DATA_LF,
    S_TRAILER_START,
    S_TRAILER_LINE,
    S_TRAILER_LF,
    S_DONE,
};

enum header { H_OTHER, H_CONTENT_LENGTH, H_TRANSFER_ENCODING, H_CONNECTION };

enum { STATUS_PREFIX = 12, /* "HTTP/1.1 200" */ CHUNK_LINE_MAX = 4096 };

/* RFC 9110 tchar, for header names. */
static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,  ['~'] = 1, ['0'] = 1,
    ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,  ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,  ['N'] = 1, ['O'] = 1,
    ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1, ['W'] = 1,
    ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,  ['d'] = 1, ['e'] = 1,
    ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1,  ['l'] = 1, ['m'] = 1,
    ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,  ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void http_parser_init(struct http_parser *p, size_t head_limit)
{
    memset(p, 0, sizeof *p);
    p->head_limit = head_limit;
    p->state = S_DONE;
}

static void begin_head(struct http_parser *p)
{
    p->state = S_STATUS;
    p->status = 0;
    p->keep_alive = 0;
    p->header = H_OTHER;
    p->chunked = p->has_cl = p->te_other = p->conn_close = p->conn_keep = 0;
    p->content_length = p->remaining = 0;
    p->head_bytes = p->line_bytes = 0;
    p->keep_len = 0;
}

void http_parser_begin(struct http_parser *p, int no_body)
{
    begin_head(p);
    p->no_body = no_body;
    p->interim = 0;
    p->body_bytes = 0;
    p->error = NULL;
}

static enum http_result fail(struct http_parser *p, const char *why)
{
    p->error = why;
    return HTTP_ERROR;
}

/* "HTTP/1.x NNN" is complete in keep. */
static int status_line_ok(struct http_parser *p)
{
    const char *s = p->keep;
    if (memcmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ')
        return 0;
    int code = 0;
    for (int i = 9; i < 12; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        code = code * 10 + (s[i] - '0');
    }
    if (code < 100 || code > 599)
        return 0;
    p->minor = s[7] - '0';
    p->status = code;
    return 1;
}

static int token_in(const char *v, size_t len, const char *tok)
{
    size_t tl = strlen(tok);
    for (size_t i = 0; i + tl <= len; i++) {
        if (memcmp(v + i, tok, tl) != 0)
            continue;
        int start_ok = i == 0 || v[i - 1] == ',' || v[i - 1] == ' ' || v[i - 1] == '\t';
        size_t e = i + tl;
        int end_ok = e == len || v[e] == ',' || v[e] == ' ' || v[e] == '\t';
        if (start_ok && end_ok)
            return 1;
    }
    return 0;
}

/* A tracked header's value is complete in keep (lowercased, leading blanks skipped). */
static enum http_result end_value(struct http_parser *p)
{
    size_t n = p->keep_len;
    while (n && (p->keep[n - 1] == ' ' || p->keep[n - 1] == '\t'))
        n--;
    const char *v = p->keep;
    switch (p->header) {
    case H_CONTENT_LENGTH: {
        if (n == 0 || n > 18)
            return fail(p, "bad Content-Length");
        uint64_t cl = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return fail(p, "bad Content-Length");
            cl = cl * 10 + (uint64_t)(v[i] - '0');
        }
        if (p->has_cl && cl != p->content_length)
            return fail(p, "conflicting Content-Length headers");
        p->has_cl = 1;
        p->content_length = cl;
        break;
    }
    case H_TRANSFER_ENCODING: {
        /* Only the last coding matters: chunked must be last. */
        size_t s = n;
        while (s && v[s - 1] != ',' && v[s - 1] != ' ' && v[s - 1] != '\t')
            s--;
        p->chunked = n - s == 7 && memcmp(v + s, "chunked", 7) == 0;
        p->te_other = !p->chunked;
        break;
    }
    case H_CONNECTION:
        if (token_in(v, n, "close"))
            p->conn_close = 1;
        if (token_in(v, n, "keep-alive"))
            p->conn_keep = 1;
        break;
    }
    return HTTP_AGAIN;
}

/* raw: the name as received. Only names of a tracked length are lowercased. */
static int classify_name(const char *raw, size_t len)
{
    if (len != 14 && len != 17 && len != 10)
        return H_OTHER;
    char n[17];
    for (size_t i = 0; i < len; i++)
        n[i] = (char)lower((unsigned char)raw[i]);
    if (len == 14 && memcmp(n, "content-length", 14) == 0)
        return H_CONTENT_LENGTH;
    if (len == 17 && memcmp(n, "transfer-encoding", 17) == 0)
        return H_TRANSFER_ENCODING;
    if (len == 10 && memcmp(n, "connection", 10) == 0)
        return H_CONNECTION;
    return H_OTHER;
}

/* The empty line after the headers: decide how the body is delimited. Returns HTTP_DONE when
 * the response has no body, HTTP_AGAIN to go on reading (a body or the final response after
 * a 1xx). */
static enum http_result end_head(struct http_parser *p)
{
    p->keep_alive = p->minor == 1 ? !p->conn_close : p->conn_keep && !p->conn_close;
    if (p->status < 200 && p->status != 101) {
        p->interim++;
        begin_head(p);
        return HTTP_AGAIN;
    }
    if (p->status == 101) { /* the connection now speaks another protocol */
        p->keep_alive = 0;
        p->state = S_DONE;
        return HTTP_DONE;
    }
    if (p->chunked && p->has_cl)
        return fail(p, "both Content-Length and Transfer-Encoding");
    if (p->no_body || p->status == 204 || p->status == 304) {
        p->state = S_DONE;
        return HTTP_DONE;
    }
    if (p->chunked) {
        p->state = S_CHUNK_SIZE;
        p->remaining = 0;
        p->line_bytes = 0;
        p->keep_len = 0; /* counts hex digits */
    } else if (p->has_cl && !p->te_other) {
        if (p->content_length == 0) {
            p->state = S_DONE;
            return HTTP_DONE;
        }
        p->remaining = p->content_length;
        p->state = S_BODY_CL;
    } else {
        p->keep_alive = 0;
        p->state = S_BODY_EOF;
    }
    return HTTP_AGAIN;
}

/* Consume up to avail bytes of the body still owed (Content-Length or the current chunk);
 * returns how many. */
static inline size_t take_body(struct http_parser *p, size_t avail)
{
    size_t n = avail < p->remaining ? avail : (size_t)p->remaining;
    p->remaining -= n;
    p->body_bytes += n;
    return n;
}

/* The bytes of bytes[0..n) up to and including the first LF, or all of them when there is
 * none; *lf says whether the LF was found. */
static inline size_t through_lf(const char *bytes, size_t n, int *lf)
{
    const char *end = memchr(bytes, '\n', n);
    *lf = end != NULL;
    return end ? (size_t)(end - bytes) + 1 : n;
}

/* A byte no header line may hold: a control character other than HTAB, or DEL. CR passes:
 * it ends a line, and a tracked value drops the one before its LF. */
static inline int line_ctl(unsigned char ch)
{
    return (ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f;
}

/* Whether any of the 8 bytes in x is below 0x20 or is DEL: the bytes a line must look at one
 * by one (LF, CR, HTAB and the forbidden controls). The usual header value has none until its
 * CR LF, so a line is scanned a word at a time. */
static inline int word_has_ctl(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t below_space = (x - 0x20 * ones) & ~x;
    uint64_t del = x ^ (0x7f * ones);
    uint64_t is_del = (del - ones) & ~del;
    return ((below_space | is_del) & highs) != 0;
}

/* Like through_lf for a line of the head or a trailer: stops early with *ctl set at a
 * control character. */
static inline size_t line_through_lf(const char *bytes, size_t n, int *lf, int *ctl)
{
    *lf = *ctl = 0;
    size_t k = 0;
    for (uint64_t x; k + 8 <= n; k += 8) {
        memcpy(&x, bytes + k, 8);
        if (word_has_ctl(x))
            break;
    }
    for (; k < n; k++) {
        unsigned char ch = (unsigned char)bytes[k];
        if (ch == '\n') {
            *lf = 1;
            return k + 1;
        }
        if (line_ctl(ch)) {
            *ctl = 1;
            return k;
        }
    }
    return n;
}

enum http_result http_parser_feed(struct http_parser *p, const char *data, size_t len,
                                  size_t *consumed)
{
    size_t i = 0;
    enum http_result r;
#define HEAD_BYTES(n)                                                                              \
    do {                                                                                           \
        p->head_bytes += (n);                                                                      \
        if (p->head_bytes > p->head_limit)                                                         \
            return fail(p, "response head too large");                                             \
    } while (0)

    /* The head's states follow one another by direct jumps rather than through the switch,
     * whose indirect branch mispredicts on almost every change of state. */
#define NEXT_IN(st, label)                                                                         \
    do {                                                                                           \
        if (p->state == (st) && i < len) {                                                         \
            c = (unsigned char)data[i];                                                            \
            goto label;                                                                            \
        }                                                                                          \
    } while (0)

    while (i < len) {
        unsigned char c = (unsigned char)data[i];
        switch (p->state) {
        case S_STATUS: {
            size_t n = STATUS_PREFIX - p->keep_len;
            if (n > len - i)
                n = len - i;
            HEAD_BYTES(n);
            memcpy(p->keep + p->keep_len, data + i, n);
            p->keep_len += n;
            i += n;
            if (memcmp(p->keep, "HTTP/", p->keep_len < 5 ? p->keep_len : 5) != 0)
                return fail(p, "bad status line");
            if (p->keep_len == STATUS_PREFIX) {
                if (!status_line_ok(p))
                    return fail(p, "bad status line");
                p->state = S_REASON;
            }
            break;
        }
        case S_REASON:       /* the reason phrase means nothing to a client */
        case S_SKIP_VALUE:   /* the value of a header the parser does not track */
        case S_TRAILER_LINE: /* a trailer field */
        skip_line: {
            int lf, ctl;
            size_t n = line_through_lf(data + i, len - i, &lf, &ctl);
            if (ctl)
                return fail(p, "control character in header line");
            HEAD_BYTES(n);
            i += n;
            if (lf) {
                p->state = p->state == S_TRAILER_LINE ? S_TRAILER_START : S_LINE_START;
                NEXT_IN(S_LINE_START, line_start);
            }
            break;
        }
        case S_LINE_START:
        line_start:
            HEAD_BYTES(1);
            i++;
            if (c == '\r') {
                p->state = S_HEAD_LF;
            } else if (c == '\n') {
                if ((r = end_head(p)) != HTTP_AGAIN)
                    goto out;
            } else if (c == ' ' || c == '\t') {
                return fail(p, "obsolete header line folding");
            } else if (tchar[c]) {
                p->keep[0] = (char)c;
                p->keep_len = 1;
                p->line_bytes = 1;
                p->state = S_NAME;
                NEXT_IN(S_NAME, name);
            } else {
                return fail(p, "bad header name");
            }
            break;
        case S_HEAD_LF:
            HEAD_BYTES(1);
            i++;
            if (c != '\n')
                return fail(p, "bad end of headers");
            if ((r = end_head(p)) != HTTP_AGAIN)
                goto out;
            break;
        case S_NAME:
        name: {
            /* The name in one tight loop; only its first bytes are kept, as received. */
            size_t j = i;
            while (j < len && tchar[(unsigned char)data[j]])
                j++;
            size_t room = HTTP_NAME_KEEP + 1 - p->keep_len, take = j - i < room ? j - i : room;
            memcpy(p->keep + p->keep_len, data + i, take);
            p->keep_len += take;
            HEAD_BYTES(j - i);
            i = j;
            if (i == len)
                break;
            if (data[i] != ':')
                return fail(p, "bad header name");
            HEAD_BYTES(1);
            i++;
            p->header =
                p->keep_len <= HTTP_NAME_KEEP ? classify_name(p->keep, p->keep_len) : H_OTHER;
            p->keep_len = 0;
            p->state = S_VALUE_WS;
            NEXT_IN(S_VALUE_WS, value_ws);
            break;
        }
        case S_VALUE_WS:
        value_ws:
            if (c == ' ' || c == '\t') {
                HEAD_BYTES(1);
                i++;
                NEXT_IN(S_VALUE_WS, value_ws);
                break;
            }
            if (p->header == H_OTHER) {
                p->state = S_SKIP_VALUE;
                goto skip_line;
            }
            p->state = S_VALUE;
            goto value;
        case S_VALUE:
        value: {
            /* A tracked header's value, up to its LF. */
            size_t j = i;
            for (; j < len && data[j] != '\n'; j++) {
                unsigned char ch = (unsigned char)data[j];
                if (line_ctl(ch))
                    return fail(p, "control character in header line");
                if (p->keep_len < sizeof p->keep)
                    p->keep[p->keep_len++] = (char)lower(ch);
                else if (p->header != H_CONNECTION)
                    return fail(p, "header value too long");
            }
            HEAD_BYTES(j - i);
            i = j;
            if (i == len)
                break;
            HEAD_BYTES(1);
            i++;
            if (p->keep_len && p->keep[p->keep_len - 1] == '\r')
                p->keep_len--;
            if (end_value(p) == HTTP_ERROR)
                return HTTP_ERROR;
            p->state = S_LINE_START;
            NEXT_IN(S_LINE_START, line_start);
            break;
        }
        case S_BODY_CL: {
            i += take_body(p, len - i);
            if (p->remaining == 0) {
                p->state = S_DONE;
                r = HTTP_DONE;
                goto out;
            }
            break;
        }
        case S_BODY_EOF:
            p->body_bytes += len - i;
            i = len;
            break;
        case S_CHUNK_SIZE: {
            int h = hexval(c);
            if (++p->line_bytes > CHUNK_LINE_MAX)
                return fail(p, "chunk size line too long");
            i++;
            if (h >= 0) {
                if (++p->keep_len > 15) /* 60 bits of size is far beyond any real chunk */
                    return fail(p, "chunk size too large");
                p->remaining = p->remaining * 16 + (uint64_t)h;
                break;
            }
            if (p->keep_len == 0)
                return fail(p, "bad chunk size");
            if (c == '\r')
                p->state = S_CHUNK_SIZE_LF;
            else if (c == '\n')
                goto chunk_size_done;
            else if (c == ';' || c == ' ' || c == '\t')
                p->state = S_CHUNK_EXT;
            else
                return fail(p, "bad chunk size");
            break;
        }
        case S_CHUNK_EXT: {
            int lf;
            size_t n = through_lf(data + i, len - i, &lf);
            p->line_bytes += n;
            if (p->line_bytes > CHUNK_LINE_MAX)
                return fail(p, "chunk extension too long");
            i += n;
            if (lf)
                goto chunk_size_done;
            break;
        }
        case S_CHUNK_SIZE_LF:
            i++;
            if (c != '\n')
                return fail(p, "bad chunk size line");
        chunk_size_done:
            p->line_bytes = 0;
            if (p->remaining == 0) {
                p->state = S_TRAILER_START;
                p->head_bytes = 0; /* trailers get the head's budget */
            } else {
                p->state = S_CHUNK_DATA;
            }
            break;
        case S_CHUNK_DATA: {
            i += take_body(p, len - i);
            if (p->remaining == 0)
                p->state = S_CHUNK_DATA_CR;
            break;
        }
        case S_CHUNK_DATA_CR:
            i++;
            if (c == '\r') {
                p->state = S_CHUNK_DATA_LF;
                break;
            }
            if (c != '\n')
                return fail(p, "chunk data longer than its size");
            p->state = S_CHUNK_SIZE;
            p->keep_len = 0;
            break;
        case S_CHUNK_DATA_LF:
            i++;
            if (c != '\n')
                return fail(p, "chunk data longer than its size");
            p->state = S_CHUNK_SIZE;
            p->keep_len = 0;
            break;
        case S_TRAILER_START:
            HEAD_BYTES(1);
            i++;
            if (c == '\r') {
                p->state = S_TRAILER_LF;
            } else if (c == '\n') {
                p->state = S_DONE;
                r = HTTP_DONE;
                goto out;
            } else {
                p->state = S_TRAILER_LINE;
            }
            break;
        case S_TRAILER_LF:
            i++;
            if (c != '\n')
                return fail(p, "bad end of trailers");
            p->state = S_DONE;
            r = HTTP_DONE;
            goto out;
        default: /* S_DONE: bytes without a request, or after the response */
            return fail(p, "data after the response");
        }
    }
    *consumed = i;
    return HTTP_AGAIN;
out:
    *consumed = i;
    return r;
#undef NEXT_IN
#undef HEAD_BYTES
}

enum http_result http_parser_eof(struct http_parser *p)
{
    if (p->state == S_BODY_EOF) {
        p->state = S_DONE;
        return HTTP_DONE;
    }
    return fail(p, "connection closed before the response ended");
}
