#include "login.h"

#include <cjson/cJSON.h>

#include "broken.h"
#include "ids.h"
#include "problem.h"
#include "ratelimit.h"
#include "store.h"

void login_post(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_LOGIN;
    if (!broken(BROKEN_NO_RATE_LIMIT)) {
        struct ratelimit_verdict v;
        ratelimit_take(x->peer, ev_now(store.loop), &v);
        if (!v.allowed && broken(BROKEN_RATE_LIMIT_500)) {
            problem_reply(x, 500, "Internal Server Error", "login backend overloaded");
            return;
        }
        exchange_headerf(x, "RateLimit-Limit", "%u", v.limit);
        exchange_headerf(x, "RateLimit-Remaining", "%u", v.remaining);
        exchange_headerf(x, "RateLimit-Reset", "%u", v.reset_s);
        if (!v.allowed) {
            exchange_headerf(x, "Retry-After", "%u", v.retry_after_s);
            problem_reply(x, 429, "Too Many Requests", "too many login attempts; slow down");
            return;
        }
    }
    cJSON *body = cJSON_ParseWithLength(x->req->body, x->req->body_len);
    bool ok = body != NULL;
    cJSON_Delete(body);
    if (!ok) {
        problem_reply(x, 422, "Unprocessable Content", "expected a JSON body");
        return;
    }
    char token[33];
    ids_random(token);
    struct buf *b = exchange_body(x, 200, "application/json");
    buf_printf(b, "{\"token\":\"t_%s\"}", token);
    exchange_header(x, "Cache-Control", "no-store");
}
