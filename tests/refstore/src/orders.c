#include "orders.h"

#include <cjson/cJSON.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "broken.h"
#include "carts.h"
#include "common/oom.h"
#include "ids.h"
#include "pages.h"
#include "problem.h"
#include "store.h"
#include "webhooks.h"

#define ORDERS_MAX  65536
#define KEY_BUCKETS 16384
#define KEY_LEN_MAX 255

struct order {
    uint32_t seq;  /* 0: free slot */
    uint32_t next; /* next order seq in the same key bucket, 0 ends the chain */
    char *key;     /* Idempotency-Key, NULL when none was sent */
    unsigned char body_hash[SHA256_DIGEST_LENGTH];
    char *json; /* the answer given on creation */
};

static struct order *orders;
static uint32_t key_buckets[KEY_BUCKETS];
static uint32_t last_seq;

void orders_init(void)
{
    orders = xcalloc(ORDERS_MAX, sizeof *orders);
    memset(key_buckets, 0, sizeof key_buckets);
    last_seq = 0;
}

static unsigned key_bucket(const char *key)
{
    unsigned h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % KEY_BUCKETS;
}

static struct order *order_by_seq(uint32_t seq)
{
    struct order *o = &orders[seq % ORDERS_MAX];
    return seq && o->seq == seq ? o : NULL;
}

static void order_release(struct order *o)
{
    if (o->key) {
        /* Unlink from its key chain. */
        uint32_t *link = &key_buckets[key_bucket(o->key)];
        while (*link && *link != o->seq)
            link = &order_by_seq(*link)->next;
        if (*link)
            *link = o->next;
    }
    free(o->key);
    free(o->json);
    memset(o, 0, sizeof *o);
}

void orders_free(void)
{
    for (size_t i = 0; i < ORDERS_MAX; i++)
        if (orders[i].seq) {
            free(orders[i].key);
            free(orders[i].json);
        }
    free(orders);
    orders = NULL;
}

/* The most recent order created with this key. */
static struct order *order_by_key(const char *key)
{
    for (uint32_t s = key_buckets[key_bucket(key)]; s;) {
        struct order *o = order_by_seq(s);
        if (!o)
            break;
        if (strcmp(o->key, key) == 0)
            return o;
        s = o->next;
    }
    return NULL;
}

/* Answers for the orders_down fault; true when it answered. */
static bool orders_fault(struct exchange *x)
{
    if (!store.orders_down)
        return false;
    if (broken(BROKEN_ORDERS_DOWN_HANG)) {
        x->flags |= REPLY_HANG;
    } else if (broken(BROKEN_ORDERS_DOWN_500)) {
        pages_error_trace(x, 500,
                          "OperationalError: could not connect to server: Connection "
                          "refused (orders-db.internal:5432)");
    } else {
        exchange_header(x, "Retry-After", "30");
        problem_reply(x, 503, "Service Unavailable",
                      "orders are temporarily unavailable; the catalog is still up");
    }
    return true;
}

static bool key_ok(const char *k, size_t n)
{
    if (n == 0 || n > KEY_LEN_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] <= 0x20 || (unsigned char)k[i] >= 0x7f)
            return false;
    return true;
}

static void reply_order(struct exchange *x, int status, const struct order *o)
{
    exchange_static(x, status, "application/json", o->json, strlen(o->json));
    exchange_header(x, "Cache-Control", "private, no-store");
}

