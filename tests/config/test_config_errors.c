/* Each kind of config error, with its exact position and key path. */
#include "tests/config/config_test.h"

#define BASE "target:\n  base_url: http://127.0.0.1\n"

static void test_unknown_keys(void)
{
    CHECK_ONE_ERROR(BASE "  endpoints: { chekout: /checkout }\n",
                    "dir/t.yaml:3:16: target.endpoints.chekout: unknown key 'chekout' "
                    "(did you mean 'checkout'?)");
    CHECK_ONE_ERROR(BASE "  timeot: 5s\n", "dir/t.yaml:3:3: target.timeot: unknown key 'timeot' "
                                           "(did you mean 'timeout'?)");
    CHECK_ONE_ERROR(BASE "lod: {}\n",
                    "dir/t.yaml:3:1: lod: unknown key 'lod' (did you mean 'load'?)");
    CHECK_ONE_ERROR(BASE "colour: blue\n", "dir/t.yaml:3:1: colour: unknown key 'colour'");
    /* A key that exists elsewhere in the tree is suggested by its full path. */
    CHECK_ONE_ERROR(BASE "  ca_file: ca.pem\n",
                    "dir/t.yaml:3:3: target.ca_file: unknown key 'ca_file' (did you mean "
                    "'target.tls.ca_file'?)");
    CHECK_ONE_ERROR(BASE "load: { insecure: true }\n",
                    "dir/t.yaml:3:9: load.insecure: unknown key 'insecure' (did you mean "
                    "'target.tls.insecure'?)");
    CHECK_ONE_ERROR(BASE "  webhooks: { receiver_prot: 9000 }\n",
                    "dir/t.yaml:3:15: target.webhooks.receiver_prot: unknown key "
                    "'receiver_prot' (did you mean 'receiver_port'?)");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios:\n    s:\n      - { path: /, methd: GET }\n",
                    "dir/t.yaml:6:20: load.scenarios.s[0].methd: unknown key 'methd' "
                    "(did you mean 'method'?)");
    CHECK_ONE_ERROR(
        BASE "load:\n  scenarios:\n    s:\n      - { path: /, extract: { a: { hedaer: X } } }\n",
        "dir/t.yaml:6:36: load.scenarios.s[0].extract.a.hedaer: unknown key "
        "'hedaer' (did you mean 'header'?)");
}

static void test_missing_required(void)
{
    CHECK_ONE_ERROR("target: { timeout: 5s }\n",
                    "dir/t.yaml:1:9: target.base_url: missing required key 'base_url'");
    CHECK_ONE_ERROR("audit: { fail_on: high }\n",
                    "dir/t.yaml:1:1: target: missing required key 'target'");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios:\n    s:\n      - { name: x }\n",
                    "dir/t.yaml:6:9: load.scenarios.s[0].path: missing required key 'path'");
    CHECK_ONE_ERROR(BASE "load:\n  thresholds:\n    - { abort_on_fail: true }\n",
                    "dir/t.yaml:5:7: load.thresholds[0].expr: missing required key 'expr'");
    CHECK_ONE_ERROR(BASE "  faults: { f: { start: { url: \"http://127.0.0.1/x\" } } }\n",
                    "dir/t.yaml:3:16: target.faults.f.stop: missing required key 'stop'");
    CHECK_ONE_ERROR(BASE "  faults: { f: { start: { method: POST }, stop: { command: x } } }\n",
                    "dir/t.yaml:3:25: target.faults.f.start: missing url or command");
    CHECK_ONE_ERROR(BASE "audit:\n  attestations:\n    - { name: x, date: 2026-01-01 }\n",
                    "dir/t.yaml:5:7: audit.attestations[0].max_age: missing required key "
                    "'max_age'");
    CHECK_ONE_ERROR(BASE "load:\n  feeders: { users: { mode: random } }\n",
                    "dir/t.yaml:4:21: load.feeders.users.file: missing required key 'file'");
}

