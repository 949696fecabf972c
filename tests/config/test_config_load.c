/* Valid configs load into the expected values, with defaults for what they leave out. */
#include "config/config_load.h"
#include "tests/config/config_test.h"

static const char full[] =
    "target:\n"
    "  base_url: https://127.0.0.1:${PORT}\n"
    "  allowed_hosts: [127.0.0.1, localhost, \"::1\"]\n"
    "  http_url: http://localhost:8080/\n"
    "  tls: { ca_file: certs/ca.pem, insecure: true }\n"
    "  timeout: 7s\n"
    "  headers: { Authorization: \"Bearer ${STORE_TOKEN}\", Accept-Language: en }\n"
    "  endpoints: { home: /, product: \"/api/v1/products/{{id}}\", checkout: /api/v1/checkout,\n"
    "               metrics: ~ }\n"
    "  webhooks: { subscribe: /api/v1/webhooks, secret: \"${WEBHOOK_SECRET}\", scheme: stripe,\n"
    "              intake_secret: in-secret-1, intake_scheme: shopify,\n"
    "              schedule: [1s, 2s, 4s], wait: 45s, receiver_host: 127.0.0.2 }\n"
    "  faults:\n"
    "    orders_down:\n"
    "      start: { method: PUT, url: \"http://127.0.0.1:9100/faults/orders_down\" }\n"
    "      stop: { command: \"curl -X DELETE x\" }\n"
    "audit:\n"
    "  fail_on: medium\n"
    "  accept: accepted.yaml\n"
    "  deadline: 2m\n"
    "  probe_timeout: 20s\n"
    "  only: [S, T-COMPRESSION]\n"
    "  skip: O-METRICS\n"
    "  severity: { S-HSTS: low, T-CACHE: critical }\n"
    "  allow_orders: true\n"
    "  latency_budget: 300ms\n"
    "  clock_skew: 5s\n"
    "  attestations:\n"
    "    - { name: backup_restore_test, date: 2026-10-01, evidence: \"https://wiki/r\",\n"
    "        max_age: 90d }\n"
    "load:\n"
    "  profile: profiles/custom.yaml\n"
    "  duration: 2m\n"
    "  rate: 200/s\n"
    "  max_rate: 1k/s\n"
    "  connections: 50\n"
    "  threads: 2\n"
    "  seed: 18446744073709551615\n"
    "  feeders: { users: { file: /data/users.csv, mode: unique }, skus: { file: skus.csv } }\n"
    "  scenarios:\n"
    "    browse:\n"
    "      - name: list\n"
    "        method: GET\n"
    "        path: \"/api/v1/products?page={{randint 1 10}}\"\n"
    "        headers: { Accept: application/json, X-Api-Token: \"{{token}}\" }\n"
    "        expect: [200, 304]\n"
    "        extract: { product_id: \"$.items[*].id\", etag: { header: ETag },\n"
    "                   cart: { cookie: cart } }\n"
    "        think: 500ms-2s\n"
    "      - path: \"/api/v1/products/{{product_id}}\"\n"
    "        think: 1s\n"
    "    checkout:\n"
    "      - { name: cart, method: POST, path: /api/v1/carts, json: {}, expect: 201 }\n"
    "      - name: order\n"
    "        method: POST\n"
    "        path: /api/v1/checkout\n"
    "        json: { cart_id: \"{{cart_id}}\", qty: 2, price: -1.5e3, gift: false, note: ~,\n"
    "                tags: [a, \"1\", 007], text: \"say \\\"hi\\\"\\n\" }\n"
    "      - { name: login, method: POST, path: /api/v1/login,\n"
    "          form: { user: \"a b&c\", pass: \"{{users.password}}\" } }\n"
    "      - { name: raw, method: POST, path: /raw, body: \"plain {{x}}\" }\n"
    "  thresholds:\n"
    "    - \"p95(scenario:checkout) < 800ms\"\n"
    "    - { expr: \"error_rate < 0.5%\", abort_on_fail: true }\n"
    "reports: { json: out/report.json, html: /tmp/r.html, junit: j.xml, markdown: s.md,\n"
    "           sarif: out/r.sarif }\n";

