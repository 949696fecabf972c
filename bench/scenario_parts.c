/*
 * Per-call cost of the scenario parts on the request path: template rendering, JSON path
 * extraction (next to cJSON parse + lookup for the same job), header extraction, feeder and
 * mix picks. Feeds issue 4's budget: a 5-step checkout flow with extraction may cost at most
 * twice the generator CPU per request of a plain GET loop.
 *
 *   bench_scenario_parts [seconds-per-case]     (build without sanitizers for real numbers)
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/cookie_jar.h"
#include "scenario/extract.h"
#include "scenario/feeder.h"
#include "scenario/jsonpath.h"
#include "scenario/mix.h"
#include "scenario/template.h"

/* CPU time of this thread: the machine may be shared, and CPU per call is what the budget is
 * about. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile size_t sink; /* keeps results alive */
static double budget = 0.3;

typedef void (*bench_fn)(void *arg);

/* Run fn in growing batches until the budget is spent; print ns per call. */
static void run(const char *name, bench_fn fn, void *arg)
{
    unsigned long calls = 0, batch = 64;
    double start = now_s(), elapsed;
    do {
        for (unsigned long i = 0; i < batch; i++)
            fn(arg);
        calls += batch;
        batch *= 2;
        elapsed = now_s() - start;
    } while (elapsed < budget);
    printf("%-48s %9.1f ns/call\n", name, elapsed * 1e9 / (double)calls);
}

struct render_case {
    struct template *t;
    struct tpl_ctx ctx;
};

static void bench_render(void *arg)
{
    struct render_case *c = arg;
    char buf[1024];
    size_t n = 0;
    template_render(c->t, &c->ctx, buf, sizeof buf, &n, NULL);
    sink += n;
}

struct jp_case {
    struct jsonpath *p;
    const char *path;
    const char *body;
    size_t len;
    struct rng *rng;
};

static void bench_jsonpath(void *arg)
{
    struct jp_case *c = arg;
    char out[256];
    size_t n = 0;
    if (jsonpath_eval(c->p, c->body, c->len, c->rng, out, sizeof out, &n) != JP_MATCH)
        abort();
    sink += n;
}

/* The same extraction by building a cJSON tree: parse, walk the fixed path, free. */
static void bench_cjson(void *arg)
{
    struct jp_case *c = arg;
    cJSON *doc = cJSON_ParseWithLength(c->body, c->len);
    const cJSON *v = doc;
    if (strcmp(c->path, "$.id") == 0) {
        v = cJSON_GetObjectItemCaseSensitive(v, "id");
    } else {
        v = cJSON_GetObjectItemCaseSensitive(v, "data");
        v = cJSON_GetObjectItemCaseSensitive(v, "products");
        v = cJSON_GetObjectItemCaseSensitive(v, "items");
        int n = cJSON_GetArraySize(v);
        v = cJSON_GetArrayItem(v, n ? (int)rng_below(c->rng, (uint64_t)n) : 0);
        v = cJSON_GetObjectItemCaseSensitive(v, "id");
    }
    if (!v)
        abort();
    sink += (size_t)v->type;
    cJSON_Delete(doc);
}

struct head_case {
    const char *head;
    size_t len;
};

static void bench_header(void *arg)
{
    struct head_case *c = arg;
    const char *v;
    size_t n = 0;
    extract_header(c->head, c->len, "location", &v, &n);
    sink += n;
    extract_cookie(c->head, c->len, "session", &v, &n);
    sink += n;
}

struct jar_case {
    struct cookie_jar *jar;
    const char *head;
    size_t len;
};

static void bench_jar(void *arg)
{
    struct jar_case *c = arg;
    char buf[512];
    size_t n = 0;
    cookie_jar_update(c->jar, c->head, c->len, 1700000000);
    cookie_jar_header(c->jar, buf, sizeof buf, &n);
    sink += n;
}

struct pick_case {
    struct feeder_data *f;
    int ids[4];
    struct vars *vars;
    struct rng rng;
    struct mix mix;
    uint64_t i;
};

static void bench_feeder(void *arg)
{
    struct pick_case *c = arg;
    size_t row;
    feeder_pick(c->f, FEEDER_RANDOM, c->i++, &c->rng, &row);
    feeder_set_vars(c->f, row, c->ids, c->vars);
    sink += row;
}

static void bench_mix(void *arg)
{
    struct pick_case *c = arg;
    sink += mix_pick_at(&c->mix, 1, c->i++);
}