static void test_wrong_types(void)
{
    CHECK_ONE_ERROR("target: [a, b]\n", "dir/t.yaml:1:9: target: expected a mapping, got a list");
    CHECK_ONE_ERROR(BASE "  timeout: [1s]\n",
                    "dir/t.yaml:3:12: target.timeout: expected a duration (e.g. 10s, 2m, 250ms), "
                    "got a list");
    CHECK_ONE_ERROR(BASE "  tls: { insecure: yes }\n",
                    "dir/t.yaml:3:20: target.tls.insecure: expected true or false, got 'yes'");
    CHECK_ONE_ERROR(BASE "  tls: { insecure: \"true\" }\n",
                    "dir/t.yaml:3:20: target.tls.insecure: expected true or false, got 'true'");
    CHECK_ONE_ERROR("target:\n  base_url:\n",
                    "dir/t.yaml:2:12: target.base_url: expected a URL (e.g. "
                    "https://127.0.0.1:8443), got null");
    CHECK_ONE_ERROR(BASE "  headers: [Accept]\n",
                    "dir/t.yaml:3:12: target.headers: expected a mapping of header names to "
                    "values, got a list");
    CHECK_ONE_ERROR(BASE "load:\n  thresholds: \"p95 < 1s\"\n",
                    "dir/t.yaml:4:15: load.thresholds: expected a list of thresholds, got a "
                    "string");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios: { s: { path: / } }\n",
                    "dir/t.yaml:4:19: load.scenarios.s: expected a list of steps, got a mapping");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios: { s: [] }\n",
                    "dir/t.yaml:4:19: load.scenarios.s: expected a list of steps, got an empty "
                    "list");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios: { s: [ { path: /, body: { a: 1 } } ] }\n",
                    "dir/t.yaml:4:38: load.scenarios.s[0].body: expected a string (use json: "
                    "for structured bodies), got a mapping");
    CHECK_ONE_ERROR("- a\n- b\n",
                    "dir/t.yaml:1:1: expected a mapping with target, audit, load and reports at "
                    "the top, got a list");
    CHECK_ONE_ERROR("", "dir/t.yaml: the config is empty: it needs at least target.base_url");
    CHECK_ONE_ERROR("# only a comment\n",
                    "dir/t.yaml: the config is empty: it needs at least target.base_url");
}

