#include "reports/load_json_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "reports/json_fields.h"
#include "reports/outputs_json.h"

#define MAX_EXACT JSON_FIELDS_MAX_EXACT
enum { MAX_SECONDS = 24 * 3600 + 3600, MAX_STEPS = 4096 };

static void copy_str(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

/* A histogram from its buckets, with the exact sum, min, max and clamped count. */
static struct hist *read_hist(struct json_fields *rd, const cJSON *o, const char *where)
{
    struct hist *h = hist_new();
    uint64_t count = jf_u64(rd, o, "count", where), sum = jf_u64(rd, o, "sum", where),
             min = jf_u64(rd, o, "min", where), max = jf_u64(rd, o, "max", where),
             clamped = jf_u64(rd, o, "clamped", where), seen = 0;
    const cJSON *b = jf_array(rd, o, "buckets", where);
    const cJSON *pair;
    cJSON_ArrayForEach(pair, b)
    {
        const cJSON *lo = cJSON_GetArrayItem(pair, 0), *n = cJSON_GetArrayItem(pair, 1);
        if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !cJSON_IsNumber(lo) ||
            !cJSON_IsNumber(n) || !(lo->valuedouble >= 0) || lo->valuedouble > HIST_MAX ||
            lo->valuedouble != floor(lo->valuedouble) || !(n->valuedouble >= 1) ||
            n->valuedouble > MAX_EXACT || n->valuedouble != floor(n->valuedouble)) {
            jf_fail(rd, "%s.buckets: expected [low, count] pairs", where);
            break;
        }
        uint64_t low = (uint64_t)lo->valuedouble, c = (uint64_t)n->valuedouble;
        if (hist_index_low(hist_index(low)) != low) {
            jf_fail(rd, "%s.buckets: %llu is not the low end of a bucket", where,
                 (unsigned long long)low);
            break;
        }
        if (c > (uint64_t)MAX_EXACT - seen) {
            jf_fail(rd, "%s.buckets: more values than a count holds", where);
            break;
        }
        hist_record_n(h, low, c);
        seen += c;
    }
    if (!rd->failed && seen != count)
        jf_fail(rd, "%s: count %llu but the buckets hold %llu", where, (unsigned long long)count,
             (unsigned long long)seen);
    if (!rd->failed && count &&
        (min > max || max > HIST_MAX || clamped > count || hist_index(min) != h->lo ||
         hist_index(max) != h->hi))
        jf_fail(rd, "%s: min and max do not match the buckets", where);
    if (count) {
        h->sum = sum;
        h->min = min;
        h->max = max;
        h->clamped = clamped;
    }
    return h;
}

/* run.http, the version asked for: absent from results written before HTTP/2, which all
 * asked for HTTP/1.1. */
static void read_http(struct json_fields *rd, const cJSON *run, struct load_result *r)
{
    r->http = LG_HTTP_1;
    if (!cJSON_GetObjectItemCaseSensitive(run, "http"))
        return;
    const char *h = jf_str(rd, run, "http", "run", 0);
    for (int i = 0; h && i < LG_HTTP_COUNT; i++)
        if (strcmp(h, lg_http_names[i]) == 0) {
            r->http = (enum lg_http)i;
            return;
        }
    if (h)
        jf_fail(rd, "run.http is not 1.1, 2 or auto");
}

