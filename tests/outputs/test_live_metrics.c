/* The live outputs' parts without a network: --out specs (good and bad), the samples taken
 * from a result (counters, cumulative latency buckets), the JSON and CSV lines, and the
 * remote-write body read back with snappy and protobuf-c. */
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/out_spec.h"
#include "outputs/line_formats.h"
#include "outputs/live_metrics.h"
#include "outputs/live_outputs.h"
#include "outputs/prom_encode.h"
#include "remote_write.pb-c.h"
#include "tests/support/check.h"

/* A loopback port nothing listens on: bound, never listened to, closed. */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = 1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static void test_specs(void)
{
    struct out_spec o;
    char err[320];
    CHECK(out_spec_parse("json=live.jsonl", &o, err, sizeof err) == 0);
    CHECK_INT_EQ(o.kind, OUT_JSON);
    CHECK_STR_EQ(o.target, "live.jsonl");
    CHECK(out_spec_parse("csv=a=b.csv", &o, err, sizeof err) == 0);
    CHECK_INT_EQ(o.kind, OUT_CSV);
    CHECK_STR_EQ(o.target, "a=b.csv");
    CHECK(out_spec_parse("prometheus-rw=http://127.0.0.1:9090/api/v1/write", &o, err, sizeof err) ==
          0);
    CHECK_INT_EQ(o.kind, OUT_PROMETHEUS_RW);
    const char *bad[] = {"",
                         "json",
                         "=live.jsonl",
                         "json=",
                         "JSON=x",
                         "xml=x",
                         "jsonx=x",
                         "prometheus-rw=",
                         "prometheus-rw=127.0.0.1:9090",
                         "prometheus-rw=ftp://127.0.0.1/",
                         "prometheus-rw=http://user:pw@127.0.0.1/",
                         "prometheus-rw=http://"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        int rc = out_spec_parse(bad[i], &o, err, sizeof err);
        if (rc != -1 || !err[0])
            fprintf(stderr, "accepted or unexplained: '%s'\n", bad[i]);
        CHECK(rc == -1 && err[0]);
    }
}

static const struct live_sample *find(const struct live_samples *s, const char *name,
                                      const char *label, const char *value)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->items[i].name, name) != 0)
            continue;
        if (!label)
            return &s->items[i];
        for (size_t k = 0; k < s->items[i].label_count; k++)
            if (strcmp(s->items[i].labels[k].name, label) == 0 &&
                strcmp(s->items[i].labels[k].value, value) == 0)
                return &s->items[i];
    }
    return NULL;
}

static double value(const struct live_samples *s, const char *name, const char *label,
                    const char *v)
{
    const struct live_sample *x = find(s, name, label, v);
    CHECK(x != NULL);
    return x ? x->value : -1;
}

/* 3 x 0.5 ms, 1 x 3 ms, 1 x 2 s; 4 answers 200, one 503, one reset, one timeout. */
static void sample_result(struct load_result *r)
{
    memset(r, 0, sizeof *r);
    r->latency = hist_new();
    for (int i = 0; i < 3; i++)
        hist_record(r->latency, 500);
    hist_record(r->latency, 3000);
    hist_record(r->latency, 2000000);
    r->totals.requests = 7;
    r->totals.responses = 5;
    r->totals.status[200] = 4;
    r->totals.status[503] = 1;
    r->totals.errors[LG_ERR_RESET] = 1;
    r->totals.errors[LG_ERR_TIMEOUT] = 1;
}

static void test_counters_and_buckets(void)
{
    struct load_result r;
    sample_result(&r);
    struct lg_second row = {.users = 0, .connections = 3};
    struct live_samples s = {0};
    live_metrics_collect(&s, &r, &row);
    CHECK(value(&s, "storecheck_requests_total", NULL, NULL) == 7);
    CHECK(value(&s, "storecheck_responses_total", "status", "2xx") == 4);
    CHECK(value(&s, "storecheck_responses_total", "status", "5xx") == 1);
    CHECK(value(&s, "storecheck_responses_total", "status", "4xx") == 0);
    CHECK(value(&s, "storecheck_errors_total", "class", "reset") == 1);
    CHECK(value(&s, "storecheck_errors_total", "class", "timeout") == 1);
    CHECK(value(&s, "storecheck_errors_total", "class", "connect_refused") == 0);
    CHECK(value(&s, "storecheck_open_connections", NULL, NULL) == 3);
    const char *le[][2] = {{"0.001", "3"}, {"0.0025", "3"}, {"0.005", "4"}, {"1", "4"},
                           {"2.5", "5"},   {"60", "5"},     {"+Inf", "5"}};
    for (size_t i = 0; i < sizeof le / sizeof *le; i++)
        CHECK(value(&s, "storecheck_latency_seconds_bucket", "le", le[i][0]) == atof(le[i][1]));
    /* Buckets are cumulative: never fewer at a higher bound. */
    double prev = 0;
    size_t buckets = 0;
    for (size_t i = 0; i < s.count; i++) {
        if (strcmp(s.items[i].name, "storecheck_latency_seconds_bucket") != 0)
            continue;
        CHECK(s.items[i].value >= prev);
        prev = s.items[i].value;
        buckets++;
    }
    CHECK_INT_EQ(buckets, live_latency_bound_count + 1);
    CHECK(value(&s, "storecheck_latency_seconds_count", NULL, NULL) == 5);
    double sum = value(&s, "storecheck_latency_seconds_sum", NULL, NULL);
    CHECK(sum > 2.0044 && sum < 2.0046);
    CHECK(find(&s, "storecheck_iterations_started_total", NULL, NULL) == NULL); /* URL run */
    live_samples_free(&s);
    load_result_free(&r);
}

