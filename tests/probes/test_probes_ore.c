/*
 * Every Operations, Reliability and Extensibility probe against the reference store over real
 * HTTP and TLS on loopback: all pass on the good store (the metrics warning and the
 * single-address skip excepted, see below), and each fails, with the deciding evidence, on the
 * broken variant made for it. The store retries webhooks on a 300/600/1200 ms schedule and
 * takes orders down through its admin port, so the whole group runs in seconds.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config/config_load.h"
#include "tests/probes/support.h"
#include "tests/support/check.h"

static const char *const schedule[] = {"--webhook-schedule", "300ms,600ms,1200ms", NULL};

#define WEBHOOK_SECRET "whsec_cmVmc3RvcmUtd2ViaG9vay10ZXN0LXNlY3JldC0zMmI="
#define INTAKE_SECRET  "whsec_cmVmc3RvcmUtaW50YWtlLXRlc3Qtc2VjcmV0LTMyYnk="

struct ore_opts {
    const char *timeout;       /* NULL: 3s */
    int no_orders;             /* leave audit.allow_orders false */
    const char *attest;        /* YAML list items of audit.attestations; NULL: all four, current */
    const char *openapi;       /* NULL: /openapi.json */
    const char *metrics;       /* NULL: /metrics */
    const char *faults;        /* the faults mapping's body; NULL: the admin port's orders_down */
    const char *audit;         /* more audit keys, e.g. "  clock_skew: 5s\n" */
    const char *probe_timeout; /* NULL: 20s */
    const char *retries;       /* webhooks.schedule and wait lines; NULL: the store's */
    const char *receiver;      /* webhooks lines naming the receiver; NULL: subscribe */
    const char *load;          /* a load: section after the audit one; NULL: none */
    const char *checkout;      /* the checkout and orders endpoint lines; NULL: the store's */
};

/* The config text for the store rs with every O/R/E key set. */
static void ore_yaml(char *yaml, size_t len, const struct refstore *rs, const struct ore_opts *o)
{
    char today[16], attest[1024], faults[1024];
    time_t now = time(NULL) - 86400;
    strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
    snprintf(attest, sizeof attest,
             "    - { name: backup_restore_test, date: %s, evidence: \"https://wiki.example/r\", "
             "max_age: 90d }\n"
             "    - { name: incident_runbooks, date: %s, max_age: 180d }\n"
             "    - { name: on_call, date: %s, max_age: 30d }\n"
             "    - { name: vulnerability_scanning, date: %s, max_age: 7d }\n",
             today, today, today, today);
    snprintf(faults, sizeof faults,
             "    orders_down:\n"
             "      start: { method: POST, url: \"http://127.0.0.1:%d/faults/orders_down\" }\n"
             "      stop: { method: DELETE, url: \"http://127.0.0.1:%d/faults/orders_down\" }\n",
             rs->admin, rs->admin);
    snprintf(yaml, len,
             "target:\n"
             "  base_url: https://127.0.0.1:%d\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  tls: { ca_file: %s }\n"
             "  timeout: %s\n"
             "  endpoints:\n"
             "    home: /\n"
             "    catalog: /api/v1/products\n"
             "    product: \"/api/v1/products/{{id}}\"\n"
             "    search: \"/api/v1/search?q={{q}}\"\n"
             "    cart: /api/v1/carts\n"
             "    cart_items: \"/api/v1/carts/{{cart_id}}/items\"\n"
             "%s"
             "    login: /api/v1/login\n"
             "    health: /healthz\n"
             "    readiness: /readyz\n"
             "    metrics: %s\n"
             "    openapi: %s\n"
             "    webhook_intake: /api/v1/payments/callback\n"
             "  webhooks:\n"
             "%s"
             "    secret: " WEBHOOK_SECRET "\n"
             "    intake_secret: " INTAKE_SECRET "\n"
             "%s"
             "  faults:\n%s"
             "audit:\n"
             "  allow_orders: %s\n"
             "  probe_timeout: %s\n"
             "  deadline: 40s\n"
             "%s"
             "  attestations:\n%s"
             "%s",
             rs->https, sup_cert("ca.pem"), o && o->timeout ? o->timeout : "3s",
             o && o->checkout ? o->checkout
                              : "    checkout: /api/v1/checkout\n"
                                "    orders: \"/api/v1/orders?idempotency_key={{key}}\"\n",
             o && o->metrics ? o->metrics : "/metrics",
             o && o->openapi ? o->openapi : "/openapi.json",
             o && o->receiver ? o->receiver : "    subscribe: /api/v1/webhooks\n",
             o && o->retries ? o->retries : "    schedule: [300ms, 600ms, 1200ms]\n    wait: 8s\n",
             o && o->faults ? o->faults : faults, o && o->no_orders ? "false" : "true",
             o && o->probe_timeout ? o->probe_timeout : "20s", o && o->audit ? o->audit : "",
             o && o->attest ? o->attest : attest, o && o->load ? o->load : "");
}