static void read_run(struct json_fields *rd, const cJSON *run, struct load_result *r,
                     struct load_json_source *src)
{
    const char *model = jf_str(rd, run, "model", "run", 0);
    if (model && strcmp(model, "open") != 0 && strcmp(model, "closed") != 0)
        jf_fail(rd, "run.model is neither open nor closed");
    r->model = model && strcmp(model, "open") == 0 ? LG_MODEL_OPEN : LG_MODEL_CLOSED;
    const cJSON *urls = jf_array(rd, run, "urls", "run"), *u;
    src->urls = xcalloc((size_t)cJSON_GetArraySize(urls) + 1, sizeof *src->urls);
    cJSON_ArrayForEach(u, urls)
    {
        if (!cJSON_IsString(u)) {
            jf_fail(rd, "run.urls holds a non-string");
            break;
        }
        src->urls[src->url_count++] = u->valuestring;
    }
    src->method = jf_str(rd, run, "method", "run", 0);
    const cJSON *hdrs = jf_object(rd, run, "headers", "run"), *h;
    src->headers = xcalloc((size_t)cJSON_GetArraySize(hdrs) + 1, sizeof *src->headers);
    cJSON_ArrayForEach(h, hdrs)
    {
        if (!cJSON_IsString(h) || !h->string) {
            jf_fail(rd, "run.headers holds a non-string");
            break;
        }
        size_t n = strlen(h->string) + strlen(h->valuestring) + 3;
        char *line = xmalloc(n);
        snprintf(line, n, "%s: %s", h->string, h->valuestring);
        src->headers[src->header_count++] = line;
    }
    src->profile = jf_str(rd, run, "profile", "run", 1);
    r->tls = jf_flag(rd, run, "tls", "run");
    r->threads = (uint32_t)jf_u64(rd, run, "threads", "run");
    r->connections = (uint32_t)jf_u64(rd, run, "connections", "run");
    r->max_connections = (uint32_t)jf_u64(rd, run, "max_connections", "run");
    r->pipeline = (uint32_t)jf_u64(rd, run, "pipeline", "run");
    read_http(rd, run, r);
    r->timeout_us = jf_u64(rd, run, "timeout_us", "run");
    r->duration_us = jf_u64(rd, run, "duration_us", "run");
    r->start_target = jf_num(rd, run, "start_target", "run");
    r->started_unix_ms = (int64_t)jf_u64(rd, run, "started_unix_ms", "run");
    const cJSON *stages = jf_array(rd, run, "stages", "run"), *s;
    r->stages = xcalloc((size_t)cJSON_GetArraySize(stages) + 1, sizeof *r->stages);
    cJSON_ArrayForEach(s, stages)
    {
        r->stages[r->stage_count].duration_us = jf_u64(rd, s, "duration_us", "run.stages[]");
        r->stages[r->stage_count++].target = jf_num(rd, s, "target", "run.stages[]");
    }
}

static void read_split(struct json_fields *rd, const cJSON *root, struct load_result *r)
{
    const char *id = jf_str(rd, root, "run_id", "result", 0);
    const char *hash = jf_str(rd, root, "config_hash", "result", 0);
    copy_str(r->run_id, sizeof r->run_id, id);
    copy_str(r->config_hash, sizeof r->config_hash, hash);
    const cJSON *seg = jf_object(rd, root, "segment", "result");
    uint64_t count = jf_u64(rd, seg, "count", "segment");
    const cJSON *index = jf_field(rd, seg, "index", "segment");
    if (rd->failed)
        return;
    if (count < 1 || count > SEGMENT_MAX) {
        jf_fail(rd, "segment.count is outside 1..%d", SEGMENT_MAX);
        return;
    }
    r->segment.count = (uint32_t)count;
    if (cJSON_IsNull(index)) {
        r->segments_merged = r->segment.count;
        return;
    }
    uint64_t i = jf_u64(rd, seg, "index", "segment");
    if (i >= count)
        jf_fail(rd, "segment.index is not below segment.count");
    r->segment.index = (uint32_t)i;
}

