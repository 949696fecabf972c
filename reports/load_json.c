#include "reports/load_json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "reports/atomic_write.h"
#include "reports/json_exact.h"
#include "reports/load_json_parts.h"
#include "reports/outputs_json.h"
#include "version.h"

static const double percentiles[] = {50, 75, 90, 95, 99, 99.9, 99.99};
static const char *const percentile_keys[] = {"p50", "p75", "p90", "p95", "p99", "p99_9", "p99_99"};

void load_json_add_u64(cJSON *o, const char *k, uint64_t v)
{
    cJSON_AddNumberToObject(o, k, (double)v);
}

void load_json_add_redacted(cJSON *o, const char *k, const char *v, const struct strv *secrets)
{
    if (!v) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    char *clean = redact_copy(secrets, v);
    cJSON_AddStringToObject(o, k, clean);
    free(clean);
}

cJSON *load_json_hist(const struct hist *h)
{
    cJSON *o = cJSON_CreateObject();
    load_json_add_u64(o, "count", h->total);
    load_json_add_u64(o, "min", h->total ? h->min : 0);
    load_json_add_u64(o, "max", h->max);
    cJSON_AddNumberToObject(o, "mean", hist_mean(h));
    cJSON_AddNumberToObject(o, "stdev", hist_stdev(h));
    for (size_t i = 0; i < sizeof percentiles / sizeof percentiles[0]; i++)
        load_json_add_u64(o, percentile_keys[i], hist_percentile(h, percentiles[i]));
    load_json_add_u64(o, "clamped", h->clamped);
    load_json_add_u64(o, "sum", h->sum);
    /* [lowest value of the bucket, count] for every bucket in use: enough to rebuild it. */
    cJSON *b = cJSON_AddArrayToObject(o, "buckets");
    for (uint32_t i = h->lo; h->total && i <= h->hi; i++) {
        if (!h->counts[i])
            continue;
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)hist_index_low(i)));
        cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)h->counts[i]));
        cJSON_AddItemToArray(b, pair);
    }
    return o;
}

static cJSON *run_json(const struct load_result *r, const struct load_json_meta *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", r->model == LG_MODEL_OPEN ? "open" : "closed");
    cJSON *urls = cJSON_AddArrayToObject(o, "urls");
    for (size_t i = 0; i < m->url_count; i++) {
        char *clean = redact_copy(m->secrets, m->urls[i]);
        cJSON_AddItemToArray(urls, cJSON_CreateString(clean));
        free(clean);
    }
    cJSON_AddStringToObject(o, "method", m->method ? m->method : "GET");
    cJSON *hdrs = cJSON_AddObjectToObject(o, "headers");
    for (size_t i = 0; i < m->header_count; i++) {
        const char *colon = strchr(m->headers[i], ':');
        if (!colon)
            continue;
        char name[256];
        size_t n = (size_t)(colon - m->headers[i]);
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, m->headers[i], n);
        name[n] = '\0';
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (redact_header_is_secret(name))
            cJSON_AddStringToObject(hdrs, name, REDACTED);
        else
            load_json_add_redacted(hdrs, name, v, m->secrets);
    }
    cJSON_AddBoolToObject(o, "tls", r->tls);
    load_json_add_u64(o, "threads", r->threads);
    load_json_add_u64(o, "connections", r->connections);
    load_json_add_u64(o, "max_connections", r->max_connections);
    load_json_add_u64(o, "pipeline", r->pipeline);
    cJSON_AddStringToObject(o, "http", lg_http_names[r->http]);
    load_json_add_u64(o, "timeout_us", r->timeout_us);
    load_json_add_u64(o, "duration_us", r->duration_us);
    cJSON_AddNumberToObject(o, "start_target", r->start_target);
    cJSON *st = cJSON_AddArrayToObject(o, "stages");
    for (size_t i = 0; i < r->stage_count; i++) {
        cJSON *s = cJSON_CreateObject();
        load_json_add_u64(s, "duration_us", r->stages[i].duration_us);
        cJSON_AddNumberToObject(s, "target", r->stages[i].target);
        cJSON_AddItemToArray(st, s);
    }
    cJSON_AddNumberToObject(o, "started_unix_ms", (double)r->started_unix_ms);
    if (m->profile)
        cJSON_AddStringToObject(o, "profile", m->profile);
    else
        cJSON_AddNullToObject(o, "profile");
    return o;
}

static cJSON *totals_json(const struct load_result *r)
{
    const struct lg_counters *c = &r->totals;
    cJSON *o = cJSON_CreateObject();
    load_json_add_u64(o, "requests", c->requests);
    load_json_add_u64(o, "responses", c->responses);
    load_json_add_u64(o, "scheduled", r->scheduled);
    load_json_add_u64(o, "late", c->late);
    load_json_add_u64(o, "dropped", c->dropped);
    load_json_add_u64(o, "unfinished", c->unfinished);
    load_json_add_u64(o, "interim_responses", c->interim);
    load_json_add_u64(o, "bytes_in", c->bytes_in);
    load_json_add_u64(o, "bytes_out", c->bytes_out);
    load_json_add_u64(o, "connect_attempts", c->connect_attempts);
    load_json_add_u64(o, "connects", c->connects);
    load_json_add_u64(o, "tls_handshakes", c->handshakes);
    load_json_add_u64(o, "tls_resumed", c->resumed);
    load_json_add_u64(o, "peak_connections", r->peak_connections);
    load_json_add_u64(o, "internal_errors", c->internal_errors);
    load_json_add_u64(o, "retried", c->retried);
    cJSON *protocols = cJSON_AddObjectToObject(o, "protocols");
    for (int i = 0; i < LG_PROTO_COUNT; i++)
        load_json_add_u64(protocols, lg_proto_names[i], c->protocols[i]);
    cJSON *status = cJSON_AddObjectToObject(o, "status");
    for (int s = 100; s < 600; s++) {
        if (!c->status[s])
            continue;
        char k[8];
        snprintf(k, sizeof k, "%d", s);
        load_json_add_u64(status, k, c->status[s]);
    }
    cJSON *errors = cJSON_AddObjectToObject(o, "errors");
    for (int i = 0; i < LG_ERR_COUNT; i++)
        load_json_add_u64(errors, lg_error_names[i], c->errors[i]);
    load_json_add_u64(o, "errors_total", load_result_errors(r));
    load_json_add_u64(o, "http_errors", load_result_http_errors(r));
    return o;
}