static int ore_config(struct config *cfg, const struct refstore *rs, const struct ore_opts *o)
{
    char yaml[8192];
    ore_yaml(yaml, sizeof yaml, rs, o);
    return sup_config_yaml(cfg, yaml);
}

#define expect(rep, id, st, text) CHECK(sup_expect(rep, id, st, text))

static size_t discard(char *data, size_t size, size_t n, void *ud)
{
    (void)data;
    (void)ud;
    return size * n;
}

/* Start the store (a broken variant or NULL) on the short webhook schedule. 0 or -1. */
static int start(struct refstore *rs, const char *broken)
{
    int rc = sup_refstore_start(rs, NULL, broken, schedule);
    CHECK(rc == 0);
    return rc;
}

static void finish(struct engine_report *rep, struct config *cfg)
{
    engine_report_free(rep);
    config_free(cfg);
}

/* The admin listener's list of active faults ("" when it cannot be read). */
static void admin_faults(int port, char *out, size_t len)
{
    out[0] = '\0';
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static const char req[] = "GET /faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1)) {
        size_t n = 0;
        ssize_t got;
        while (n + 1 < len && (got = read(fd, out + n, len - 1 - n)) > 0)
            n += (size_t)got;
        out[n] = '\0';
    }
    close(fd);
}

static void test_good_store(void)
{
    struct refstore rs;
    if (start(&rs, NULL) != 0) {
        return;
    }
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "O,R,E", &rep);
    CHECK_INT_EQ(rep.count, 22);
    for (size_t i = 0; i < rep.count; i++) {
        const char *id = rep.items[i].probe->id;
        const struct probe_result *r = &rep.items[i].result;
        /* The good store serves its metrics to anyone (without internals): a warning. One
         * address on loopback: nothing to compare. */
        if (strcmp(id, "O-METRICS-PUBLIC") == 0)
            expect(&rep, id, PROBE_WARN, "metrics are public");
        else if (strcmp(id, "R-REDUNDANCY") == 0)
            expect(&rep, id, PROBE_SKIP, "one address");
        else if (strcmp(id, "O-GRAPHQL-ERRORS") == 0) /* the reference store has no GraphQL */
            expect(&rep, id, PROBE_SKIP, "target.graphql.path");
        else
            expect(&rep, id, PROBE_PASS, NULL);
        /* Webhook secrets never reach a result. */
        CHECK(!sup_has_text(r, "cmVmc3RvcmUtd2ViaG9vay10ZXN0") &&
              !sup_has_text(r, "cmVmc3RvcmUtaW50"));
    }
    printf("good store: O/R/E, %zu probes in %llu ms\n", rep.count,
           (unsigned long long)rep.elapsed_ms);
    CHECK(rep.elapsed_ms < 30000);
    expect(&rep, "R-WEBHOOK-RETRY", PROBE_PASS, "declared 0.30 s, 0.60 s, 1.20 s");
    expect(&rep, "R-WEBHOOK-RETRY", PROBE_PASS, "answered 503");
    expect(&rep, "R-WEBHOOK-RETRY", PROBE_PASS, "subscription removed");
    expect(&rep, "R-WEBHOOK-SIGNATURE", PROBE_PASS, "the first delivery and its retry");
    expect(&rep, "R-IDEMPOTENCY", PROBE_PASS, "counted by the store");
    expect(&rep, "R-DEGRADATION", PROBE_PASS, "fault orders_down stopped");
    expect(&rep, "R-WEBHOOK-INTAKE", PROBE_PASS, "accepts a valid callback");
    expect(&rep, "O-ATTESTATIONS", PROBE_PASS, "declared in the config, not verified");
    expect(&rep, "O-ERROR-PAGES", PROBE_PASS, "malformed request");
    expect(&rep, "E-OPENAPI", PROBE_PASS, "lists all 9 configured API paths");
    char faults[2048];
    admin_faults(rs.admin, faults, sizeof faults);
    CHECK(strstr(faults, "{\"faults\":[]}") != NULL);
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

