/* The vulnerability probes' parsers on any bytes: the server's flight through ServerHelloDone
 * (ServerKeyExchange's DH prime and curve included) and the record after it (heartbeat, alert).
 * Each must return a final kind or MORE, never read outside the input, and keep a final verdict
 * when more bytes follow (the reader stops there). */
#include <stdint.h>
#include <stdlib.h>

#include "probes/tls_flight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tls_flight f;
    enum tls_reply_kind k = tls_flight_parse(data, size, &f);
    if (k != f.kind || k > TLS_REPLY_MALFORMED || f.used > size || f.leaf_len > sizeof f.leaf)
        abort();
    if (k == TLS_REPLY_HELLO && (f.hello.kind != TLS_REPLY_HELLO || f.dh_bits > 8 * size))
        abort();
    char why[160];
    tls_flight_describe(&f, why, sizeof why);
    if (k == TLS_REPLY_HELLO) {
        struct tls_flight again;
        if (tls_flight_parse(data, f.used, &again) != TLS_REPLY_HELLO || again.used != f.used)
            abort();
    }
    struct tls_after a;
    enum tls_after_kind ak = tls_after_parse(data, size, &a);
    if (ak != a.kind || ak > TLS_AFTER_OVERSIZE)
        abort();
    tls_after_describe(&a, why, sizeof why);
    if (ak != TLS_AFTER_MORE && size > 1) {
        struct tls_after shorter;
        enum tls_after_kind ks = tls_after_parse(data, size - 1, &shorter);
        if (ks != TLS_AFTER_MORE && ks != ak)
            abort();
    }
    return 0;
}