static int has_secret(const struct config *cfg, const char *s)
{
    for (size_t i = 0; i < cfg->secrets.count; i++)
        if (strcmp(cfg->secrets.items[i], s) == 0)
            return 1;
    return 0;
}

static void test_full_config(void)
{
    struct config cfg;
    struct diag_list d;
    int rc = test_load(&cfg, &d, full);
    test_print_diags(&d);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(cfg.path, "dir/t.yaml");
    CHECK_STR_EQ(cfg.dir, "dir");

    const struct target *t = &cfg.target;
    CHECK_STR_EQ(t->base_url, "https://127.0.0.1:8443");
    CHECK_STR_EQ(t->base.host, "127.0.0.1");
    CHECK_INT_EQ(t->base.port, 8443);
    CHECK_INT_EQ(t->base.tls, 1);
    CHECK_INT_EQ(t->allowed_hosts.count, 3);
    CHECK_STR_EQ(t->allowed_hosts.items[2], "::1");
    CHECK_STR_EQ(t->http_url, "http://localhost:8080/");
    CHECK_STR_EQ(t->ca_file, "dir/certs/ca.pem");
    CHECK_INT_EQ(t->insecure, 1);
    CHECK_INT_EQ(t->timeout_ms, 7000);
    CHECK_INT_EQ(t->headers.count, 2);
    CHECK_STR_EQ(t->headers.items[0].key, "Authorization");
    CHECK_STR_EQ(t->headers.items[0].value, "Bearer tok-s3cr3t-value");
    CHECK_INT_EQ(t->headers.items[0].pos.line, 7);
    CHECK_STR_EQ(t->headers.items[1].value, "en");
    CHECK_STR_EQ(t->endpoints[EP_HOME], "/");
    CHECK_STR_EQ(t->endpoints[EP_PRODUCT], "/api/v1/products/{{id}}");
    CHECK_STR_EQ(t->endpoints[EP_CHECKOUT], "/api/v1/checkout");
    CHECK(t->endpoints[EP_METRICS] == NULL);
    CHECK(t->endpoints[EP_CART] == NULL);

    const struct webhooks *wh = &t->webhooks;
    CHECK_STR_EQ(wh->subscribe, "/api/v1/webhooks");
    CHECK_STR_EQ(wh->secret, "whsec_abcdef123456");
    CHECK_INT_EQ(wh->scheme, WEBHOOK_STRIPE);
    CHECK_STR_EQ(wh->intake_secret, "in-secret-1");
    CHECK_INT_EQ(wh->intake_scheme, WEBHOOK_SHOPIFY);
    CHECK_INT_EQ(wh->schedule_count, 3);
    CHECK_INT_EQ(wh->schedule_ms[2], 4000);
    CHECK_INT_EQ(wh->wait_ms, 45000);
    CHECK_STR_EQ(wh->receiver_host, "127.0.0.2");

    CHECK_INT_EQ(t->fault_count, 1);
    CHECK_STR_EQ(t->faults[0].name, "orders_down");
    CHECK_INT_EQ(t->faults[0].pos.line, 15);
    CHECK_INT_EQ(t->faults[0].start.kind, FAULT_HTTP);
    CHECK_STR_EQ(t->faults[0].start.method, "PUT");
    CHECK_STR_EQ(t->faults[0].start.url, "http://127.0.0.1:9100/faults/orders_down");
    CHECK_INT_EQ(t->faults[0].stop.kind, FAULT_COMMAND);
    CHECK_STR_EQ(t->faults[0].stop.command, "curl -X DELETE x");
    CHECK(t->faults[0].stop.method == NULL);

    const struct audit *a = &cfg.audit;
    CHECK_INT_EQ(a->fail_on, SEV_MEDIUM);
    CHECK_STR_EQ(a->accept_file, "dir/accepted.yaml");
    CHECK_INT_EQ(a->deadline_ms, 120000);
    CHECK_INT_EQ(a->probe_timeout_ms, 20000);
    CHECK_INT_EQ(a->only.count, 2);
    CHECK_STR_EQ(a->only.items[1], "T-COMPRESSION");
    CHECK_INT_EQ(a->skip.count, 1);
    CHECK_STR_EQ(a->skip.items[0], "O-METRICS");
    CHECK_INT_EQ(a->severity_override_count, 2);
    CHECK_STR_EQ(a->severity_overrides[1].probe_id, "T-CACHE");
    CHECK_INT_EQ(a->severity_overrides[1].severity, SEV_CRITICAL);
    CHECK_INT_EQ(a->allow_orders, 1);
    CHECK_INT_EQ(a->latency_budget_ms, 300);
    CHECK_INT_EQ(a->clock_skew_ms, 5000);
    CHECK_INT_EQ(a->attestation_count, 1);
    CHECK_STR_EQ(a->attestations[0].name, "backup_restore_test");
    CHECK_STR_EQ(a->attestations[0].date, "2026-10-01");
    CHECK_INT_EQ(a->attestations[0].when, 1790812800); /* 2026-10-01T00:00:00Z */
    CHECK_STR_EQ(a->attestations[0].evidence, "https://wiki/r");
    CHECK_INT_EQ(a->attestations[0].max_age_days, 90);
    CHECK_INT_EQ(a->attestations[0].pos.line, 29);

    const struct load *l = &cfg.load;
    CHECK_STR_EQ(l->profile, "dir/profiles/custom.yaml");
    CHECK_INT_EQ(l->profile_pos.line, 32);
    CHECK_INT_EQ(l->profile_pos.col, 12);
    CHECK_INT_EQ(l->duration_ms, 120000);
    CHECK(l->rate == 200.0);
    CHECK(l->max_rate == 1000.0);
    CHECK_INT_EQ(l->connections, 50);
    CHECK_INT_EQ(l->threads, 2);
    CHECK_INT_EQ(l->timeout_ms, 7000); /* target.timeout */
    CHECK(l->seed == UINT64_MAX);
    CHECK_INT_EQ(l->feeder_count, 2);
    CHECK_STR_EQ(l->feeders[0].file, "/data/users.csv");
    CHECK_INT_EQ(l->feeders[0].mode, FEEDER_UNIQUE);
    CHECK_STR_EQ(l->feeders[1].name, "skus");
    CHECK_STR_EQ(l->feeders[1].file, "dir/skus.csv");
    CHECK_INT_EQ(l->feeders[1].mode, FEEDER_RANDOM);

    CHECK_INT_EQ(l->scenario_count, 2);
    const struct scenario *br = &l->scenarios[0];
    CHECK_STR_EQ(br->name, "browse");
    CHECK_INT_EQ(br->step_count, 2);
    const struct step *s = &br->steps[0];
    CHECK_STR_EQ(s->name, "list");
    CHECK_STR_EQ(s->method, "GET");
    CHECK_STR_EQ(s->path, "/api/v1/products?page={{randint 1 10}}");
    CHECK_INT_EQ(s->pos.line, 42);
    CHECK_INT_EQ(s->path_pos.line, 44);
    CHECK_INT_EQ(s->path_pos.col, 15);
    CHECK_INT_EQ(s->headers.count, 2);
    CHECK_INT_EQ(s->expect_count, 2);
    CHECK_INT_EQ(s->expect[1], 304);
    CHECK_INT_EQ(s->extraction_count, 3);
    CHECK_STR_EQ(s->extractions[0].var, "product_id");
    CHECK_INT_EQ(s->extractions[0].source, EXTRACT_JSON);
    CHECK_STR_EQ(s->extractions[0].expr, "$.items[*].id");
    CHECK_INT_EQ(s->extractions[1].source, EXTRACT_HEADER);
    CHECK_STR_EQ(s->extractions[1].expr, "ETag");
    CHECK_INT_EQ(s->extractions[2].source, EXTRACT_COOKIE);
    CHECK_STR_EQ(s->extractions[2].expr, "cart");
    CHECK_INT_EQ(s->think_min_ms, 500);
    CHECK_INT_EQ(s->think_max_ms, 2000);
    CHECK_INT_EQ(s->body_kind, BODY_NONE);
    s = &br->steps[1];
    CHECK_STR_EQ(s->name, "step2");
    CHECK_STR_EQ(s->method, "GET");
    CHECK_INT_EQ(s->expect_count, 0);
    CHECK_INT_EQ(s->think_min_ms, 1000);
    CHECK_INT_EQ(s->think_max_ms, 1000);

    const struct scenario *co = &l->scenarios[1];
    CHECK_INT_EQ(co->step_count, 4);
    CHECK_INT_EQ(co->steps[0].body_kind, BODY_JSON);
    CHECK_STR_EQ(co->steps[0].body, "{}");
    CHECK_INT_EQ(co->steps[0].expect_count, 1);
    CHECK_INT_EQ(co->steps[0].expect[0], 201);
    CHECK_INT_EQ(co->steps[1].body_kind, BODY_JSON);
    CHECK_STR_EQ(co->steps[1].body,
                 "{\"cart_id\":\"{{cart_id}}\",\"qty\":2,\"price\":-1.5e3,\"gift\":false,"
                 "\"note\":null,\"tags\":[\"a\",\"1\",\"007\"],\"text\":\"say \\\"hi\\\"\\n\"}");
    CHECK_INT_EQ(co->steps[1].body_pos.line, 57);
    CHECK_INT_EQ(co->steps[2].body_kind, BODY_FORM);
    CHECK_STR_EQ(co->steps[2].body, "user=a+b%26c&pass={{users.password}}");
    CHECK_INT_EQ(co->steps[3].body_kind, BODY_RAW);
    CHECK_STR_EQ(co->steps[3].body, "plain {{x}}");

    CHECK_INT_EQ(l->threshold_count, 2);
    CHECK_STR_EQ(l->thresholds[0].expr, "p95(scenario:checkout) < 800ms");
    CHECK_INT_EQ(l->thresholds[0].abort_on_fail, 0);
    CHECK_INT_EQ(l->thresholds[0].pos.line, 63);
    CHECK_INT_EQ(l->thresholds[0].pos.col, 7);
    CHECK_STR_EQ(l->thresholds[1].expr, "error_rate < 0.5%");
    CHECK_INT_EQ(l->thresholds[1].abort_on_fail, 1);

    CHECK_STR_EQ(cfg.reports.json, "dir/out/report.json");
    CHECK_STR_EQ(cfg.reports.html, "/tmp/r.html");
    CHECK_STR_EQ(cfg.reports.junit, "dir/j.xml");
    CHECK_STR_EQ(cfg.reports.markdown, "dir/s.md");
    CHECK_STR_EQ(cfg.reports.sarif, "dir/out/r.sarif");

    /* Environment values, credential headers (target and step) and webhook secrets; not the
     * store's address, which every report is about. */
    CHECK(has_secret(&cfg, "tok-s3cr3t-value"));
    CHECK(!has_secret(&cfg, "8443"));
    CHECK(has_secret(&cfg, "Bearer tok-s3cr3t-value"));
    CHECK(has_secret(&cfg, "whsec_abcdef123456"));
    CHECK(has_secret(&cfg, "in-secret-1"));
    CHECK(has_secret(&cfg, "{{token}}"));
    CHECK(!has_secret(&cfg, "en"));
    CHECK_INT_EQ(cfg.secrets.count, 5);
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_minimal_defaults(void)
{
    struct config cfg;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&cfg, &d, "target: { base_url: \"http://Shop.Test\" }\n"), 0);
    CHECK_INT_EQ(cfg.target.allowed_hosts.count, 1);
    CHECK_STR_EQ(cfg.target.allowed_hosts.items[0], "Shop.Test");
    CHECK_INT_EQ(cfg.target.base.port, 80);
    CHECK_INT_EQ(cfg.target.timeout_ms, 10000);
    CHECK_INT_EQ(cfg.target.insecure, 0);
    CHECK(cfg.target.ca_file == NULL);
    CHECK(cfg.target.http_url == NULL);
    CHECK_INT_EQ(cfg.target.webhooks.scheme, WEBHOOK_STANDARD);
    CHECK_INT_EQ(cfg.target.webhooks.wait_ms, 30000);
    CHECK_STR_EQ(cfg.target.webhooks.receiver_host, "127.0.0.1");
    CHECK_INT_EQ(cfg.audit.fail_on, SEV_HIGH);
    CHECK_INT_EQ(cfg.audit.deadline_ms, 60000);
    CHECK_INT_EQ(cfg.audit.probe_timeout_ms, 15000);
    CHECK_INT_EQ(cfg.audit.latency_budget_ms, 800);
    CHECK_INT_EQ(cfg.audit.clock_skew_ms, 60000);
    CHECK_INT_EQ(cfg.audit.max_connections_per_host, 6);
    CHECK_INT_EQ(cfg.audit.allow_orders, 0);
    CHECK(cfg.load.profile == NULL);
    CHECK_INT_EQ(cfg.load.timeout_ms, 10000);
    CHECK_INT_EQ(cfg.load.seed, 1);
    CHECK_INT_EQ(cfg.load.scenario_count, 0);
    CHECK(cfg.reports.json == NULL);
    CHECK_INT_EQ(cfg.secrets.count, 0);
    CHECK_INT_EQ(d.count, 0);
    diag_list_free(&d);
    config_free(&cfg);
}

