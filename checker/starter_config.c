/* The configs `storecheck init` writes; docs/config.md documents every key. */
#include "checker/starter_config.h"

#include <stdio.h>
#include <string.h>

const char starter_config[] =
    "# storecheck config: what to check and how hard to push.\n"
    "# Reference: docs/config.md. Check it with: storecheck validate THIS_FILE\n"
    "# Durations: 250ms, 10s, 2m, 1h, 90d. Rates: 200/s, 1k/s, 600/m.\n"
    "# ${VAR} is taken from the environment (an error if unset); ${VAR:-default} has a default.\n"
    "# Values from the environment, credential headers and webhook secrets are never printed.\n"
    "\n"
    "target:\n"
    "  # The store. Required.\n"
    "  base_url: https://127.0.0.1:8443\n"
    "  # Nothing else is ever contacted, not even by a redirect. Default: base_url's host.\n"
    "  allowed_hosts: [127.0.0.1, localhost]\n"
    "  # The plain-HTTP address, for the HTTP->HTTPS redirect check. Default: http://HOST/\n"
    "  # http_url: http://127.0.0.1:8080/\n"
    "  tls:\n"
    "    # ca_file: certs/ca.pem       # CA bundle to verify the store; default: system store\n"
    "    insecure: false               # true: do not verify (the TLS probes still judge)\n"
    "  timeout: 10s                    # per request\n"
    "  # Sent with every request:\n"
    "  # headers: { Authorization: \"Bearer ${STORE_TOKEN}\" }\n"
    "  # The store's paths; leave out what it does not have. {{name}} is filled in at run time.\n"
    "  endpoints:\n"
    "    home: /\n"
    "    product_page: /products/1\n"
    "    checkout_page: /checkout\n"
    "    account: /account\n"
    "    catalog: /api/v1/products\n"
    "    product: \"/api/v1/products/{{id}}\"\n"
    "    search: \"/api/v1/search?q={{q}}\"\n"
    "    cart: /api/v1/carts\n"
    "    cart_items: \"/api/v1/carts/{{cart_id}}/items\"\n"
    "    checkout: /api/v1/checkout\n"
    "    login: /api/v1/login\n"
    "    health: /healthz\n"
    "    readiness: /readyz\n"
    "    metrics: /metrics\n"
    "    openapi: /openapi.json\n"
    "    static_asset: /static/app.css\n"
    "    webhook_intake: /api/v1/payments/callback\n"
    "    orders: \"/api/v1/orders?idempotency_key={{key}}\"   # counts orders per key\n"
    "  webhooks:\n"
    "    subscribe: /api/v1/webhooks   # where storecheck subscribes its own receiver\n"
    "    scheme: standard-webhooks     # standard-webhooks | stripe | shopify\n"
    "    # secret: \"${WEBHOOK_SECRET}\"         # verifies the store's deliveries\n"
    "    # intake_secret: \"${INTAKE_SECRET}\"   # signs the callbacks sent to webhook_intake\n"
    "    intake_scheme: standard-webhooks\n"
    "    schedule: [1s, 2s, 4s]        # the retry intervals the store promises\n"
    "    wait: 30s                     # how long to wait for retries\n"
    "  # Cooperative fault hooks: a fault started mid-load shows what shoppers would see.\n"
    "  # faults:\n"
    "  #   orders_down:\n"
    "  #     start: { method: POST, url: \"http://127.0.0.1:9100/faults/orders_down\" }\n"
    "  #     stop: { method: DELETE, url: \"http://127.0.0.1:9100/faults/orders_down\" }\n"
    "\n"
    "audit:\n"
    "  fail_on: high                   # info | low | medium | high | critical\n"
    "  # accept: accepted-findings.yaml\n"
    "  deadline: 60s                   # the whole audit\n"
    "  probe_timeout: 15s              # each probe\n"
    "  # only: [S, T-COMPRESSION]      # STORE group letters or probe ids\n"
    "  skip: []\n"
    "  # severity: { S-HSTS: medium }  # override a probe's default severity\n"
    "  allow_orders: false             # true: probes may create real orders\n"
    "  latency_budget: 800ms\n"
    "  clock_skew: 60s\n"
    "  max_connections_per_host: 6     # open at once to the store, like a browser\n"
    "  # Checks no probe can see from outside, declared with a date and a maximum age:\n"
    "  # attestations:\n"
    "  #   - name: backup_restore_test\n"
    "  #     date: 2026-10-01\n"
    "  #     evidence: \"https://wiki.example/runbooks/restore\"\n"
    "  #     max_age: 90d\n"
    "\n"
    "load:\n"
    "  profile: smoke                  # smoke, steady, ramp, flash-sale, soak, stress or a file\n"
    "  # duration: 2m                  # overrides the profile\n"
    "  # rate: 200/s\n"
    "  max_rate: 1k/s                  # never more than this\n"
    "  connections: 50\n"
    "  timeout: 5s\n"
    "  seed: 42\n"
    "  # feeders: { users: { file: users.csv, mode: random } }   # random | sequential | unique\n"
    "  scenarios:\n"
    "    browse:\n"
    "      - name: list\n"
    "        path: \"/api/v1/products?page={{randint 1 10}}\"\n"
    "        headers: { Accept: application/json }\n"
    "        expect: [200]\n"
    "        extract: { product_id: \"$.items[*].id\" }\n"
    "        think: 500ms-2s\n"
    "      - name: product\n"
    "        path: \"/api/v1/products/{{product_id}}\"\n"
    "    search:                       # the shipped profiles mix browse, search, cart, checkout\n"
    "      - { name: search, path: \"/api/v1/search?q=lamp\", expect: [200] }\n"
    "    cart:\n"
    "      - { name: new_cart, method: POST, path: /api/v1/carts, json: {},\n"
    "          extract: { cart_id: $.id } }\n"
    "      - { name: add, method: POST, path: \"/api/v1/carts/{{cart_id}}/items\",\n"
    "          json: { product_id: \"{{randint 1 1000}}\", quantity: 1 } }\n"
    "    checkout:\n"
    "      - name: cart\n"
    "        method: POST\n"
    "        path: /api/v1/carts\n"
    "        json: {}\n"
    "        extract: { cart_id: $.id }\n"
    "      - name: item\n"
    "        method: POST\n"
    "        path: \"/api/v1/carts/{{cart_id}}/items\"\n"
    "        json: { product_id: 1, quantity: 1 }\n"
    "      - name: order\n"
    "        method: POST\n"
    "        path: /api/v1/checkout\n"
    "        headers: { Idempotency-Key: \"{{uuid}}\" }\n"
    "        json: { cart_id: \"{{cart_id}}\" }\n"
    "        expect: [201]\n"
    "  thresholds:\n"
    "    - \"p95(scenario:checkout) < 800ms\"\n"
    "    - { expr: \"error_rate < 0.5%\", abort_on_fail: true }\n"
    "\n"
    "reports:\n"
    "  json: out/report.json\n"
    "  html: out/report.html\n"
    "  junit: out/junit.xml\n"
    "  markdown: out/summary.md\n"
    "  sarif: out/report.sarif         # for code scanning (docs/reports.md#sarif)\n";