struct variant_case {
    const char *broken;
    const char *probe;
    enum probe_status status;
    const char *text; /* in the reason or the evidence */
};

static const struct variant_case cases[] = {
    {"health-leaks", "O-HEALTH", PROBE_FAIL, "postgres://"},
    {"public-metrics", "O-METRICS-PUBLIC", PROBE_FAIL, "db-primary.internal"},
    {"no-request-id", "O-REQUEST-ID", PROBE_FAIL, "X-Request-Id: (none), traceparent: (none)"},
    {"stack-traces", "O-ERROR-PAGES", PROBE_FAIL, "Traceback (most recent call last)"},
    {"stack-traces", "E-PROBLEM-JSON", PROBE_FAIL, "text/html"},
    {"no-problem-json", "E-PROBLEM-JSON", PROBE_FAIL, "Content-Type: text/plain"},
    {"oversize-500", "O-BODY-LIMIT", PROBE_FAIL, "got 500, not 413"},
    {"clock-skew", "O-CLOCK", PROBE_FAIL, "s behind (tolerance 60 s)"},
    {"no-idempotency", "R-IDEMPOTENCY", PROBE_FAIL, "made 2 orders"},
    {"idempotency-no-conflict", "R-IDEMPOTENCY", PROBE_FAIL, "answered 201, not 409 or 422"},
    /* Not a fault: a store that makes one order of a cart, whatever the key (as Medusa). */
    {"idempotent-by-cart", "R-IDEMPOTENCY", PROBE_PASS, "idempotent by its cart: every checkout"},
    {"unsigned-webhooks", "R-WEBHOOK-SIGNATURE", PROBE_FAIL, "no webhook-signature header"},
    {"bad-webhook-signature", "R-WEBHOOK-SIGNATURE", PROBE_FAIL, "matches the secret"},
    {"no-webhook-retries", "R-WEBHOOK-RETRY", PROBE_FAIL, "was not retried"},
    {"unstable-webhook-id", "R-WEBHOOK-RETRY", PROBE_FAIL, "event id changes between retries"},
    {"intake-no-verify", "R-WEBHOOK-INTAKE", PROBE_FAIL, "forged signature was accepted (204)"},
    {"orders-down-500", "R-DEGRADATION", PROBE_FAIL, "checkout answered 500"},
    {"orders-down-hang", "R-DEGRADATION", PROBE_FAIL, "hangs while orders are down"},
    {"unknown-version-200", "E-API-VERSION", PROBE_FAIL, "v999 answered 200"},
    {"no-pagination-cap", "E-PAGINATION", PROBE_FAIL, "1000 items for per_page=100000"},
    {"no-deprecation", "E-DEPRECATION", PROBE_FAIL, "Deprecation: (none); Sunset: (none)"},
    {"webhook-payload-bare", "E-WEBHOOK-PAYLOAD", PROBE_FAIL, "lacks: type version"},
};
enum { NCASES = sizeof cases / sizeof *cases };