void orders_checkout(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_CHECKOUT;
    if (orders_fault(x))
        return;
    bool by_cart = broken(BROKEN_IDEMPOTENT_BY_CART);
    bool honour = !broken(BROKEN_NO_IDEMPOTENCY) && !by_cart;
    size_t klen = 0;
    const char *k = exchange_header_in(x, "idempotency-key", &klen);
    if (k && !key_ok(k, klen)) {
        problem_reply(x, 400, "Bad Request", "Idempotency-Key must be 1-255 visible characters");
        return;
    }
    if (!k && honour) {
        problem_reply(x, 400, "Bad Request", "the Idempotency-Key header is required");
        return;
    }
    char key[KEY_LEN_MAX + 1] = "";
    if (k) {
        memcpy(key, k, klen);
        key[klen] = '\0';
    }
    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)x->req->body, x->req->body_len, hash);
    struct order *prev = honour && k ? order_by_key(key) : NULL;
    if (prev) {
        if (memcmp(prev->body_hash, hash, sizeof hash) != 0 &&
            !broken(BROKEN_IDEMPOTENCY_NO_CONFLICT)) {
            problem_reply(x, 422, "Unprocessable Content",
                          "this Idempotency-Key was used with a different request body");
            return;
        }
        reply_order(x, 201, prev);
        exchange_header(x, "Idempotent-Replayed", "true");
        return;
    }

    cJSON *body = cJSON_ParseWithLength(x->req->body, x->req->body_len);
    cJSON *cart_id = cJSON_GetObjectItemCaseSensitive(body, "cart_id");
    struct cart *cart = NULL;
    bool have_id = cJSON_IsString(cart_id);
    if (have_id)
        cart = carts_find(cart_id->valuestring, strlen(cart_id->valuestring));
    cJSON_Delete(body);
    if (!have_id) {
        problem_reply(x, 422, "Unprocessable Content", "expected {\"cart_id\": \"c_...\"}");
        return;
    }
    if (!cart) {
        problem_reply(x, 404, "Not Found", "no cart with this id");
        return;
    }
    const struct order *made = by_cart ? order_by_seq(cart->order_seq) : NULL;
    if (made) {
        reply_order(x, 200, made);
        return;
    }

    if (++last_seq == 0)
        last_seq = 1;
    struct order *o = &orders[last_seq % ORDERS_MAX];
    if (o->seq)
        order_release(o);
    o->seq = last_seq;
    memcpy(o->body_hash, hash, sizeof hash);
    char id[IDS_LEN];
    ids_make('o', o->seq, id);
    struct buf json = {0};
    buf_printf(&json, "{\"id\":\"%s\",\"cart_id\":\"%s\",\"status\":\"created\",\"items\":", id,
               cart->id);
    carts_items_json(cart, &json);
    buf_printf(&json, ",\"total_cents\":%lu,\"currency\":\"EUR\"", carts_total_cents(cart));
    if (k) {
        buf_puts(&json, ",\"idempotency_key\":\"");
        buf_json_str(&json, key, klen);
        buf_puts(&json, "\"");
    }
    buf_append(&json, "}", 2); /* with the terminating NUL */
    o->json = json.data;
    if (by_cart)
        cart->order_seq = o->seq;
    if (k) {
        o->key = xstrdup(key);
        unsigned b = key_bucket(key);
        o->next = key_buckets[b];
        key_buckets[b] = o->seq;
    }
    metrics_count_order();
    store.last_order_us = store_wall_us();
    reply_order(x, 201, o);
    exchange_headerf(x, "Location", "/api/v1/orders/%s", id);
    webhooks_emit("order.created", o->json, strlen(o->json));
}

void orders_get(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_ORDERS;
    if (orders_fault(x))
        return;
    uint32_t seq;
    struct order *o = ids_parse('o', param, plen, &seq) ? order_by_seq(seq) : NULL;
    if (!o) {
        problem_reply(x, 404, "Not Found", "no order with this id");
        return;
    }
    reply_order(x, 200, o);
}

void orders_list(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_ORDERS;
    if (orders_fault(x))
        return;
    char key[KEY_LEN_MAX + 1];
    if (!exchange_query(x, "idempotency_key", key, sizeof key) || !key[0]) {
        problem_reply(x, 400, "Bad Request", "the idempotency_key query parameter is required");
        return;
    }
    struct buf *b = exchange_body(x, 200, "application/json");
    buf_puts(b, "{\"items\":[");
    unsigned count = 0;
    /* Every order with the key, oldest first: with no-idempotency there can be many. */
    uint32_t first = last_seq > ORDERS_MAX ? last_seq - ORDERS_MAX + 1 : 1;
    for (uint32_t s = first; s && s <= last_seq; s++) {
        struct order *o = order_by_seq(s);
        if (o && o->key && strcmp(o->key, key) == 0) {
            buf_puts(b, count++ ? "," : "");
            buf_puts(b, o->json);
        }
    }
    buf_printf(b, "],\"count\":%u}", count);
    exchange_header(x, "Cache-Control", "private, no-store");
}