static void read_totals(struct json_fields *rd, const cJSON *t, struct load_result *r)
{
    struct lg_counters *c = &r->totals;
    const char *w = "totals";
    c->requests = jf_u64(rd, t, "requests", w);
    c->responses = jf_u64(rd, t, "responses", w);
    r->scheduled = jf_u64(rd, t, "scheduled", w);
    c->late = jf_u64(rd, t, "late", w);
    c->dropped = jf_u64(rd, t, "dropped", w);
    c->unfinished = jf_u64(rd, t, "unfinished", w);
    c->interim = jf_u64(rd, t, "interim_responses", w);
    c->bytes_in = jf_u64(rd, t, "bytes_in", w);
    c->bytes_out = jf_u64(rd, t, "bytes_out", w);
    c->connect_attempts = jf_u64(rd, t, "connect_attempts", w);
    c->connects = jf_u64(rd, t, "connects", w);
    c->handshakes = jf_u64(rd, t, "tls_handshakes", w);
    c->resumed = jf_u64(rd, t, "tls_resumed", w);
    r->peak_connections = (uint32_t)jf_u64(rd, t, "peak_connections", w);
    c->internal_errors = jf_u64(rd, t, "internal_errors", w);
    const cJSON *status = jf_object(rd, t, "status", w), *s;
    cJSON_ArrayForEach(s, status)
    {
        char *end;
        long code = strtol(s->string, &end, 10);
        if (*end || code < 100 || code > 599) {
            jf_fail(rd, "totals.status: '%s' is not a status code", s->string);
            break;
        }
        c->status[code] = jf_u64(rd, status, s->string, "totals.status");
    }
    const cJSON *errors = jf_object(rd, t, "errors", w);
    for (int i = 0; i < LG_ERR_COUNT; i++)
        if (i < LG_ERR_STREAM_RESET || cJSON_GetObjectItemCaseSensitive(errors, lg_error_names[i]))
            c->errors[i] = jf_u64(rd, errors, lg_error_names[i], "totals.errors");
    /* What HTTP/2 added (the two error classes above, retried, protocols) is absent from
     * results written before it: zero then. */
    if (cJSON_GetObjectItemCaseSensitive(t, "retried"))
        c->retried = jf_u64(rd, t, "retried", w);
    const cJSON *protocols = cJSON_GetObjectItemCaseSensitive(t, "protocols");
    if (protocols) {
        protocols = jf_object(rd, t, "protocols", w);
        for (int i = 0; i < LG_PROTO_COUNT; i++)
            c->protocols[i] = jf_u64(rd, protocols, lg_proto_names[i], "totals.protocols");
    }
}

static void read_fails(struct json_fields *rd, const cJSON *o, uint64_t failed[LG_FAIL_COUNT],
                       const char *where)
{
    const cJSON *f = jf_object(rd, o, "failed", where);
    for (int i = 0; i < LG_FAIL_COUNT; i++)
        failed[i] = jf_u64(rd, f, lg_fail_names[i], where);
}

static void read_reasons(struct json_fields *rd, const cJSON *o, struct lg_reasons *rs,
                         const char *where)
{
    const cJSON *cf = jf_object(rd, o, "check_failures", where);
    const cJSON *a = jf_array(rd, cf, "reasons", where), *x;
    cJSON_ArrayForEach(x, a)
    {
        const char *text = jf_str(rd, x, "reason", where, 0), *got = jf_str(rd, x, "first_got", where, 0);
        uint64_t n = jf_u64(rd, x, "count", where);
        if (rd->failed)
            return;
        lg_reasons_add(rs, text, got, n);
    }
    rs->other += jf_u64(rd, cf, "other", where);
}

/* What the first failure of check k saw, from "check 'EXPR' failed: got GOT". */
static void check_got(struct lg_step_stats *st, size_t k, const char *reason)
{
    char prefix[LG_REASON_MAX + 64];
    snprintf(prefix, sizeof prefix, "check '%s' failed: got ", st->checks[k]);
    size_t n = strlen(prefix);
    copy_str(st->check_got[k], LG_GOT_MAX,
             strncmp(reason, prefix, n) == 0 ? reason + n : reason);
}

