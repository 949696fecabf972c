#include "headless.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/oom.h"
#include "problem.h"
#include "session.h"
#include "store.h"

/* Tokens handed out, in a ring: the oldest is forgotten when it is full. */
#define TOKENS_MAX 4096

static char (*tokens)[IDS_RANDOM_LEN];
static unsigned next_token;

void headless_init(void)
{
    tokens = xcalloc(TOKENS_MAX, sizeof *tokens);
    next_token = 0;
}

void headless_free(void)
{
    free(tokens);
    tokens = NULL;
}

void headless_session(struct exchange *x, const char *param, size_t plen)
{
    (void)param;
    (void)plen;
    x->route = ROUTE_CARTS;
    if (!store_cfg.headless) {
        problem_reply(x, 404, "Not Found", "no such API path");
        return;
    }
    char *token = tokens[next_token++ % TOKENS_MAX];
    ids_random(token);
    char sid[IDS_RANDOM_LEN];
    ids_random(sid);
    struct buf *b = exchange_body(x, 201, "application/json");
    buf_printf(b, "{\"token\":\"%s\"}", token);
    exchange_header(x, "Cache-Control", "no-store");
    session_set_cookie(x, "sid", sid);
}

bool headless_require_token(struct exchange *x, char token[IDS_RANDOM_LEN])
{
    size_t n = 0;
    const char *v = exchange_header_in(x, "x-session-token", &n);
    for (unsigned i = 0; v && n == IDS_RANDOM_LEN - 1 && i < TOKENS_MAX; i++) {
        if (tokens[i][0] && memcmp(tokens[i], v, n) == 0) {
            memcpy(token, v, n);
            token[n] = '\0';
            return true;
        }
    }
    problem_reply(x, 401, "Unauthorized",
                  "a session token is required: POST /api/v1/session, then send its token as "
                  "X-Session-Token");
    return false;
}

bool headless_require_json(struct exchange *x)
{
    size_t n = 0;
    const char *ct = exchange_header_in(x, "content-type", &n);
    if (!ct || n < 16 || strncasecmp(ct, "application/json", 16) != 0) {
        problem_reply(x, 415, "Unsupported Media Type", "send the cart as application/json");
        return false;
    }
    cJSON *body = cJSON_ParseWithLength(x->req->body, x->req->body_len);
    bool ok = cJSON_IsObject(body);
    cJSON_Delete(body);
    if (!ok)
        problem_reply(x, 400, "Bad Request", "expected a JSON object");
    return ok;
}