static void test_bad_values(void)
{
    CHECK_ONE_ERROR("target: { base_url: ftp://x }\n",
                    "dir/t.yaml:1:21: target.base_url: bad URL: not an http:// or https:// URL");
    CHECK_ONE_ERROR("target: { base_url: \"http://127.0.0.1:99999\" }\n",
                    "dir/t.yaml:1:21: target.base_url: bad URL: port out of range (1-65535)");
    CHECK_ONE_ERROR(BASE "  timeout: 10\n", "dir/t.yaml:3:12: target.timeout: '10' needs a unit");
    CHECK_ONE_ERROR(BASE "  timeout: 10 s\n",
                    "dir/t.yaml:3:12: target.timeout: '10 s' has an unknown unit");
    CHECK_ONE_ERROR(BASE "  timeout: 0s\n",
                    "dir/t.yaml:3:12: target.timeout: the duration must be above 0");
    CHECK_ONE_ERROR(BASE "  endpoints: { home: index.html }\n",
                    "dir/t.yaml:3:22: target.endpoints.home: 'index.html' is not a path: it must "
                    "start with '/'");
    CHECK_ONE_ERROR(BASE "  headers: { \"X Bad\": 1 }\n",
                    "dir/t.yaml:3:14: target.headers.X Bad: 'X Bad' is not a valid header name");
    CHECK_ONE_ERROR(BASE "  headers:\n    Host: shop.example\n    host: other.example\n",
                    "dir/t.yaml:5:5: target.headers.host: header 'host' is given twice (as "
                    "'Host' on line 4)");
    CHECK_ONE_ERROR(BASE "  headers: { X-A: \"a\\r\\nX-Injected: 1\" }\n",
                    "dir/t.yaml:3:19: target.headers.X-A: a header value cannot hold a line "
                    "break");
    CHECK_ONE_ERROR(BASE "  webhooks: { scheme: stripey }\n",
                    "dir/t.yaml:3:23: target.webhooks.scheme: unknown webhook scheme 'stripey': "
                    "use standard-webhooks, stripe or shopify");
    CHECK_ONE_ERROR(BASE "load: { http: 3 }\n",
                    "dir/t.yaml:3:15: load.http: unknown HTTP version '3': use 1.1, 2 or auto");
    CHECK_ONE_ERROR(BASE "audit: { fail_on: severe }\n",
                    "dir/t.yaml:3:19: audit.fail_on: unknown severity 'severe': use info, low, "
                    "medium, high or critical");
    CHECK_ONE_ERROR(BASE "audit: { only: [S, X-FOO] }\n",
                    "dir/t.yaml:3:20: audit.only[1]: 'X-FOO' is not a probe id or STORE group "
                    "letter (e.g. S, T-COMPRESSION)");
    CHECK_ONE_ERROR(BASE "audit: { skip: [S, ~] }\n",
                    "dir/t.yaml:3:20: audit.skip[1]: expected a string, got null");
    CHECK_ONE_ERROR(BASE "  allowed_hosts: [127.0.0.1, [localhost]]\n",
                    "dir/t.yaml:3:30: target.allowed_hosts[1]: expected a string, got a list");
    CHECK_ONE_ERROR(BASE "audit: { severity: { S: low } }\n",
                    "dir/t.yaml:3:22: audit.severity.S: 'S' is not a probe id (e.g. S-HSTS)");
    CHECK_ONE_ERROR(BASE "audit:\n  attestations: [ { name: x, date: 2026-02-29, max_age: 1d } ]\n",
                    "dir/t.yaml:4:36: audit.attestations[0].date: '2026-02-29' is not a date: "
                    "write YYYY-MM-DD");
    CHECK_ONE_ERROR(BASE "audit: { idempotency_conflict: [409, 201] }\n",
                    "dir/t.yaml:3:38: audit.idempotency_conflict[1]: 201 is not a 4xx: a reused "
                    "key with another body must be refused");
    CHECK_ONE_ERROR(BASE "audit: { idempotency_conflict: 4xx }\n",
                    "dir/t.yaml:3:32: audit.idempotency_conflict: '4xx' is not an HTTP status "
                    "code (100-599)");
    CHECK_ONE_ERROR(BASE "audit: { max_connections_per_host: 0 }\n",
                    "dir/t.yaml:3:36: audit.max_connections_per_host: must be between 1 and 256, "
                    "got 0");
    CHECK_ONE_ERROR(BASE "audit: { max_connections_per_host: 257 }\n",
                    "dir/t.yaml:3:36: audit.max_connections_per_host: must be between 1 and 256, "
                    "got 257");
    CHECK_ONE_ERROR(BASE "load: { connections: 0 }\n",
                    "dir/t.yaml:3:22: load.connections: must be between 1 and 4294967295, "
                    "got 0");
    CHECK_ONE_ERROR(BASE "load: { rate: 5/d }\n",
                    "dir/t.yaml:3:15: load.rate: '5/d': a rate is per /s, /m or /h");
    CHECK_ONE_ERROR(BASE "load: { rate: 2k/s, max_rate: 1k/s }\n",
                    "dir/t.yaml:3:15: load.rate: rate is above max_rate");
    CHECK_ONE_ERROR(BASE "load: { seed: 1.5 }\n",
                    "dir/t.yaml:3:15: load.seed: '1.5' is not a whole number from 0 to "
                    "18446744073709551615");
    CHECK_ONE_ERROR(BASE "load: { seed: 18446744073709551616 }\n",
                    "dir/t.yaml:3:15: load.seed: '18446744073709551616' is not a whole number "
                    "from 0 to 18446744073709551615");
    CHECK_ONE_ERROR(BASE "load: { profile: \"flash sale\" }\n",
                    "dir/t.yaml:3:18: load.profile: 'flash sale' is not a profile name or a "
                    ".yaml file");
    CHECK_ONE_ERROR(BASE "load: { feeders: { u: { file: u.csv, mode: shuffled } } }\n",
                    "dir/t.yaml:3:44: load.feeders.u.mode: unknown feeder mode 'shuffled': use "
                    "random, sequential or unique");
}