static void read_step(struct json_fields *rd, const cJSON *o, struct lg_step_stats *st)
{
    const char *w = "steps[]";
    st->name = xstrdup(jf_str(rd, o, "name", w, 0) ? jf_str(rd, o, "name", w, 0) : "");
    st->scenario = xstrdup(jf_str(rd, o, "scenario", w, 0) ? jf_str(rd, o, "scenario", w, 0) : "");
    st->requests = jf_u64(rd, o, "requests", w);
    st->responses = jf_u64(rd, o, "responses", w);
    st->unsent = jf_u64(rd, o, "unsent", w);
    read_fails(rd, o, st->failed, w);
    const cJSON *checks = jf_array(rd, o, "checks", w), *c;
    int n = cJSON_GetArraySize(checks);
    if (n > LG_STEP_CHECKS_MAX) {
        jf_fail(rd, "steps[].checks: more than %d", LG_STEP_CHECKS_MAX);
        n = 0;
    }
    st->checks = xcalloc((size_t)n + 1, sizeof *st->checks);
    cJSON_ArrayForEach(c, checks)
    {
        if (st->check_count == (size_t)n)
            break;
        const char *expr = jf_str(rd, c, "check", w, 0);
        size_t k = st->check_count++;
        st->checks[k] = xstrdup(expr ? expr : "");
        st->check_failed[k] = jf_u64(rd, c, "failed", w);
        const char *reason = jf_str(rd, c, "reason", w, 1);
        if (reason)
            check_got(st, k, reason);
    }
    read_reasons(rd, o, &st->reasons, w);
    st->latency = read_hist(rd, jf_field(rd, o, "latency_us", w), "steps[].latency_us");
}

static void read_scenarios(struct json_fields *rd, const cJSON *root, struct load_result *r)
{
    const cJSON *steps = jf_array(rd, root, "steps", "result"), *o;
    const cJSON *scs = jf_array(rd, root, "scenarios", "result");
    int nsteps = cJSON_GetArraySize(steps), nscs = cJSON_GetArraySize(scs);
    if (nsteps > MAX_STEPS || nscs > MAX_STEPS) {
        jf_fail(rd, "more than %d steps or scenarios", MAX_STEPS);
        return;
    }
    r->steps = xcalloc((size_t)nsteps + 1, sizeof *r->steps);
    cJSON_ArrayForEach(o, steps)
    {
        if (rd->failed)
            return;
        read_step(rd, o, &r->steps[r->step_count++]);
    }
    r->scenarios = xcalloc((size_t)nscs + 1, sizeof *r->scenarios);
    cJSON_ArrayForEach(o, scs)
    {
        if (rd->failed)
            return;
        const char *w = "scenarios[]";
        struct lg_scenario_stats *s = &r->scenarios[r->scenario_count++];
        const char *name = jf_str(rd, o, "name", w, 0);
        s->name = xstrdup(name ? name : "");
        s->started = jf_u64(rd, o, "started", w);
        s->completed = jf_u64(rd, o, "completed", w);
        s->dropped = jf_u64(rd, o, "dropped", w);
        s->unfinished = jf_u64(rd, o, "unfinished", w);
        read_fails(rd, o, s->failed, w);
        s->duration = read_hist(rd, jf_field(rd, o, "duration_us", w), "scenarios[].duration_us");
        s->active = read_hist(rd, jf_field(rd, o, "active_us", w), "scenarios[].active_us");
        s->think = read_hist(rd, jf_field(rd, o, "think_us", w), "scenarios[].think_us");
        const cJSON *idx = jf_array(rd, o, "steps", w), *x;
        size_t k = 0;
        cJSON_ArrayForEach(x, idx)
        {
            double d = cJSON_IsNumber(x) ? x->valuedouble : -1;
            if (k == 0 && d >= 0 && d < nsteps && d == floor(d))
                s->first_step = (size_t)d;
            else if (k == 0 || d != (double)(s->first_step + k)) {
                jf_fail(rd, "scenarios[].steps: not consecutive steps of the result");
                return;
            }
            k++;
        }
        if (s->first_step + k > r->step_count) {
            jf_fail(rd, "scenarios[].steps: beyond the steps of the result");
            return;
        }
        s->step_count = k;
    }
    if (r->scenario_count) {
        const cJSON *vu = jf_object(rd, root, "virtual_users", "result");
        r->vus_max = (uint32_t)jf_u64(rd, vu, "max", "virtual_users");
        r->vus_peak = (uint32_t)jf_u64(rd, vu, "peak", "virtual_users");
    }
}