/* One store per variant; the probes of its consecutive cases run together. */
static void test_broken_variants(void)
{
    for (size_t i = 0; i < NCASES;) {
        size_t j = i;
        char only[512] = "";
        while (j < NCASES && strcmp(cases[i].broken, cases[j].broken) == 0) {
            snprintf(only + strlen(only), sizeof only - strlen(only), "%s%s", only[0] ? "," : "",
                     cases[j].probe);
            j++;
        }
        struct refstore rs;
        if (start(&rs, cases[i].broken) != 0) {
            i = j;
            continue;
        }
        struct config cfg;
        CHECK(ore_config(&cfg, &rs, NULL) == 0);
        struct engine_report rep;
        sup_run(&cfg, only, &rep);
        for (size_t k = i; k < j; k++)
            expect(&rep, cases[k].probe, cases[k].status, cases[k].text);
        /* Whatever the checkout did, the fault was undone. */
        char faults[2048];
        admin_faults(rs.admin, faults, sizeof faults);
        CHECK(strstr(faults, "{\"faults\":[]}") != NULL);
        finish(&rep, &cfg);
        sup_refstore_stop(&rs);
        i = j;
    }
}

/* An order scenario "ready" whose new cart expects STATUS, and its add-to-cart step with
 * MORE lines. */
#define READY(status)                                                                             \
    "load:\n"                                                                                     \
    "  scenarios:\n"                                                                              \
    "    ready:\n"                                                                                \
    "      - { name: new_cart, method: POST, path: /api/v1/carts, json: {},\n"                    \
    "          expect: [" status "], extract: { cart_id: $.id } }\n"
#define ADD_ITEM(more)                                                                            \
    "      - { name: add_item, method: POST, path: \"/api/v1/carts/{{cart_id}}/items\",\n"        \
    more "          json: { product_id: 7, quantity: 1 }, expect: [200] }\n"

/* The cart to order comes from the audit.order scenario when there is one: its steps are the
 * probe's evidence, its cart is checked out; a scenario the store does not follow skips. */
static void test_order_scenario(void)
{
    struct refstore rs;
    if (start(&rs, NULL) != 0) {
        return;
    }
    struct ore_opts o = {
        .audit = "  order: ready\n",
        .load = READY("201") ADD_ITEM("")};
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    struct engine_report rep;
    sup_run(&cfg, "R-IDEMPOTENCY", &rep);
    expect(&rep, "R-IDEMPOTENCY", PROBE_PASS, "counted by the store");
    expect(&rep, "R-IDEMPOTENCY", PROBE_PASS, "cart for the order (audit.order) step 'add_item'");
    finish(&rep, &cfg);

    o.load = READY("200");
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "R-IDEMPOTENCY", &rep);
    expect(&rep, "R-IDEMPOTENCY", PROBE_SKIP, "the audit.order scenario 'ready' failed: step "
                                              "'new_cart'");
    expect(&rep, "R-IDEMPOTENCY", PROBE_SKIP, "answered 201, not a status the step expects");
    finish(&rep, &cfg);

    /* A cart id the scenario sends as a credential stays hidden in all the probe reports
     * after the scenario ran, as the session's credentials do. */
    o.load = READY("201") ADD_ITEM("          headers: { X-Session-Token: \"{{cart_id}}\" },\n");
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "R-IDEMPOTENCY", &rep);
    expect(&rep, "R-IDEMPOTENCY", PROBE_PASS, "5 concurrent duplicates, cart [redacted] with");
    CHECK(!sup_has_text(&rep.items[0].result, "c_0"));
    finish(&rep, &cfg);

    /* The checkout's templates take the other values the scenario extracted (here the cart
     * under a second name): without them there would be no request to send. */
    o.load = "load:\n  scenarios:\n    ready:\n"
             "      - { name: new_cart, method: POST, path: /api/v1/carts, json: {},\n"
             "          expect: [201], extract: { cart_id: $.id, cart_ref: $.id } }\n" ADD_ITEM("");
    o.checkout = "    checkout: { method: POST, path: /api/v1/checkout,\n"
                 "                json: { cart_id: \"{{cart_ref}}\" } }\n"
                 "    orders: \"/api/v1/orders?idempotency_key={{key}}\"\n";
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "R-IDEMPOTENCY", &rep);
    expect(&rep, "R-IDEMPOTENCY", PROBE_PASS, "counted by the store");
    finish(&rep, &cfg);
    o.checkout = NULL;

    /* Orders it cannot tell apart (no id where the checkout says, no orders endpoint to count
     * them by key): nothing to judge. */
    o = (struct ore_opts){.checkout = "    checkout: { path: /api/v1/checkout, id: $.order }\n"};
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "R-IDEMPOTENCY", &rep);
    expect(&rep, "R-IDEMPOTENCY", PROBE_SKIP,
           "no order id to count orders by: POST https://127.0.0.1:");
    expect(&rep, "R-IDEMPOTENCY", PROBE_SKIP,
           "answered 201, a good answer, but with nothing at $.order (the id of "
           "target.endpoints.checkout)");
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