/* Loading yaml succeeds. */
static void check_loads(const char *yaml)
{
    struct config c;
    struct diag_list d;
    CHECK(test_load(&c, &d, yaml) == 0);
    test_print_diags(&d);
    diag_list_free(&d);
    config_free(&c);
}

/* The capacity section: each value's own error, and the rules that join them. */
static void test_capacity_section(void)
{
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, step_factor: 1 }\n",
                    "dir/t.yaml:3:41: capacity.step_factor: '1' is not a factor above 1 and at "
                    "most 100 (e.g. 2, 1.5)");
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, warmup: 1500ms }\n",
                    "dir/t.yaml:3:36: capacity.warmup: the warm-up is whole seconds (the judged "
                    "window starts on one)");
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, precision: 100% }\n",
                    "dir/t.yaml:3:39: capacity.precision: a relative precision is above 0% and "
                    "below 100%");
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, abort_error_rate: 0.5 }\n",
                    "dir/t.yaml:3:46: capacity.abort_error_rate: '0.5' is not a percentage from "
                    "0% to 100% (e.g. 5%)");
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, step_factor: 2, step_increment: 10 }\n",
                    "dir/t.yaml:3:60: capacity.step_increment: give step_factor or "
                    "step_increment, not both");
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, target: 200 }\n",
                    "dir/t.yaml:3:36: capacity.target: target is above max_rate: it could "
                    "never be shown to hold");
    CHECK_ONE_ERROR(BASE "capacity: { start: 10 }\n",
                    "dir/t.yaml:3:11: capacity: max_rate is required (or load.max_rate): no "
                    "step goes above it");
    CHECK_ONE_ERROR(BASE "load: { max_rate: 50 }\ncapacity: { max_rate: 100 }\n",
                    "dir/t.yaml:4:11: capacity: max_rate (100/s) is above load.max_rate (50/s)");
    CHECK_ONE_ERROR(BASE "load: { max_rate: 50 }\ncapacity: { start: 60 }\n",
                    "dir/t.yaml:4:11: capacity: start (60/s) is above max_rate (50/s)");
    CHECK_ONE_ERROR(BASE "capacity: { max_rate: 100, max_step: 5 }\n",
                    "dir/t.yaml:3:28: capacity.max_step: unknown key 'max_step' (did you mean "
                    "'max_steps'?)");

    struct config c;
    struct diag_list d;
    CHECK(test_load(&c, &d, BASE "load: { max_rate: 500 }\ncapacity: { precision: 20/s, "
                                 "warmup: 0s, step_increment: 25 }\n") == 0);
    test_print_diags(&d);
    CHECK(c.capacity.present && c.capacity.max_rate == 500 && c.capacity.start == 10);
    CHECK(c.capacity.precision == 20 && !c.capacity.precision_relative);
    CHECK(c.capacity.warmup_ms == 0 && c.capacity.step_increment == 25 &&
          c.capacity.step_factor == 0 && c.capacity.max_steps == 20);
    diag_list_free(&d);
    config_free(&c);
}

