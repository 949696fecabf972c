/* Fuzz the response parser: the first byte chooses HEAD or not and the piece size, the rest is
 * a byte stream fed in pieces as a connection would, restarting after each response. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen/http_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int no_body = data[0] & 1;
    size_t piece = (size_t)(data[0] >> 1) + 1;
    data++;
    size--;
    struct http_parser p;
    http_parser_init(&p, 4096);
    http_parser_begin(&p, no_body);
    size_t off = 0;
    while (off < size) {
        size_t n = size - off < piece ? size - off : piece;
        /* A copy of exactly n bytes, so a read past the piece is caught. */
        char *buf = malloc(n);
        memcpy(buf, data + off, n);
        size_t at = 0;
        int stop = 0;
        while (at < n) {
            size_t used = 0;
            enum http_result r = http_parser_feed(&p, buf + at, n - at, &used);
            if (used > n - at)
                abort();
            at += used;
            if (r == HTTP_ERROR) {
                if (!p.error)
                    abort();
                stop = 1;
                break;
            }
            if (r == HTTP_AGAIN) {
                if (at != n)
                    abort();
                break;
            }
            if (p.status < 100 || p.status > 599)
                abort();
            http_parser_begin(&p, no_body);
        }
        free(buf);
        if (stop)
            return 0;
        off += n;
    }
    http_parser_eof(&p);
    return 0;
}
