/* The handshake scanner's reply parser on any bytes, both as an answer to a TLS hello and to an
 * SSL 2.0 one: it must return a final kind or MORE, never read outside the input, and agree
 * with itself on every prefix (a prefix of a complete answer is never an error it was not). */
#include <stdint.h>
#include <stdlib.h>

#include "probes/tls_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int sslv2 = 0; sslv2 <= 1; sslv2++) {
        struct tls_reply r;
        enum tls_reply_kind k = tls_reply_parse(data, size, sslv2, &r);
        if (k != r.kind || k > TLS_REPLY_MALFORMED)
            abort();
        if (k == TLS_REPLY_HELLO && r.sslv2_nkinds && !sslv2)
            abort();
        char why[128];
        tls_reply_describe(&r, why, sizeof why);
        /* Once final, more bytes do not change the verdict: the reader stops there. */
        if (k != TLS_REPLY_MORE && size > 1) {
            struct tls_reply shorter;
            enum tls_reply_kind ks = tls_reply_parse(data, size - 1, sslv2, &shorter);
            if (ks != TLS_REPLY_MORE && ks != k && k != TLS_REPLY_OVERSIZE)
                abort();
        }
    }
    return 0;
}