static char *slurp(FILE *f)
{
    long n = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    return buf;
}

static void test_lines(void)
{
    struct load_result r;
    sample_result(&r);
    struct live_samples s = {0};
    live_metrics_collect(&s, &r, NULL);
    struct line_context c = {"run \"7\", blue", 2, 1796581640758};
    FILE *f = tmpfile();
    CHECK(line_json_write(f, &s, &c) == 0);
    char *text = slurp(f);
    fclose(f);
    size_t lines = 0;
    int requests_seen = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *o = cJSON_Parse(line);
        CHECK(o != NULL);
        if (!o)
            continue;
        CHECK_STR_EQ(cJSON_GetObjectItem(o, "type")->valuestring, "Point");
        const cJSON *d = cJSON_GetObjectItem(o, "data");
        CHECK_STR_EQ(cJSON_GetObjectItem(d, "time")->valuestring, "2026-12-06T18:27:20.758Z");
        const cJSON *tags = cJSON_GetObjectItem(d, "tags");
        CHECK_STR_EQ(cJSON_GetObjectItem(tags, "run_id")->valuestring, "run \"7\", blue");
        CHECK_STR_EQ(cJSON_GetObjectItem(tags, "segment")->valuestring, "2");
        if (strcmp(cJSON_GetObjectItem(o, "metric")->valuestring, "storecheck_requests_total") ==
            0) {
            requests_seen = 1;
            CHECK(cJSON_GetObjectItem(d, "value")->valuedouble == 7);
        }
        cJSON_Delete(o);
    }
    CHECK_INT_EQ(lines, s.count);
    CHECK(requests_seen);
    free(text);

    f = tmpfile();
    CHECK(line_csv_header(f) == 0);
    CHECK(line_csv_write(f, &s, &c) == 0);
    text = slurp(f);
    fclose(f);
    const char *header = "metric_name,timestamp,metric_value,run_id,segment,scenario,step,"
                         "status,class,reason,le\n";
    CHECK(strncmp(text, header, strlen(header)) == 0);
    CHECK_CONTAINS(text, "\nstorecheck_requests_total,1796581640.758,7,\"run \"\"7\"\", blue\",2,");
    CHECK_CONTAINS(text, "\nstorecheck_latency_seconds_bucket,1796581640.758,3,\"run \"\"7\"\", "
                         "blue\",2,,,,,,0.001\n");
    CHECK_CONTAINS(text, "\nstorecheck_latency_seconds_sum,1796581640.758,2.0045,");
    free(text);
    live_samples_free(&s);
    load_result_free(&r);
}

static void test_remote_write_body(void)
{
    struct load_result r;
    sample_result(&r);
    struct live_samples s = {0};
    live_metrics_collect(&s, &r, NULL);
    struct line_context c = {"rw-1", 0, 1796581640758};
    size_t len;
    char *body = prom_encode(&s, &c, &len);
    CHECK(body != NULL);
    size_t raw_len = 0;
    CHECK(snappy_uncompressed_length(body, len, &raw_len) == SNAPPY_OK);
    char *raw = malloc(raw_len ? raw_len : 1);
    CHECK(snappy_uncompress(body, len, raw, &raw_len) == SNAPPY_OK);
    Prometheus__WriteRequest *req =
        prometheus__write_request__unpack(NULL, raw_len, (const uint8_t *)raw);
    CHECK(req != NULL);
    if (req) {
        CHECK_INT_EQ(req->n_timeseries, s.count);
        for (size_t i = 0; i < req->n_timeseries; i++) {
            const Prometheus__TimeSeries *ts = req->timeseries[i];
            CHECK_INT_EQ(ts->n_samples, 1);
            CHECK(ts->samples[0]->timestamp == c.unix_ms);
            CHECK(ts->samples[0]->value == s.items[i].value);
            CHECK_STR_EQ(ts->labels[0]->name, "__name__");
            CHECK_STR_EQ(ts->labels[0]->value, s.items[i].name);
            for (size_t k = 1; k < ts->n_labels; k++)
                CHECK(strcmp(ts->labels[k - 1]->name, ts->labels[k]->name) < 0);
            CHECK_INT_EQ(ts->n_labels, s.items[i].label_count + 3);
        }
        prometheus__write_request__free_unpacked(req, NULL);
    }
    free(raw);
    free(body);
    live_samples_free(&s);
    load_result_free(&r);
}