/* The store's address from the environment stays visible; a header from it does not. */
static void test_address_from_env(void)
{
    struct config cfg;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&cfg, &d,
                           "target:\n"
                           "  base_url: \"https://127.0.0.1:${PORT}\"\n"
                           "  http_url: \"http://127.0.0.1:${PORT}/\"\n"
                           "  allowed_hosts: [\"127.0.0.1\", \"h${PORT}.test\"]\n"
                           "  headers: { X-Shop: \"${PORT}\" }\n"),
                 0);
    test_print_diags(&d);
    CHECK_STR_EQ(cfg.target.http_url, "http://127.0.0.1:8443/");
    /* Only the header's value from the environment is a secret. */
    CHECK(has_secret(&cfg, "8443"));
    CHECK_INT_EQ(cfg.secrets.count, 1);
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_profile_name_and_env_default(void)
{
    struct config cfg;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&cfg, &d,
                           "target:\n"
                           "  base_url: \"https://${HOST:-localhost}:${EMPTY:-9443}/shop\"\n"
                           "  headers: { X-Note: \"cost: $$5, literal $${HOME}\" }\n"
                           "load: { profile: flash-sale, timeout: 1s }\n"),
                 0);
    CHECK_STR_EQ(cfg.target.base_url, "https://localhost:9443/shop");
    CHECK_STR_EQ(cfg.target.base.path, "/shop");
    CHECK_STR_EQ(cfg.target.headers.items[0].value, "cost: $$5, literal ${HOME}");
    CHECK_STR_EQ(cfg.load.profile, "flash-sale");
    CHECK_INT_EQ(cfg.load.timeout_ms, 1000);
    /* Defaults are written in the file: not secrets. EMPTY is set but empty. */
    CHECK_INT_EQ(cfg.secrets.count, 0);
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_buffer_without_path(void)
{
    struct config cfg;
    struct diag_list d;
    diag_list_init(&d);
    const char *y = "target: { base_url: \"http://127.0.0.1\" }\nreports: { json: r.json }\n";
    CHECK_INT_EQ(config_load_buffer(&cfg, y, strlen(y), NULL, &test_env, &d), 0);
    CHECK_STR_EQ(cfg.path, "<config>");
    CHECK_STR_EQ(cfg.reports.json, "r.json");
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_connections_per_host(void)
{
    struct config cfg;
    struct diag_list d;
    diag_list_init(&d);
    const char *y = "target: { base_url: \"http://127.0.0.1\" }\n"
                    "audit: { max_connections_per_host: 12 }\n";
    CHECK_INT_EQ(config_load_buffer(&cfg, y, strlen(y), NULL, &test_env, &d), 0);
    CHECK_INT_EQ(cfg.audit.max_connections_per_host, 12);
    diag_list_free(&d);
    config_free(&cfg);
}

int main(void)
{
    RUN(test_full_config);
    RUN(test_minimal_defaults);
    RUN(test_address_from_env);
    RUN(test_profile_name_and_env_default);
    RUN(test_buffer_without_path);
    RUN(test_connections_per_host);
    return check_summary();
}
