/* HTTP/2 against nginx on loopback: h2 chosen by ALPN over TLS (through nginx's GOAWAY after
 * 50 requests on a connection, whose unprocessed streams are sent again), h2c with prior
 * knowledge in the open model, auto choosing by ALPN, and a server without h2 refused when
 * the run insists on HTTP/2. Counts, statuses and the protocol of each connection; a scenario
 * run over h2c whose steps extract from JSON and send a cookie back. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loadgen/engine.h"
#include "tests/loadgen/nginx_fixture.h"
#include "tests/support/check.h"

static struct nginx_fixture ngx;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Run p to its end; 0 with the result, -1 (err printed) if it could not start. */
static int run(struct loadgen_params *p, struct load_result *r, char *err, size_t errlen)
{
    struct engine *e = NULL;
    int rc = engine_create(&e, p, err, errlen);
    if (rc == 0)
        rc = engine_start(e, err, errlen);
    if (rc == 0) {
        while (!engine_done(e))
            sleep_ms(10);
        engine_finish(e, r);
    }
    engine_destroy(e);
    return rc;
}

/* Run p to its end; 1 with the result, 0 (the reason printed, a failed check) when it could
 * not start. */
static int ran(struct loadgen_params *p, struct load_result *r)
{
    char err[256] = "";
    if (run(p, r, err, sizeof err) == 0)
        return 1;
    fprintf(stderr, "  %s\n", err);
    CHECK(0);
    return 0;
}

/* What every run here shares: one URL, one thread, one request per connection at a time, the
 * closed model for half a second with one connection, a 5 s timeout. */
static struct loadgen_params params(const struct url *u, enum lg_http http)
{
    return (struct loadgen_params){
        .urls = u,
        .url_count = 1,
        .ca_file = ngx.cert,
        .model = LG_MODEL_CLOSED,
        .start = 1,
        .duration_us = 500000,
        .threads = 1,
        .pipeline = 1,
        .timeout_us = 5000000,
        .http = http,
    };
}

static struct url url_of(const char *scheme, int port)
{
    char text[96], err[128];
    struct url u;
    snprintf(text, sizeof text, "%s://127.0.0.1:%d/index.html", scheme, port);
    CHECK(url_parse(text, &u, err, sizeof err) == 0);
    return u;
}

/* Every request is accounted for: answered (all 200), or still in flight at the end. */
static void check_accounted(const struct load_result *r)
{
    const struct lg_counters *c = &r->totals;
    for (int i = 0; i < LG_ERR_COUNT; i++)
        if (c->errors[i])
            printf("  %s: %llu (%s)\n", lg_error_names[i], (unsigned long long)c->errors[i],
                   r->first_error);
    CHECK(c->responses > 0);
    CHECK_INT_EQ(c->status[200], c->responses);
    CHECK_INT_EQ(load_result_errors(r), 0);
    CHECK_INT_EQ(c->requests, c->responses + c->unfinished);
    CHECK_INT_EQ(c->internal_errors, 0);
    CHECK_INT_EQ(r->latency->total, c->responses);
}

static void test_tls_h2_closed_through_goaway(void)
{
    struct url u = url_of("https", ngx.h2_port);
    struct loadgen_params p = params(&u, LG_HTTP_2);
    p.start = 2;
    p.duration_us = 2000000;
    p.streams = 8;
    struct load_result r = {0};
    if (!ran(&p, &r))
        return;
    const struct lg_counters *c = &r.totals;
    printf("  h2/TLS: %llu responses, %llu connections, %llu retried, %llu unfinished\n",
           (unsigned long long)c->responses, (unsigned long long)c->protocols[LG_PROTO_H2],
           (unsigned long long)c->retried, (unsigned long long)c->unfinished);
    check_accounted(&r);
    /* nginx says GOAWAY after 50 requests: every connection after it is a new one, all h2. */
    CHECK(c->protocols[LG_PROTO_H2] >= c->responses / 50);
    CHECK_INT_EQ(c->protocols[LG_PROTO_HTTP1], 0);
    CHECK(c->unfinished <= 2 * 8);
    load_result_free(&r);
}

static void test_h2c_open_model(void)
{
    struct url u = url_of("http", ngx.h2c_port);
    struct loadgen_params p = params(&u, LG_HTTP_2);
    p.model = LG_MODEL_OPEN;
    p.start = 1000;
    p.duration_us = 2000000;
    p.connections = 2;
    p.max_connections = 2;
    struct load_result r = {0};
    if (!ran(&p, &r))
        return;
    const struct lg_counters *c = &r.totals;
    printf("  h2c: scheduled %llu, %llu responses, dropped %llu\n", (unsigned long long)r.scheduled,
           (unsigned long long)c->responses, (unsigned long long)c->dropped);
    CHECK_INT_EQ(r.scheduled, 2000);
    CHECK_INT_EQ(c->dropped, 0);
    check_accounted(&r);
    CHECK(c->responses >= 1990);
    CHECK_INT_EQ(c->protocols[LG_PROTO_H2], 2);
    CHECK_INT_EQ(c->protocols[LG_PROTO_HTTP1], 0);
    load_result_free(&r);
}