/* Without allow_orders nothing creates an order: those probes skip and say why; the intake
 * sends only what must be refused. Attestations: one stale, three missing. */
static void test_without_orders(void)
{
    struct refstore rs;
    if (start(&rs, NULL) != 0) {
        return;
    }
    struct ore_opts o = {.no_orders = 1,
                         .attest = "    - { name: backup_restore_test, date: 2020-01-01, "
                                   "max_age: 30d }\n"};
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    struct engine_report rep;
    sup_run(&cfg,
            "R-IDEMPOTENCY,R-WEBHOOK-RETRY,R-WEBHOOK-SIGNATURE,E-WEBHOOK-PAYLOAD,"
            "R-DEGRADATION,R-WEBHOOK-INTAKE,O-ATTESTATIONS",
            &rep);
    expect(&rep, "R-IDEMPOTENCY", PROBE_SKIP, "audit.allow_orders");
    expect(&rep, "R-WEBHOOK-RETRY", PROBE_SKIP, "audit.allow_orders");
    expect(&rep, "R-WEBHOOK-SIGNATURE", PROBE_SKIP, "audit.allow_orders");
    expect(&rep, "E-WEBHOOK-PAYLOAD", PROBE_SKIP, "audit.allow_orders");
    expect(&rep, "R-DEGRADATION", PROBE_SKIP, "audit.allow_orders");
    expect(&rep, "R-WEBHOOK-INTAKE", PROBE_PASS, "valid and replay not tried");
    expect(&rep, "O-ATTESTATIONS", PROBE_FAIL,
           "incident_runbooks, on_call, "
           "vulnerability_scanning");
    expect(&rep, "O-ATTESTATIONS", PROBE_FAIL, "backup_restore_test: done 2020-01-01");
    finish(&rep, &cfg);

    /* All four declared, one stale: a warning, still marked as declared. */
    char yaml_attest[1024];
    time_t now = time(NULL);
    char today[16];
    strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
    snprintf(yaml_attest, sizeof yaml_attest,
             "    - { name: backup_restore_test, date: 2020-01-01, max_age: 90d }\n"
             "    - { name: incident_runbooks, date: %s, max_age: 180d }\n"
             "    - { name: on_call, date: %s, max_age: 30d }\n"
             "    - { name: vulnerability_scanning, date: %s, max_age: 7d }\n",
             today, today, today);
    o.attest = yaml_attest;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "O-ATTESTATIONS", &rep);
    expect(&rep, "O-ATTESTATIONS", PROBE_WARN, "declared, not verified): backup_restore_test");
    expect(&rep, "O-ATTESTATIONS", PROBE_WARN, "STALE");
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