/* A product list as a GraphQL API answers it: count items of ~150 bytes each. */
static char *product_list(int count, size_t *len)
{
    size_t cap = 256 + (size_t)count * 200;
    char *s = malloc(cap);
    size_t n = (size_t)snprintf(s, cap, "{\"data\":{\"products\":{\"total\":%d,\"items\":[", count);
    for (int i = 0; i < count; i++)
        n += (size_t)snprintf(s + n, cap - n,
                              "%s{\"id\":\"prod_%04d\",\"sku\":\"SKU-%04d\",\"name\":\"Product "
                              "number %d\",\"price\":{\"amount\":%d.99,\"currency\":\"EUR\"},"
                              "\"tags\":[\"new\",\"sale\"],\"in_stock\":true}",
                              i ? "," : "", i, i, i, 10 + i % 90);
    n += (size_t)snprintf(s + n, cap - n, "]}}}");
    *len = n;
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        budget = atof(argv[1]);
    struct vars_schema schema;
    vars_schema_init(&schema);
    struct parse_error err;
    struct rng rng;
    rng_seed(&rng, 1, 0);

    static const char *const templates[][2] = {
        {"template: constant path", "/api/v1/products?page=1"},
        {"template: path with one variable", "/api/v1/carts/{{cart_id}}/items"},
        {"template: auth header", "Bearer {{token}}"},
        {"template: JSON body, var + randint", "{\"sku\":\"{{sku}}\",\"qty\":{{randint 1 5}}}"},
        {"template: Idempotency-Key uuid", "{{uuid}}"},
        {"template: checkout body (4 slots, 180 B)",
         "{\"cart_id\":\"{{cart_id}}\",\"email\":\"{{email}}\",\"payment\":{\"method\":\"card\","
         "\"token\":\"tok_visa\"},\"shipping\":{\"country\":\"DE\",\"zip\":\"10115\"},"
         "\"idempotency_key\":\"{{uuid}}\",\"at\":{{now_ms}}}"},
    };
    struct template *ts[sizeof templates / sizeof templates[0]];
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        ts[i] = template_compile(templates[i][1], strlen(templates[i][1]), &schema, &err);
    struct vars *vars = vars_create(schema.count, 1024);
    static const char *const values[][2] = {{"cart_id", "c_8f14e45fceea167a5a36dedd4bea2543"},
                                            {"token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.x"},
                                            {"sku", "SKU-0042"},
                                            {"email", "shopper42@example.com"}};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        vars_set(vars, vars_schema_find(&schema, values[i][0], strlen(values[i][0])), values[i][1],
                 strlen(values[i][1]));
    size_t last = sizeof templates / sizeof templates[0] - 1;
    for (size_t i = 0; i <= last; i++) {
        struct render_case c = {ts[i], {vars, &rng, 1700000000000000ULL}};
        run(templates[i][0], bench_render, &c);
    }
    template_set_escape(ts[last], TPL_JSON);
    struct render_case json_case = {ts[last], {vars, &rng, 1700000000000000ULL}};
    run("  the same, values JSON-escaped", bench_render, &json_case);

    const char *cart = "{\"id\":\"c_8f14e45fceea167a5a36dedd4bea2543\",\"currency\":\"EUR\","
                       "\"items\":[{\"sku\":\"SKU-0042\",\"qty\":1,\"price\":19.99}],"
                       "\"total\":19.99,\"created_at\":\"2026-11-26T09:00:00Z\"}";
    size_t big_len, small_len;
    char *big = product_list(50, &big_len);
    char *small = product_list(5, &small_len);
    char label[96];
    struct {
        const char *path, *body, *what;
        size_t len;
    } jp[] = {
        {"$.id", cart, "cart", strlen(cart)},
        {"$.items[0].sku", cart, "cart", strlen(cart)},
        {"$.data.products.items[*].id", small, "5 products", small_len},
        {"$.data.products.items[*].id", big, "50 products", big_len},
        {"$.data.products.items[-1].id", big, "50 products", big_len},
    };
    for (size_t i = 0; i < sizeof jp / sizeof jp[0]; i++) {
        struct jp_case c = {jsonpath_compile(jp[i].path, strlen(jp[i].path), &err), jp[i].path,
                            jp[i].body, jp[i].len, &rng};
        snprintf(label, sizeof label, "jsonpath %s (%s, %zu B)", jp[i].path, jp[i].what, jp[i].len);
        run(label, bench_jsonpath, &c);
        if (i == 0 || i == 3) {
            snprintf(label, sizeof label, "  cJSON parse+lookup, same body");
            run(label, bench_cjson, &c);
        }
        jsonpath_free(c.p);
    }

    const char *head = "HTTP/1.1 201 Created\r\nDate: Thu, 26 Nov 2026 09:00:00 GMT\r\n"
                       "Content-Type: application/json\r\nContent-Length: 180\r\n"
                       "Location: /api/v1/carts/c_8f14e45fceea167a5a36dedd4bea2543\r\n"
                       "Cache-Control: no-store\r\nX-Request-Id: 3f2a\r\n"
                       "Set-Cookie: session=s_abcdef0123456789; Path=/; HttpOnly; Secure\r\n\r\n";
    struct head_case hc = {head, strlen(head)};
    run("header Location + cookie session (8 headers)", bench_header, &hc);
    struct jar_case jc = {cookie_jar_create(16, 1024), head, strlen(head)};
    run("cookie jar: update from the head + Cookie header", bench_jar, &jc);
    cookie_jar_destroy(jc.jar);

    const char *csv = "sku,qty\nSKU-1,1\nSKU-2,2\nSKU-3,3\nSKU-4,4\n";
    struct pick_case pc = {.f = feeder_parse(csv, strlen(csv), &err)};
    struct vars_schema fs;
    vars_schema_init(&fs);
    feeder_bind(pc.f, NULL, &fs, pc.ids);
    pc.vars = vars_create(fs.count, 256);
    rng_seed(&pc.rng, 2, 0);
    struct mix_entry entries[] = {{.name = "browse", .weight = 70},
                                  {.name = "search", .weight = 15},
                                  {.name = "cart", .weight = 10},
                                  {.name = "checkout", .weight = 5}};
    pc.mix = (struct mix){entries, 4, 0};
    mix_prepare(&pc.mix);
    run("feeder random pick + set 2 vars", bench_feeder, &pc);
    run("mix pick (4 scenarios)", bench_mix, &pc);

    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        template_free(ts[i]);
    vars_destroy(vars);
    vars_destroy(pc.vars);
    feeder_free(pc.f);
    vars_schema_free(&schema);
    vars_schema_free(&fs);
    free(big);
    free(small);
    return 0;
}