/* auto: the server's ALPN choice over TLS; HTTP/1.1 over plain TCP. */
static void test_auto(void)
{
    struct url tls = url_of("https", ngx.h2_port), plain = url_of("http", ngx.port);
    const struct url *urls[] = {&tls, &plain};
    const int want[] = {LG_PROTO_H2, LG_PROTO_HTTP1};
    for (int i = 0; i < 2; i++) {
        struct loadgen_params p = params(urls[i], LG_HTTP_AUTO);
        struct load_result r = {0};
        if (!ran(&p, &r))
            continue;
        check_accounted(&r);
        CHECK(r.totals.protocols[want[i]] >= 1);
        CHECK_INT_EQ(r.totals.protocols[!want[i]], 0);
        load_result_free(&r);
    }
}

/* A run that insists on HTTP/2 against a server offering only HTTP/1.1 cannot be done. */
static void test_h2_refused_by_alpn(void)
{
    struct url u = url_of("https", ngx.tls_port);
    struct loadgen_params p = params(&u, LG_HTTP_2);
    p.timeout_us = 2000000;
    struct load_result r = {0};
    char err[256] = "";
    CHECK(run(&p, &r, err, sizeof err) != 0);
    CHECK(err[0] != 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return cJSON_Parse(buf);
}

/* The count at key k of o. */
static uint64_t num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    CHECK(cJSON_IsNumber(v));
    return cJSON_IsNumber(v) ? (uint64_t)v->valuedouble : 0;
}

/* Users on HTTP/2: the cookie of the first step comes back in the second, the extracted id
 * goes into its path, and the checks on both answers hold. */
static void test_scenario_over_h2c(void)
{
    char dir[] = "/tmp/storecheck-h2-XXXXXX", cfg[128], prof[128], out[128], html[128], md[128],
         console[128], text[1024];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(console, sizeof console, "%s/console.txt", dir);
    snprintf(cfg, sizeof cfg, "%s/storecheck.yaml", dir);
    snprintf(prof, sizeof prof, "%s/two.yaml", dir);
    snprintf(out, sizeof out, "%s/result.json", dir);
    snprintf(html, sizeof html, "%s/result.html", dir);
    snprintf(md, sizeof md, "%s/result.md", dir);
    write_file(prof, "model: closed\nstart_users: 4\nstages:\n  - { duration: 2s, users: 4 }\n"
                     "mix: { shop: 1 }\n");
    snprintf(text, sizeof text,
             "target:\n  base_url: http://127.0.0.1:%d\n  allowed_hosts: [127.0.0.1]\n"
             "load:\n  http: 2\n  scenarios:\n    shop:\n"
             "      - { name: item, path: /api/item, expect: [200], extract: { id: \"$.id\" },\n"
             "          check: ['$.id == \"42\"'] }\n"
             "      - { name: echo, path: \"/echo/{{id}}\", expect: [200],\n"
             "          check: ['body contains \"sid=abc at /echo/42\"'] }\n",
             ngx.h2c_port);
    write_file(cfg, text);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "'%s' load '%s' --profile '%s' --json '%s' --html '%s' --markdown '%s' -t 1 "
             ">'%s' 2>&1",
             getenv("STORECHECK_BIN"), cfg, prof, out, html, md, console);
    CHECK_INT_EQ(system(cmd), 0);
    /* The console, the HTML and Markdown reports say which protocol the connections spoke,
     * and the version load.http asked for. */
    snprintf(cmd, sizeof cmd,
             "grep -q 'Connections by protocol: h2 [1-9][0-9]* (HTTP 2 asked); [0-9]* requests "
             "sent again' '%s'",
             console);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -q 'Connections by protocol: h2 [1-9]* (HTTP 2 asked)' '%s'",
             html);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -q ' over h2 (HTTP 2 asked)' '%s'", md);
    CHECK_INT_EQ(system(cmd), 0);
    cJSON *doc = read_json(out);
    CHECK(doc != NULL);
    if (doc) {
        const cJSON *totals = cJSON_GetObjectItem(doc, "totals");
        const cJSON *protocols = cJSON_GetObjectItem(totals, "protocols");
        CHECK_STR_EQ(
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "run"), "http")),
            "2");
        uint64_t responses = num(totals, "responses");
        printf("  scenario over h2c: %llu responses\n", (unsigned long long)responses);
        CHECK(responses > 10);
        CHECK_INT_EQ(num(cJSON_GetObjectItem(totals, "status"), "200"), responses);
        CHECK_INT_EQ(num(totals, "errors_total"), 0);
        CHECK(num(protocols, "h2") >= 1);
        CHECK_INT_EQ(num(protocols, "http/1.1"), 0);
        const cJSON *sc = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "scenarios"), 0);
        CHECK(sc != NULL);
        if (sc) {
            CHECK(num(sc, "completed") > 5);
            const cJSON *f, *failed = cJSON_GetObjectItem(sc, "failed");
            cJSON_ArrayForEach(f, failed)
            {
                if (f->valuedouble != 0)
                    printf("  failed %s: %g\n", f->string, f->valuedouble);
                CHECK(f->valuedouble == 0);
            }
        }
        cJSON_Delete(doc);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT_EQ(system(cmd), 0);
}

int main(void)
{
    if (nginx_start(&ngx) != 0) {
        printf("skip: nginx not found or did not start\n");
        return 77;
    }
    RUN(test_tls_h2_closed_through_goaway);
    RUN(test_h2c_open_model);
    RUN(test_auto);
    RUN(test_h2_refused_by_alpn);
    RUN(test_scenario_over_h2c);
    nginx_stop(&ngx);
    return check_summary();
}