/* The end of a run alone (no second ever finished): the final totals still reach every
 * output, and a receiver that refuses the connection is counted, quickly, as a failure. */
static void test_final_totals_reach_every_output(void)
{
    char dir[] = "/tmp/storecheck-live-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char json[64], csv[64], url[64];
    snprintf(json, sizeof json, "json=%s/a.jsonl", dir);
    snprintf(csv, sizeof csv, "csv=%s/a.csv", dir);
    snprintf(url, sizeof url, "prometheus-rw=http://127.0.0.1:%d/api/v1/write", dead_port());
    struct out_spec specs[3];
    char err[320];
    CHECK(out_spec_parse(json, &specs[0], err, sizeof err) == 0);
    CHECK(out_spec_parse(csv, &specs[1], err, sizeof err) == 0);
    CHECK(out_spec_parse(url, &specs[2], err, sizeof err) == 0);
    struct live_outputs *lo = NULL;
    CHECK(live_outputs_open(&lo, specs, 3, "fin-1", 0, err, sizeof err) == 0);
    struct load_result r;
    sample_result(&r);
    time_t t0 = time(NULL);
    live_outputs_result(lo, &r);
    live_outputs_close(lo);
    CHECK(time(NULL) - t0 <= 2);
    size_t n;
    const struct out_stats *st = live_outputs_stats(lo, &n);
    CHECK_INT_EQ(n, 3);
    struct live_samples s = {0};
    live_metrics_collect(&s, &r, NULL);
    CHECK_INT_EQ(st[0].sent, s.count);
    CHECK_INT_EQ(st[1].sent, s.count);
    CHECK_INT_EQ(st[2].sent, 0);
    CHECK_INT_EQ(st[2].failed, 1);
    CHECK(st[2].error[0] != '\0');
    live_samples_free(&s);
    live_outputs_free(lo);
    char path[96];
    snprintf(path, sizeof path, "%s/a.jsonl", dir);
    FILE *f = fopen(path, "r");
    char line[1024];
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, "\"storecheck_requests_total\"") && strstr(line, "\"value\":7,");
    CHECK(found);
    if (f)
        fclose(f);
    remove(path);
    snprintf(path, sizeof path, "%s/a.csv", dir);
    remove(path);
    rmdir(dir);
    load_result_free(&r);
    /* A file that cannot be created is refused before the run. */
    CHECK(out_spec_parse("json=/nonexistent-dir/a.jsonl", &specs[0], err, sizeof err) == 0);
    err[0] = '\0';
    CHECK(live_outputs_open(&lo, specs, 1, "fin-2", 0, err, sizeof err) == -1);
    CHECK(err[0] != '\0');
}

/* The value of the last row of metric in CSV text; -1 if none. */
static double csv_last(const char *text, const char *metric)
{
    double v = -1;
    size_t n = strlen(metric);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, metric, n) != 0 || p[n] != ',')
            continue;
        const char *time = p + n + 1, *value = strchr(time, ',');
        if (value)
            v = atof(value + 1);
    }
    return v;
}

/* Two engines one after the other (capacity's steps): counters and buckets go on from the
 * first one's totals, gauges do not add up. */
static void test_engines_add_up(void)
{
    char dir[] = "/tmp/storecheck-live-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char spec[64], path[64];
    snprintf(spec, sizeof spec, "csv=%s/steps.csv", dir);
    snprintf(path, sizeof path, "%s/steps.csv", dir);
    struct out_spec o;
    char err[320];
    CHECK(out_spec_parse(spec, &o, err, sizeof err) == 0);
    struct live_outputs *lo = NULL;
    CHECK(live_outputs_open(&lo, &o, 1, "steps-1", 0, err, sizeof err) == 0);
    struct load_result r;
    sample_result(&r);
    struct lg_second row = {.connections = 3};
    r.seconds = &row;
    r.seconds_count = 1;
    live_outputs_result(lo, &r);
    live_outputs_result(lo, &r);
    live_outputs_close(lo);
    live_outputs_free(lo);
    r.seconds = NULL;
    r.seconds_count = 0;
    load_result_free(&r);
    char *text = NULL;
    FILE *f = fopen(path, "r");
    if (f) {
        fseek(f, 0, SEEK_END);
        text = slurp(f);
        fclose(f);
    }
    CHECK(text != NULL);
    CHECK(csv_last(text, "storecheck_requests_total") == 14);
    CHECK(csv_last(text, "storecheck_latency_seconds_count") == 10);
    CHECK(csv_last(text, "storecheck_open_connections") == 3);
    free(text);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    RUN(test_specs);
    RUN(test_counters_and_buckets);
    RUN(test_lines);
    RUN(test_remote_write_body);
    RUN(test_final_totals_reach_every_output);
    RUN(test_engines_add_up);
    return check_summary();
}