/* Each step's share of one second, named as in the top-level "steps" (scenario runs only). */
static cJSON *second_steps_json(const struct load_result *r, const struct lg_second *s)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->step_count; i++) {
        const struct lg_step_second *t = &s->steps[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->steps[i].name);
        cJSON_AddStringToObject(o, "scenario", r->steps[i].scenario);
        load_json_add_u64(o, "responses", t->responses);
        load_json_add_u64(o, "status_5xx", t->status_5xx);
        load_json_add_u64(o, "status_503", t->status_503);
        load_json_add_u64(o, "errors", t->errors);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *seconds_json(const struct load_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->seconds_count; i++) {
        const struct lg_second *s = &r->seconds[i];
        cJSON *o = cJSON_CreateObject();
        load_json_add_u64(o, "second", s->second);
        load_json_add_u64(o, "responses", s->responses);
        load_json_add_u64(o, "errors", s->errors);
        load_json_add_u64(o, "status_4xx", s->status_4xx);
        load_json_add_u64(o, "status_5xx", s->status_5xx);
        load_json_add_u64(o, "status_503", s->status_503);
        load_json_add_u64(o, "late", s->late);
        load_json_add_u64(o, "dropped", s->dropped);
        load_json_add_u64(o, "bytes_in", s->bytes_in);
        load_json_add_u64(o, "bytes_out", s->bytes_out);
        load_json_add_u64(o, "connections", s->connections);
        load_json_add_u64(o, "users", s->users);
        load_json_add_u64(o, "p50_us", s->p50);
        load_json_add_u64(o, "p90_us", s->p90);
        load_json_add_u64(o, "p99_us", s->p99);
        load_json_add_u64(o, "max_us", s->max);
        cJSON_AddNumberToObject(o, "mean_us", s->mean);
        if (s->steps)
            cJSON_AddItemToObject(o, "steps", second_steps_json(r, s));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

cJSON *load_json_object(const struct load_result *r, const struct load_json_meta *m)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", LOAD_JSON_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "kind", "storecheck.load");
    cJSON_AddStringToObject(root, "tool_version", STORECHECK_VERSION);
    cJSON_AddBoolToObject(root, "interrupted", r->interrupted);
    cJSON_AddBoolToObject(root, "aborted", r->aborted);
    cJSON_AddItemToObject(root, "run", run_json(r, m));
    cJSON_AddStringToObject(root, "run_id", r->run_id);
    cJSON_AddStringToObject(root, "config_hash", r->config_hash);
    cJSON *seg = cJSON_AddObjectToObject(root, "segment");
    if (r->segments_merged)
        cJSON_AddNullToObject(seg, "index");
    else
        load_json_add_u64(seg, "index", r->segment.index);
    load_json_add_u64(seg, "count", r->segment.count ? r->segment.count : 1);
    load_json_add_u64(root, "elapsed_us", r->elapsed_us);
    cJSON_AddNumberToObject(root, "requested_rate", r->requested_rate);
    cJSON_AddNumberToObject(root, "achieved_rate", r->achieved_rate);
    cJSON_AddItemToObject(root, "totals", totals_json(r));
    cJSON *lat = cJSON_AddObjectToObject(root, "latency_us");
    cJSON_AddItemToObject(lat, "corrected", load_json_hist(r->latency));
    cJSON_AddItemToObject(lat, "uncorrected", load_json_hist(r->latency_uncorrected));
    cJSON *tim = cJSON_AddObjectToObject(root, "timings_us");
    cJSON_AddItemToObject(tim, "connect", load_json_hist(r->connect));
    cJSON_AddItemToObject(tim, "tls_handshake", load_json_hist(r->tls_handshake));
    cJSON_AddItemToObject(tim, "ttfb", load_json_hist(r->ttfb));
    cJSON_AddItemToObject(tim, "schedule_lag", load_json_hist(r->schedule_lag));
    cJSON_AddItemToObject(root, "seconds", seconds_json(r));
    load_json_scenarios(root, r, m->secrets);
    cJSON_AddItemToObject(root, "thresholds", load_json_thresholds(r));
    if (r->first_error[0])
        load_json_add_redacted(root, "first_error", r->first_error, m->secrets);
    else
        cJSON_AddNullToObject(root, "first_error");
    if (m->output_count)
        cJSON_AddItemToObject(
            root, "outputs",
            outputs_json(m->outputs, m->output_count, m->output_segments, m->secrets));
    return root;
}

char *load_json_render(const struct load_result *r, const struct load_json_meta *m)
{
    cJSON *root = load_json_object(r, m);
    char *text = json_print_exact(root);
    cJSON_Delete(root);
    return text;
}

int load_json_write(const char *path, const struct load_result *r, const struct load_json_meta *m,
                    char *err, size_t errlen)
{
    char *text = load_json_render(r, m);
    int rc = atomic_write(path, text, err, errlen);
    free(text);
    return rc;
}