/* What each endpoint is, and whether init looks for it (else its TODO says it was not). */
static const struct {
    const char *what;
    int looked_for;
} endpoint_todo[EP_COUNT] = {
    [EP_HOME] = {"the HTML home page", 1},
    [EP_PRODUCT_PAGE] = {"an HTML product page", 0},
    [EP_CHECKOUT_PAGE] = {"the HTML checkout page", 0},
    [EP_ACCOUNT] = {"the account page", 0},
    [EP_CATALOG] = {"API: the product list", 1},
    [EP_PRODUCT] = {"API: one product, e.g. \"/api/products/{{id}}\"", 1},
    [EP_SEARCH] = {"API: search, e.g. \"/api/search?q={{q}}\"", 1},
    [EP_CART] = {"API: create a cart", 1},
    [EP_CART_ITEMS] = {"API: add an item, e.g. \"/api/carts/{{cart_id}}/items\"", 1},
    [EP_CHECKOUT] = {"API: place an order", 1},
    [EP_LOGIN] = {"API: login", 1},
    [EP_HEALTH] = {"liveness", 1},
    [EP_READINESS] = {"readiness", 1},
    [EP_METRICS] = {"Prometheus metrics", 1},
    [EP_OPENAPI] = {"the OpenAPI document (JSON)", 1},
    [EP_STATIC_ASSET] = {"one static asset (CSS/JS)", 0},
    [EP_WEBHOOK_INTAKE] = {"the receiver of payment-provider callbacks", 0},
    [EP_ORDERS] = {"API: orders by idempotency key, \"{{key}}\" in the path or query", 0},
};

static const char *const found_how[] = {
    [FOUND_NONE] = "",
    [FOUND_ANSWER] = "found at this path",
    [FOUND_OPENAPI] = "named by the OpenAPI document",
};

/* s as a YAML double-quoted scalar. */
static void put_quoted(struct strbuf *b, const char *s)
{
    strbuf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            snprintf(esc, sizeof esc, "\\%c", c);
            strbuf_puts(b, esc);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            strbuf_puts(b, esc);
        } else {
            strbuf_putc(b, (char)c);
        }
    }
    strbuf_putc(b, '"');
}

/* A comment line: control characters become '?', so the text stays one comment. */
static void put_comment(struct strbuf *b, const char *indent, const char *text)
{
    strbuf_puts(b, indent);
    strbuf_puts(b, "# ");
    for (; *text; text++)
        strbuf_putc(b, (unsigned char)*text < 0x20 || *text == 0x7f ? '?' : *text);
    strbuf_putc(b, '\n');
}