/* A store that answers after 1.5 s against a 1 s budget; OpenAPI and metrics paths that serve
 * something else, or nothing; a fault command that fails to start is still undone. */
static void test_timeouts_openapi_fault_command(void)
{
    struct refstore rs;
    if (start(&rs, "slow") != 0) {
        return;
    }
    char flag[4200], faults[4600];
    snprintf(flag, sizeof flag, "%s/fault-stopped", sup_scratch());
    unlink(flag);
    snprintf(faults, sizeof faults,
             "    orders_down:\n"
             "      start: { command: \"exit 3\" }\n"
             "      stop: { command: \"touch '%s'\" }\n",
             flag);
    struct ore_opts o = {.timeout = "1s",
                         .openapi = "/healthz",
                         .metrics = "/healthz",
                         .faults = faults,
                         .audit = "  idempotency_conflict: [409]\n"};
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    struct engine_report rep;
    sup_run(&cfg, "R-TIMEOUTS", &rep);
    expect(&rep, "R-TIMEOUTS", PROBE_FAIL, "hang past the 1000 ms budget");
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);

    if (start(&rs, NULL) != 0) {
        return;
    }
    o.timeout = NULL;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "E-OPENAPI,R-DEGRADATION,R-TIMEOUTS,O-METRICS,O-METRICS-PUBLIC,R-IDEMPOTENCY",
            &rep);
    /* The store answers 422 where this config wants 409. */
    expect(&rep, "R-IDEMPOTENCY", PROBE_FAIL,
           "answered 422, not an answer of "
           "audit.idempotency_conflict");
    expect(&rep, "E-OPENAPI", PROBE_FAIL, "not an OpenAPI description");
    expect(&rep, "O-METRICS", PROBE_FAIL, "not valid Prometheus text: line 1");
    expect(&rep, "O-METRICS-PUBLIC", PROBE_PASS, "not Prometheus text");
    expect(&rep, "R-DEGRADATION", PROBE_ERROR, "did not start");
    expect(&rep, "R-DEGRADATION", PROBE_ERROR, "exited 3");
    expect(&rep, "R-TIMEOUTS", PROBE_PASS, "within the 3000 ms budget");
    CHECK(access(flag, F_OK) == 0);
    finish(&rep, &cfg);

    /* Metrics that are not there at all: the config points at nothing, which is not the
     * metrics endpoint failing. */
    o.metrics = "/internal/metrics";
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    sup_run(&cfg, "O-METRICS,O-METRICS-PUBLIC", &rep);
    expect(&rep, "O-METRICS", PROBE_SKIP,
           "answered 404 (nothing at that path); set "
           "target.endpoints.metrics");
    expect(&rep, "O-METRICS-PUBLIC", PROBE_PASS, "(404)");
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

/* A store on the default schedule (first retry after a minute), a config that declares none
 * and waits 2 s: too short to judge, a warning that says how to fix the config. */