static void test_webhook_receiver(void)
{
    CHECK_ONE_ERROR(BASE "  webhooks: { receiver_port: 0 }\n",
                    "dir/t.yaml:3:30: target.webhooks.receiver_port: must be between 1 and 65535, "
                    "got 0");
    CHECK_ONE_ERROR(BASE "  webhooks: { receiver_port: 65536 }\n",
                    "dir/t.yaml:3:30: target.webhooks.receiver_port: must be between 1 and 65535, "
                    "got 65536");
    CHECK_ONE_ERROR(BASE "  webhooks: { receiver_host: 999.1.1.1 }\n",
                    "dir/t.yaml:3:30: target.webhooks.receiver_host: '999.1.1.1' is not an "
                    "IPv4 or IPv6 address (e.g. 127.0.0.1 or ::1)");
    CHECK_ONE_ERROR(BASE "  webhooks: { receiver_host: shop.example }\n",
                    "dir/t.yaml:3:30: target.webhooks.receiver_host: 'shop.example' is not an "
                    "IPv4 or IPv6 address (e.g. 127.0.0.1 or ::1)");
    check_loads(BASE "  webhooks: { receiver_host: \"::1\", receiver_port: 65535 }\n");
}

static void test_tab_indentation(void)
{
    CHECK_ONE_ERROR("target:\n\tbase_url: http://127.0.0.1\n",
                    "dir/t.yaml:2:1: tabs are not allowed for indentation: indent with spaces");
    CHECK_ONE_ERROR(BASE "  headers:\n   \tX-A: b\n",
                    "dir/t.yaml:4:4: tabs are not allowed for indentation: indent with spaces");
    /* A tab inside a value is text, not indentation. */
    check_loads(BASE "  headers: { X-A: \"a\tb\" }\n");
}

static void test_step_errors(void)
{
#define STEP(s) BASE "load:\n  scenarios:\n    s:\n      - " s "\n"
    CHECK_ONE_ERROR(STEP("{ path: /, method: \"GE T\" }"),
                    "dir/t.yaml:6:28: load.scenarios.s[0].method: 'GE T' is not an HTTP method");
    CHECK_ONE_ERROR(STEP("{ path: /, expect: [200, 600] }"),
                    "dir/t.yaml:6:34: load.scenarios.s[0].expect[1]: '600' is not an HTTP "
                    "status code (100-599)");
    CHECK_ONE_ERROR(STEP("{ path: /, expect: 20x }"),
                    "dir/t.yaml:6:28: load.scenarios.s[0].expect: '20x' is not an HTTP status "
                    "code (100-599)");
    CHECK_ONE_ERROR(STEP("{ path: /, extract: { id: \"id\" } }"),
                    "dir/t.yaml:6:35: load.scenarios.s[0].extract.id: 'id' is not a JSON path: "
                    "it starts with '$'");
    CHECK_ONE_ERROR(STEP("{ path: /, extract: { 1x: $.id } }"),
                    "dir/t.yaml:6:31: load.scenarios.s[0].extract.1x: '1x' is not a variable "
                    "name (letters, digits and _)");
    CHECK_ONE_ERROR(STEP("{ path: /, check: [ \"$.id exists\", { json: $.id } ] }"),
                    "dir/t.yaml:6:44: load.scenarios.s[0].check[1]: expected a check such as "
                    "'$.status == \"paid\"', got a mapping");
    CHECK_ONE_ERROR(STEP("{ path: /, think: 2s-1s }"),
                    "dir/t.yaml:6:27: load.scenarios.s[0].think: the range '2s-1s' ends before "
                    "it starts");
    CHECK_ONE_ERROR(STEP("{ path: /, think: 0s }"),
                    "dir/t.yaml:6:27: load.scenarios.s[0].think: the pause must be above 0 "
                    "(leave think out for none)");
    CHECK_ONE_ERROR(STEP("{ path: /, think: 0s-0ms }"),
                    "dir/t.yaml:6:27: load.scenarios.s[0].think: the pause must be above 0 "
                    "(leave think out for none)");
    CHECK_ONE_ERROR(STEP("{ path: /, think: 1s-x }"),
                    "dir/t.yaml:6:27: load.scenarios.s[0].think: 'x' is not a number with a "
                    "unit");
    CHECK_ONE_ERROR(STEP("{ path: /, json: {}, form: { a: b } }"),
                    "dir/t.yaml:6:36: load.scenarios.s[0].form: a step has one body: json, form, "
                    "body or graphql, not several");
    CHECK_ONE_ERROR(STEP("{ name: pay, graphql: { query: \"{ a }\" } }"),
                    "dir/t.yaml:6:9: load.scenarios.s[0]: a graphql step needs a path: set "
                    "target.graphql.path, or path on the step");
    CHECK_ONE_ERROR(STEP("{ path: /g, graphql: { query: [a] } }"),
                    "dir/t.yaml:6:39: load.scenarios.s[0].graphql.query: the query is a string "
                    "(the GraphQL document), got a list");
    CHECK_ONE_ERROR(STEP("{ path: /g, graphql: { query: \"{ a }\", varibles: {} } }"),
                    "dir/t.yaml:6:48: load.scenarios.s[0].graphql.varibles: unknown key "
                    "'varibles' (did you mean 'variables'?)");
    CHECK_ONE_ERROR(STEP("{ path: products }"),
                    "dir/t.yaml:6:17: load.scenarios.s[0].path: 'products' is not a path: it "
                    "must start with '/'");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios:\n    s:\n      - { name: a, path: / }\n"
                         "      - { name: a, path: /x }\n",
                    "dir/t.yaml:7:9: load.scenarios.s[1]: step name 'a' is already used in this "
                    "scenario");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios:\n    \"check out\": [ { path: / } ]\n",
                    "dir/t.yaml:5:5: load.scenarios.check out: 'check out' is not a valid "
                    "scenario name (letters, digits, _ . -)");