static void put_todo(struct strbuf *b, const char *indent, const char *text)
{
    char line[DISCOVERY_NOTE_MAX + 16];
    snprintf(line, sizeof line, "TODO: %s", text);
    put_comment(b, indent, line);
}

static void put_tls(struct strbuf *b, const struct discovery *d, const char *ca_file)
{
    if (!d->base.tls) {
        put_todo(b, "  ", "the store answered plain HTTP: set base_url to its HTTPS address if "
                          "it has one (the TLS probes need it)");
        return;
    }
    if (ca_file && !d->unverified) {
        strbuf_puts(b, "  tls:\n    ca_file: ");
        put_quoted(b, ca_file);
        strbuf_puts(b, "\n");
    }
    if (d->unverified)
        put_todo(b, "  ", ca_file ? "the certificate did not verify with the CA file given: set "
                                    "tls.ca_file to the CA that signed it"
                                  : "the certificate did not verify with the system's CAs: set "
                                    "tls.ca_file to the CA that signed it");
}

static void put_endpoints(struct strbuf *b, const struct discovery *d)
{
    int found = 0;
    for (int ep = 0; ep < EP_COUNT; ep++)
        found |= d->endpoints[ep][0] != '\0';
    strbuf_puts(b, "  # The store's paths; {{id}}, {{q}}, {{cart_id}} are filled in at run time.\n");
    strbuf_puts(b, found ? "  endpoints:\n" : "  endpoints: {}   # none found\n");
    for (int ep = 0; ep < EP_COUNT; ep++) {
        char line[OPENAPI_PATH_MAX + 200];
        if (d->endpoints[ep][0]) {
            snprintf(line, sizeof line, "    %s: ", endpoint_names[ep]);
            strbuf_puts(b, line);
            put_quoted(b, d->endpoints[ep]);
            snprintf(line, sizeof line, "   # %s", found_how[d->source[ep]]);
            strbuf_puts(b, ep == EP_HOME ? "" : line);
            strbuf_putc(b, '\n');
            continue;
        }
        snprintf(line, sizeof line, "%s: %s, %s", endpoint_names[ep], endpoint_todo[ep].what,
                 endpoint_todo[ep].looked_for ? "not found" : "not looked for");
        put_todo(b, "    ", line);
    }
    if (d->openapi_yaml[0] && !d->endpoints[EP_OPENAPI][0]) {
        char line[OPENAPI_PATH_MAX + 100];
        snprintf(line, sizeof line, "%s is an OpenAPI document in YAML: its paths were not read",
                 d->openapi_yaml);
        put_todo(b, "    ", line);
    }
}

void starter_config_discovered(const struct discovery *d, const char *ca_file, struct strbuf *out)
{
    char origin[URL_HOST_MAX + 32], line[256];
    url_origin(&d->base, origin, sizeof origin);
    put_comment(out, "", "storecheck config, written by storecheck init --from from what the "
                         "store answered.");
    snprintf(line, sizeof line, "%zu requests to %s; lines marked TODO are what they did not "
                                "show: fill them in, or leave them out.",
             d->requests, origin);
    put_comment(out, "", line);
    put_comment(out, "", "Reference: docs/config.md. Check it with: storecheck validate "
                         "THIS_FILE");
    strbuf_puts(out, "\ntarget:\n  base_url: ");
    put_quoted(out, origin);
    strbuf_puts(out, "\n  # Nothing else is ever contacted, not even by a redirect.\n"
                     "  allowed_hosts: [");
    put_quoted(out, d->base.host);
    strbuf_puts(out, "]\n");
    if (d->http_url[0]) {
        strbuf_puts(out, "  http_url: ");
        put_quoted(out, d->http_url);
        strbuf_puts(out, "   # it redirected to base_url\n");
    }
    put_tls(out, d, ca_file);
    strbuf_puts(out, "  timeout: 10s                    # per request\n"
                     "  # Sent with every request:\n"
                     "  # headers: { Authorization: \"Bearer ${STORE_TOKEN}\" }\n");
    for (size_t i = 0; i < d->note_count; i++)
        put_todo(out, "  ", d->notes[i]);
    put_endpoints(out, d);
    if (d->graphql[0]) {
        strbuf_puts(out, "  graphql:\n    path: ");
        put_quoted(out, d->graphql);
        strbuf_puts(out, "   # answered a {__typename} query\n");
    } else {
        put_todo(out, "  ", "graphql: no common path answered a GraphQL query; set "
                            "target.graphql.path if the store has one");
    }
    strbuf_puts(out, "\naudit:\n"
                     "  fail_on: high                   # info | low | medium | high | critical\n"
                     "  allow_orders: false             # true: probes may create real orders\n"
                     "\n");
    put_todo(out, "", "load: the shopper scenarios are the store's own flows: write them as "
                      "docs/scenarios.md shows");
}
