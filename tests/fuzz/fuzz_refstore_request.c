/*
 * Fuzzes the reference store's request handling: the parser, the chunked decoder, and for
 * every request that parses, the router, the handlers and the response writer, exactly as a
 * connection would run them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "buf.h"
#include "carts.h"
#include "catalog.h"
#include "exchange.h"
#include "http_parser.h"
#include "ids.h"
#include "orders.h"
#include "ratelimit.h"
#include "router.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void init_once(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    store.loop = EV_DEFAULT;
    store_cfg.webhook_secret = "whsec_cmVmc3RvcmUtd2ViaG9vay10ZXN0LXNlY3JldC0zMmI=";
    store_cfg.intake_secret = "whsec_cmVmc3RvcmUtaW50YWtlLXRlc3Qtc2VjcmV0LTMyYnk=";
    store_cfg.request_timeout = 10;
    ids_init();
    catalog_init(1, 50);
    assets_init();
    carts_init();
    orders_init();
    ratelimit_init(20, 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    /* The parser may move chunked bodies in place, so it works on a copy. */
    char *in = malloc(size ? size : 1);
    memcpy(in, data, size);
    static struct buf out;
    size_t pos = 0;
    while (pos < size) {
        struct http_request req;
        int status;
        struct exchange x;
        int head = http_parse_request(in + pos, size - pos, &req, &status);
        if (head == HTTP_PARSE_INCOMPLETE)
            break;
        buf_reset(&out);
        if (head == HTTP_PARSE_ERROR) {
            exchange_init(&x, &req, LISTENER_HTTP, false, "127.0.0.1");
            router_error(&x, status);
            exchange_finish(&x, &out);
            break;
        }
        size_t used = (size_t)head, avail = size - pos - (size_t)head;
        req.body = in + pos + head;
        if (req.chunked) {
            struct http_chunked st = {0};
            if (http_chunked_decode(in + pos + head, avail, &st, HTTP_MAX_BODY) != 1)
                break;
            req.body_len = st.out;
            used += st.in;
        } else {
            size_t len = req.content_length > 0 ? (size_t)req.content_length : 0;
            if (len > avail)
                break;
            req.body_len = len;
            used += len;
        }
        exchange_init(&x, &req, LISTENER_HTTPS, true, "127.0.0.1");
        router_dispatch(&x);
        exchange_finish(&x, &out);
        pos += used;
    }
    free(in);
    return 0;
}
