#include "carts.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "headless.h"
#include "common/oom.h"
#include "ids.h"
#include "problem.h"
#include "session.h"
#include "store.h"

#define CARTS_MAX 65536

static struct cart *carts;
static uint32_t last_seq;

void carts_init(void)
{
    carts = xcalloc(CARTS_MAX, sizeof *carts);
    last_seq = 0;
}

void carts_free(void)
{
    free(carts);
    carts = NULL;
}

struct cart *carts_find(const char *id, size_t n)
{
    uint32_t seq;
    if (!ids_parse('c', id, n, &seq) || seq == 0)
        return NULL;
    struct cart *c = &carts[seq % CARTS_MAX];
    return c->seq == seq ? c : NULL;
}

unsigned long carts_total_cents(const struct cart *c)
{
    unsigned long total = 0;
    for (unsigned i = 0; i < c->num_lines; i++)
        total += (unsigned long)c->lines[i].quantity * c->lines[i].price_cents;
    return total;
}

void carts_items_json(const struct cart *c, struct buf *b)
{
    buf_puts(b, "[");
    for (unsigned i = 0; i < c->num_lines; i++)
        buf_printf(b, "%s{\"product_id\":%u,\"quantity\":%u,\"price_cents\":%u}", i ? "," : "",
                   c->lines[i].product_id, c->lines[i].quantity, c->lines[i].price_cents);
    buf_puts(b, "]");
}

static void cart_reply(struct exchange *x, int status, const struct cart *c)
{
    struct buf *b = exchange_body(x, status, "application/json");
    buf_printf(b, "{\"id\":\"%s\",\"items\":", c->id);
    carts_items_json(c, b);
    buf_printf(b, ",\"total_cents\":%lu,\"currency\":\"EUR\"}", carts_total_cents(c));
    session_private(x);
}

void carts_create(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_CARTS;
    char owner[IDS_RANDOM_LEN] = "";
    if (store_cfg.headless && (!headless_require_token(x, owner) || !headless_require_json(x)))
        return;
    if (++last_seq == 0)
        last_seq = 1;
    struct cart *c = &carts[last_seq % CARTS_MAX];
    c->seq = last_seq;
    c->num_lines = 0;
    memcpy(c->owner, owner, sizeof owner);
    ids_make('c', last_seq, c->id);
    cart_reply(x, 201, c);
    exchange_headerf(x, "Location", "/api/v1/carts/%s", c->id);
    if (!store_cfg.headless)
        session_set_cookie(x, "cart", c->id);
}

/* The cart of the request; under --headless only for the token that made it. NULL after
 * answering 401 or 404. */
static struct cart *cart_of(struct exchange *x, const char *param, size_t plen)
{
    char token[IDS_RANDOM_LEN] = "";
    if (store_cfg.headless && !headless_require_token(x, token))
        return NULL;
    struct cart *c = carts_find(param, plen);
    if (!c || strcmp(c->owner, token) != 0) {
        problem_reply(x, 404, "Not Found", "no cart with this id");
        return NULL;
    }
    return c;
}

void carts_get(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_CARTS;
    struct cart *c = cart_of(x, param, plen);
    if (!c)
        return;
    cart_reply(x, 200, c);
}

void carts_add_item(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_CARTS;
    struct cart *c = cart_of(x, param, plen);
    if (!c)
        return;
    cJSON *body = cJSON_ParseWithLength(x->req->body, x->req->body_len);
    cJSON *pid = cJSON_GetObjectItemCaseSensitive(body, "product_id");
    cJSON *qty = cJSON_GetObjectItemCaseSensitive(body, "quantity");
    const struct product *p = NULL;
    double q = 0;
    if (cJSON_IsNumber(pid) && pid->valuedouble >= 1 && pid->valuedouble <= 1e9)
        p = catalog_get((unsigned long)pid->valuedouble);
    if (cJSON_IsNumber(qty))
        q = qty->valuedouble;
    cJSON_Delete(body);
    if (!p || q < 1 || q > 99 || q != (unsigned)q) {
        problem_reply(x, 422, "Unprocessable Content",
                      "expected {\"product_id\": an existing product, \"quantity\": 1..99}");
        return;
    }
    unsigned i = 0;
    while (i < c->num_lines && c->lines[i].product_id != p->id)
        i++;
    if (i == c->num_lines) {
        if (c->num_lines == CART_LINES_MAX) {
            problem_reply(x, 422, "Unprocessable Content", "the cart is full");
            return;
        }
        c->lines[c->num_lines++] = (struct cart_line){p->id, 0, p->price_cents};
    }
    if (c->lines[i].quantity + (unsigned)q > 99) {
        problem_reply(x, 422, "Unprocessable Content", "at most 99 of one product");
        return;
    }
    c->lines[i].quantity += (unsigned)q;
    cart_reply(x, 200, c);
}