static void test_undeclared_schedule(void)
{
    struct refstore rs;
    if (sup_refstore_start(&rs, NULL, NULL, NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    struct ore_opts o = {.retries = "    wait: 2s\n"};
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    struct engine_report rep;
    sup_run(&cfg, "R-WEBHOOK-RETRY,R-WEBHOOK-SIGNATURE", &rep);
    expect(&rep, "R-WEBHOOK-RETRY", PROBE_WARN, "too short to judge");
    expect(&rep, "R-WEBHOOK-SIGNATURE", PROBE_PASS, "on the first delivery");
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

/* A store set up (here by the test) to send to a fixed URL, with no subscribe API in the
 * config: the receiver listens on webhooks.receiver_port. */
static void test_fixed_receiver(void)
{
    struct refstore rs;
    if (start(&rs, NULL) != 0)
        return;
    int port = sup_free_port();
    char url[128], body[256], lines[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/api/v1/webhooks", rs.https);
    snprintf(body, sizeof body,
             "{\"url\":\"http://127.0.0.1:%d/hooks/orders\",\"events\":[\"order.created\"]}", port);
    CURL *e = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CAINFO, sup_cert("ca.pem"));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    long status = 0;
    CHECK(curl_easy_perform(e) == CURLE_OK);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    CHECK_INT_EQ(status, 201);
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    snprintf(lines, sizeof lines, "    receiver_port: %d\n", port);
    struct ore_opts o = {.receiver = lines};
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    struct engine_report rep;
    sup_run(&cfg, "R-WEBHOOK-SIGNATURE", &rep);
    expect(&rep, "R-WEBHOOK-SIGNATURE", PROBE_PASS, "where the store is set up to send");
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

/* The probe's time runs out while checkout hangs under the fault: an error, and the fault is
 * undone all the same. */
static void test_timeout_undoes_fault(void)
{
    struct refstore rs;
    if (start(&rs, "orders-down-hang") != 0)
        return;
    struct ore_opts o = {.probe_timeout = "2s"};
    struct config cfg;
    CHECK(ore_config(&cfg, &rs, &o) == 0);
    struct engine_report rep;
    sup_run(&cfg, "R-DEGRADATION", &rep);
    expect(&rep, "R-DEGRADATION", PROBE_ERROR, "timed out");
    char faults[2048];
    admin_faults(rs.admin, faults, sizeof faults);
    CHECK(strstr(faults, "{\"faults\":[]}") != NULL);
    finish(&rep, &cfg);
    sup_refstore_stop(&rs);
}

/* Ctrl-C while checkout hangs under the injected fault: the audit ends as interrupted (exit 3)
 * and the store's orders are back up. */
static void test_cli_interrupt_undoes_fault(void)
{
    struct refstore rs;
    if (start(&rs, "orders-down-hang") != 0) {
        return;
    }
    char path[4200], yaml[8192], faults[2048];
    snprintf(path, sizeof path, "%s/interrupt.yaml", sup_scratch());
    ore_yaml(yaml, sizeof yaml, &rs, NULL);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(yaml, f);
        fclose(f);
    }
    char errpath[4300];
    snprintf(errpath, sizeof errpath, "%s/interrupt.err", sup_scratch());
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(errpath, "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(99);
        execl(getenv("STORECHECK_BIN"), "storecheck", "audit", path, "--only", "R-DEGRADATION",
              (char *)NULL);
        _exit(98);
    }
    /* Wait (bounded) until the fault is on, then interrupt. */
    int on = 0;
    for (int i = 0; i < 100 && !on; i++) {
        admin_faults(rs.admin, faults, sizeof faults);
        on = strstr(faults, "orders_down") != NULL;
        if (!on)
            usleep(50000);
    }
    CHECK(on);
    kill(pid, SIGINT);
    int status = 0;
    for (int i = 0; i < 200 && waitpid(pid, &status, WNOHANG) == 0; i++)
        usleep(50000);
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(!"audit ended after SIGINT");
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    admin_faults(rs.admin, faults, sizeof faults);
    CHECK(strstr(faults, "{\"faults\":[]}") != NULL);
    char err[1024] = "";
    f = fopen(errpath, "r");
    if (f) {
        err[fread(err, 1, sizeof err - 1, f)] = '\0';
        fclose(f);
    }
    CHECK(strstr(err, "interrupted") != NULL);
    sup_refstore_stop(&rs);
}

int main(void)
{
    engine_global_init();
    RUN(test_good_store);
    RUN(test_broken_variants);
    RUN(test_without_orders);
    RUN(test_order_scenario);
    RUN(test_timeouts_openapi_fault_command);
    RUN(test_undeclared_schedule);
    RUN(test_fixed_receiver);
    RUN(test_timeout_undoes_fault);
    RUN(test_cli_interrupt_undoes_fault);
    engine_global_cleanup();
    return check_summary();
}