#undef STEP
}

static void test_allowed_hosts(void)
{
    CHECK_ONE_ERROR("target:\n  base_url: https://shop.example\n  allowed_hosts: [127.0.0.1]\n",
                    "dir/t.yaml:2:13: target.base_url: host 'shop.example' is not in "
                    "target.allowed_hosts");
    CHECK_ONE_ERROR(BASE "  allowed_hosts: [127.0.0.1, \"https://x\"]\n",
                    "dir/t.yaml:3:30: target.allowed_hosts[1]: 'https://x' is a URL: "
                    "allowed_hosts lists host names only");
    CHECK_ONE_ERROR(BASE "  allowed_hosts: [127.0.0.1, \"127.0.0.1:8443\"]\n",
                    "dir/t.yaml:3:30: target.allowed_hosts[1]: '127.0.0.1:8443' is not a host "
                    "name or address (no port, no path)");
    CHECK_ONE_ERROR(BASE "  http_url: http://shop.example:8080/\n",
                    "dir/t.yaml:3:13: target.http_url: host 'shop.example' is not in "
                    "target.allowed_hosts");
    CHECK_ONE_ERROR(BASE "  http_url: https://127.0.0.1/\n",
                    "dir/t.yaml:3:13: target.http_url: http_url is the plain-HTTP address: it "
                    "starts with http://");
    CHECK_ONE_ERROR(BASE "  faults:\n    f:\n      start: { url: \"http://evil.example/x\" }\n"
                         "      stop: { command: \"true\" }\n",
                    "dir/t.yaml:5:21: target.faults.f.start.url: host 'evil.example' is not in "
                    "target.allowed_hosts");
    CHECK_ONE_ERROR(BASE
                    "  faults:\n    f:\n      start: { url: \"http://127.0.0.1/x\", command: x }\n"
                    "      stop: { command: \"true\" }\n",
                    "dir/t.yaml:5:14: target.faults.f.start: give either url or command, not "
                    "both");
    /* IPv6 in either spelling. */
    struct config cfg;
    struct diag_list d;
    CHECK_INT_EQ(test_load(&cfg, &d,
                           "target:\n  base_url: \"http://[::1]:8080\"\n"
                           "  allowed_hosts: [\"[::1]\", \"::1\", localhost]\n"),
                 0);
    test_print_diags(&d);
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_duplicates(void)
{
    CHECK_ONE_ERROR(BASE "  timeout: 1s\n  timeout: 2s\n",
                    "dir/t.yaml:4:3: target.timeout: duplicate key 'timeout' (first at line 3)");
    CHECK_ONE_ERROR(BASE "load:\n  scenarios:\n    a: [ { path: / } ]\n    a: [ { path: / } ]\n",
                    "dir/t.yaml:6:5: load.scenarios.a: duplicate key 'a' (first at line 5)");
}

static void test_env_errors_and_secrets(void)
{
    CHECK_ONE_ERROR(BASE "  headers: { Authorization: \"Bearer ${NOPE_TOKEN}\" }\n",
                    "dir/t.yaml:3:29: target.headers.Authorization: environment variable "
                    "NOPE_TOKEN is not set (write ${NOPE_TOKEN:-default} to give a default)");
    CHECK_ONE_ERROR(BASE "  timeout: \"${PORT\"\n",
                    "dir/t.yaml:3:12: target.timeout: unterminated '${': write '}' after the "
                    "variable name, or '$${' for a literal '${'");
    /* A value from the environment is blanked out of messages that quote it. */
    CHECK_ONE_ERROR(BASE "  timeout: ${STORE_TOKEN}\n",
                    "dir/t.yaml:3:12: target.timeout: '[redacted]' is not a number with a unit");
    CHECK_ONE_ERROR(BASE "audit: { fail_on: \"x${STORE_TOKEN}\" }\n",
                    "dir/t.yaml:3:19: audit.fail_on: unknown severity 'x[redacted]': use info, "
                    "low, medium, high or critical");
}

/* A secret at the end of a long quoted value is still blanked out whole. */
static void test_secret_in_long_value(void)
{
    char yaml[4096] = BASE "audit: { fail_on: \"";
    memset(yaml + strlen(yaml), 'x', 2000);
    strcat(yaml, "${STORE_TOKEN}\" }\n");
    struct config cfg;
    struct diag_list d;
    CHECK(test_load(&cfg, &d, yaml) == -1);
    CHECK_INT_EQ(d.count, 1);
    CHECK(d.count && !strstr(d.items[0].message, "tok-s3"));
    CHECK(d.count && strstr(d.items[0].message, "x[redacted]'"));
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_all_errors_in_one_pass(void)
{
    struct config cfg;
    struct diag_list d;
    CHECK(test_load(&cfg, &d,
                    "target:\n"
                    "  base_url: http://127.0.0.1\n"
                    "  timeout: 5\n"
                    "  endpoints: { chekout: /x }\n"
                    "audit: { fail_on: severe }\n"
                    "load:\n"
                    "  thresholds: [ok, [x]]\n"
                    "  connections: -1\n") == -1);
    CHECK_INT_EQ(d.count, 5);
    /* In file order. */
    int last = 0;
    for (size_t i = 0; i < d.count; i++) {
        CHECK(d.items[i].line >= last);
        last = d.items[i].line;
    }
    CHECK(test_has_diag(&d, "dir/t.yaml:7:20: load.thresholds[1]: expected a threshold "
                            "expression (e.g. \"p95(scenario:checkout) < 800ms\"), got a list"));
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_error_cap(void)
{
    char yaml[16384] = BASE "audit:\n  only:\n";
    for (int i = 0; i < 300; i++)
        strcat(yaml, "    - bad\n");
    struct config cfg;
    struct diag_list d;
    CHECK(test_load(&cfg, &d, yaml) == -1);
    CHECK_INT_EQ(d.count, 101);
    CHECK(test_has_diag(&d, "dir/t.yaml: too many errors; stopping here"));
    diag_list_free(&d);
    config_free(&cfg);
}

int main(void)
{
    RUN(test_unknown_keys);
    RUN(test_missing_required);
    RUN(test_wrong_types);
    RUN(test_bad_values);
    RUN(test_webhook_receiver);
    RUN(test_tab_indentation);
    RUN(test_step_errors);
    RUN(test_allowed_hosts);
    RUN(test_duplicates);
    RUN(test_env_errors_and_secrets);
    RUN(test_secret_in_long_value);
    RUN(test_all_errors_in_one_pass);
    RUN(test_error_cap);
    RUN(test_capacity_section);
    return check_summary();
}