static void read_seconds(struct json_fields *rd, const cJSON *root, struct load_result *r)
{
    const cJSON *a = jf_array(rd, root, "seconds", "result"), *o;
    int n = cJSON_GetArraySize(a);
    if (n > MAX_SECONDS) {
        jf_fail(rd, "more than %d seconds", MAX_SECONDS);
        return;
    }
    r->seconds = xcalloc((size_t)n + 1, sizeof *r->seconds);
    cJSON_ArrayForEach(o, a)
    {
        if (rd->failed)
            return;
        const char *w = "seconds[]";
        struct lg_second *s = &r->seconds[r->seconds_count++];
        uint64_t second = jf_u64(rd, o, "second", w);
        if (second != r->seconds_count - 1) {
            jf_fail(rd, "seconds[%zu].second is %llu", r->seconds_count - 1,
                 (unsigned long long)second);
            return;
        }
        s->second = (uint32_t)second;
        s->responses = jf_u64(rd, o, "responses", w);
        s->errors = jf_u64(rd, o, "errors", w);
        s->status_4xx = jf_u64(rd, o, "status_4xx", w);
        s->status_5xx = jf_u64(rd, o, "status_5xx", w);
        s->status_503 = jf_u64(rd, o, "status_503", w);
        s->late = jf_u64(rd, o, "late", w);
        s->dropped = jf_u64(rd, o, "dropped", w);
        s->bytes_in = jf_u64(rd, o, "bytes_in", w);
        s->bytes_out = jf_u64(rd, o, "bytes_out", w);
        s->connections = jf_u64(rd, o, "connections", w);
        s->users = jf_u64(rd, o, "users", w);
        s->p50 = jf_u64(rd, o, "p50_us", w);
        s->p90 = jf_u64(rd, o, "p90_us", w);
        s->p99 = jf_u64(rd, o, "p99_us", w);
        s->max = jf_u64(rd, o, "max_us", w);
        s->mean = jf_num(rd, o, "mean_us", w);
        if (!r->step_count)
            continue;
        const cJSON *steps = jf_array(rd, o, "steps", w), *x;
        if (cJSON_GetArraySize(steps) != (int)r->step_count) {
            jf_fail(rd, "seconds[].steps: not one per step");
            return;
        }
        s->steps = xcalloc(r->step_count, sizeof *s->steps);
        size_t k = 0;
        cJSON_ArrayForEach(x, steps)
        {
            s->steps[k].responses = jf_u64(rd, x, "responses", w);
            s->steps[k].status_5xx = jf_u64(rd, x, "status_5xx", w);
            s->steps[k].status_503 = jf_u64(rd, x, "status_503", w);
            s->steps[k++].errors = jf_u64(rd, x, "errors", w);
        }
    }
}

static void read_thresholds(struct json_fields *rd, const cJSON *root, struct load_result *r)
{
    const cJSON *a = jf_array(rd, root, "thresholds", "result"), *o;
    r->thresholds = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *r->thresholds);
    cJSON_ArrayForEach(o, a)
    {
        const char *expr = jf_str(rd, o, "expr", "thresholds[]", 0);
        const char *line = jf_str(rd, o, "line", "thresholds[]", 0);
        if (rd->failed)
            return;
        struct lg_threshold_outcome *t = &r->thresholds[r->threshold_count++];
        t->expr = xstrdup(expr);
        t->line = xstrdup(line);
        t->abort_on_fail = jf_flag(rd, o, "abort_on_fail", "thresholds[]");
        t->passed = jf_flag(rd, o, "passed", "thresholds[]");
        t->no_data = jf_flag(rd, o, "no_data", "thresholds[]");
        t->observed = jf_num(rd, o, "observed", "thresholds[]");
        t->limit = jf_num(rd, o, "limit", "thresholds[]");
    }
}

