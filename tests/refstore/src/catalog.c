#include "catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common/oom.h"
#include "gzip.h"

static struct product *products;
static unsigned num_products;

static const char *const adjectives[] = {
    "Sturdy", "Classic", "Modern", "Rustic",  "Compact", "Deluxe", "Vintage", "Sleek",
    "Cozy",   "Bold",    "Gentle", "Bright",  "Quiet",   "Swift",  "Handy",   "Royal",
    "Smart",  "Urban",   "Alpine", "Coastal", "Golden",  "Silver", "Crimson", "Azure",
};
static const char *const materials[] = {
    "Oak",     "Steel", "Linen",  "Wool",   "Bamboo", "Leather",
    "Ceramic", "Glass", "Cotton", "Copper", "Walnut", "Marble",
};
static const char *const nouns[] = {
    "Lamp",  "Chair",  "Mug",    "Backpack", "Blanket", "Kettle", "Notebook", "Watch",
    "Table", "Vase",   "Jacket", "Bottle",   "Pillow",  "Shelf",  "Clock",    "Scarf",
    "Bowl",  "Wallet", "Candle", "Basket",   "Rug",     "Teapot", "Stool",    "Mirror",
};

#define COUNT(a) (sizeof a / sizeof a[0])

/* xorshift64*: small, fast and the same on every platform. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

void catalog_init(uint64_t seed, unsigned count)
{
    uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
    products = xcalloc(count ? count : 1, sizeof *products);
    num_products = count;
    struct buf json = {0}, gz = {0};
    for (unsigned i = 0; i < count; i++) {
        struct product *p = &products[i];
        p->id = i + 1;
        snprintf(p->sku, sizeof p->sku, "SKU-%05u", p->id);
        snprintf(p->name, sizeof p->name, "%s %s %s",
                 adjectives[next_random(&state) % COUNT(adjectives)],
                 materials[next_random(&state) % COUNT(materials)],
                 nouns[next_random(&state) % COUNT(nouns)]);
        for (size_t k = 0; p->name[k]; k++)
            p->lower[k] = (char)tolower((unsigned char)p->name[k]);
        p->price_cents = 199 + (unsigned)(next_random(&state) % 50000);
        p->stock = (unsigned)(next_random(&state) % 250);
        buf_reset(&json);
        buf_printf(&json,
                   "{\"id\":%u,\"sku\":\"%s\",\"name\":\"%s\",\"price_cents\":%u,"
                   "\"currency\":\"EUR\",\"stock\":%u}",
                   p->id, p->sku, p->name, p->price_cents, p->stock);
        p->json = xmalloc(json.len);
        memcpy(p->json, json.data, json.len);
        p->json_len = json.len;
        buf_reset(&gz);
        gzip_compress(json.data, json.len, &gz);
        p->json_gz = xmalloc(gz.len);
        memcpy(p->json_gz, gz.data, gz.len);
        p->json_gz_len = gz.len;
        snprintf(p->etag, sizeof p->etag, "\"p%u-%08x\"", p->id, fnv1a(json.data, json.len));
    }
    buf_free(&json);
    buf_free(&gz);
}

void catalog_free(void)
{
    for (unsigned i = 0; i < num_products; i++) {
        free(products[i].json);
        free(products[i].json_gz);
    }
    free(products);
    products = NULL;
    num_products = 0;
}

unsigned catalog_count(void)
{
    return num_products;
}

const struct product *catalog_get(unsigned long id)
{
    return id >= 1 && id <= num_products ? &products[id - 1] : NULL;
}

const struct product *catalog_lookup(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return NULL;
    unsigned long id = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NULL;
        id = id * 10 + (unsigned long)(s[i] - '0');
    }
    return catalog_get(id);
}