static void read_all(struct json_fields *rd, const cJSON *root, struct load_result *r,
                     struct load_json_source *src)
{
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    if (cJSON_IsString(kind) && strcmp(kind->valuestring, "storecheck.run") == 0) {
        root = cJSON_GetObjectItemCaseSensitive(root, "load");
        if (!cJSON_IsObject(root)) {
            jf_fail(rd, "a storecheck run report without a load result");
            return;
        }
        kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
    if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "storecheck.load") != 0) {
        jf_fail(rd, "not a storecheck load result (no \"kind\": \"storecheck.load\")");
        return;
    }
    if (!cJSON_IsNumber(version) || version->valuedouble != 1) {
        jf_fail(rd, "a load result of another schema version than 1");
        return;
    }
    r->interrupted = jf_flag(rd, root, "interrupted", "result");
    r->aborted = jf_flag(rd, root, "aborted", "result");
    read_run(rd, jf_object(rd, root, "run", "result"), r, src);
    read_split(rd, root, r);
    r->elapsed_us = jf_u64(rd, root, "elapsed_us", "result");
    r->requested_rate = jf_num(rd, root, "requested_rate", "result");
    r->achieved_rate = jf_num(rd, root, "achieved_rate", "result");
    read_totals(rd, jf_object(rd, root, "totals", "result"), r);
    const cJSON *lat = jf_object(rd, root, "latency_us", "result");
    const cJSON *tim = jf_object(rd, root, "timings_us", "result");
    if (rd->failed)
        return;
    r->latency = read_hist(rd, jf_field(rd, lat, "corrected", "latency_us"), "latency_us.corrected");
    r->latency_uncorrected =
        read_hist(rd, jf_field(rd, lat, "uncorrected", "latency_us"), "latency_us.uncorrected");
    r->connect = read_hist(rd, jf_field(rd, tim, "connect", "timings_us"), "timings_us.connect");
    r->tls_handshake =
        read_hist(rd, jf_field(rd, tim, "tls_handshake", "timings_us"), "timings_us.tls_handshake");
    r->ttfb = read_hist(rd, jf_field(rd, tim, "ttfb", "timings_us"), "timings_us.ttfb");
    r->schedule_lag =
        read_hist(rd, jf_field(rd, tim, "schedule_lag", "timings_us"), "timings_us.schedule_lag");
    read_scenarios(rd, root, r);
    read_seconds(rd, root, r);
    read_thresholds(rd, root, r);
    outputs_json_read(rd, root, &src->outputs, &src->output_segments, &src->output_count);
    copy_str(r->first_error, sizeof r->first_error, jf_str(rd, root, "first_error", "result", 1));
}

int load_json_read(const char *text, size_t len, cJSON **doc, struct load_result *r,
                   struct load_json_source *src, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    memset(src, 0, sizeof *src);
    struct json_fields rd = {err, errlen, 0};
    *doc = cJSON_ParseWithLength(text, len);
    if (!*doc || !cJSON_IsObject(*doc)) {
        jf_fail(&rd, "not JSON (or not a JSON object)");
    } else {
        read_all(&rd, *doc, r, src);
    }
    if (!rd.failed)
        return 0;
    load_result_free(r);
    load_json_source_free(src);
    cJSON_Delete(*doc);
    *doc = NULL;
    return -1;
}

void load_json_source_free(struct load_json_source *src)
{
    for (size_t i = 0; i < src->header_count; i++)
        free(src->headers[i]);
    free(src->headers);
    free(src->urls);
    free(src->outputs);
    free(src->output_segments);
    memset(src, 0, sizeof *src);
}
