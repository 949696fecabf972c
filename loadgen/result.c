#include "loadgen/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lg_error_names[LG_ERR_COUNT] = {
    [LG_ERR_CONNECT_REFUSED] = "connect_refused",
    [LG_ERR_CONNECT_TIMEOUT] = "connect_timeout",
    [LG_ERR_CONNECT] = "connect_error",
    [LG_ERR_TLS] = "tls",
    [LG_ERR_RESET] = "reset",
    [LG_ERR_CLOSED] = "closed",
    [LG_ERR_TIMEOUT] = "timeout",
    [LG_ERR_PARSE] = "parse",
    [LG_ERR_STREAM_RESET] = "stream_reset",
    [LG_ERR_PROTOCOL] = "protocol",
};

const char *const lg_http_names[LG_HTTP_COUNT] = {
    [LG_HTTP_1] = "1.1",
    [LG_HTTP_2] = "2",
    [LG_HTTP_AUTO] = "auto",
};

const char *const lg_proto_names[LG_PROTO_COUNT] = {
    [LG_PROTO_HTTP1] = "http/1.1",
    [LG_PROTO_H2] = "h2",
};

const char *const lg_fail_names[LG_FAIL_COUNT] = {
    [LG_FAIL_STATUS] = "unexpected_status",
    [LG_FAIL_NO_MATCH] = "no_match",
    [LG_FAIL_NOT_JSON] = "not_json",
    [LG_FAIL_TOO_LARGE] = "too_large",
    [LG_FAIL_TIMEOUT] = "timeout",
    [LG_FAIL_TRANSPORT] = "transport",
    [LG_FAIL_TEMPLATE] = "template",
    [LG_FAIL_FEEDER] = "feeder_exhausted",
    [LG_FAIL_CHECK] = "check_failed",
};

void load_result_free(struct load_result *r)
{
    for (size_t i = 0; i < r->step_count; i++) {
        free(r->steps[i].name);
        free(r->steps[i].scenario);
        for (size_t k = 0; k < r->steps[i].check_count; k++)
            free(r->steps[i].checks[k]);
        free(r->steps[i].checks);
        hist_free(r->steps[i].latency);
    }
    free(r->steps);
    for (size_t i = 0; i < r->scenario_count; i++) {
        free(r->scenarios[i].name);
        lg_scenario_hists_free(&r->scenarios[i]);
    }
    free(r->scenarios);
    for (size_t i = 0; i < r->threshold_count; i++) {
        free(r->thresholds[i].expr);
        free(r->thresholds[i].line);
    }
    free(r->thresholds);
    hist_free(r->latency);
    hist_free(r->latency_uncorrected);
    hist_free(r->connect);
    hist_free(r->tls_handshake);
    hist_free(r->ttfb);
    hist_free(r->schedule_lag);
    for (size_t i = 0; i < r->seconds_count; i++)
        free(r->seconds[i].steps);
    free(r->seconds);
    free(r->stages);
    memset(r, 0, sizeof *r);
}

/* d += s, or d -= s with sign -1: unsigned arithmetic wraps, so adding s times (uint64_t)-1
 * subtracts it exactly. unfinished is the state at the end, so a difference leaves it. */
static void counters_fold(struct lg_counters *d, const struct lg_counters *s, uint64_t sign)
{
    d->requests += sign * s->requests;
    d->responses += sign * s->responses;
    for (int i = 0; i < LG_ERR_COUNT; i++)
        d->errors[i] += sign * s->errors[i];
    for (int i = 0; i < 600; i++)
        d->status[i] += sign * s->status[i];
    d->interim += sign * s->interim;
    d->bytes_in += sign * s->bytes_in;
    d->bytes_out += sign * s->bytes_out;
    d->late += sign * s->late;
    d->dropped += sign * s->dropped;
    if (sign == 1)
        d->unfinished += s->unfinished;
    d->connect_attempts += sign * s->connect_attempts;
    d->connects += sign * s->connects;
    d->handshakes += sign * s->handshakes;
    d->resumed += sign * s->resumed;
    d->internal_errors += sign * s->internal_errors;
    for (int i = 0; i < LG_PROTO_COUNT; i++)
        d->protocols[i] += sign * s->protocols[i];
    d->retried += sign * s->retried;
}

void lg_counters_add(struct lg_counters *d, const struct lg_counters *s)
{
    counters_fold(d, s, 1);
}

void lg_counters_sub(struct lg_counters *d, const struct lg_counters *s)
{
    counters_fold(d, s, (uint64_t)-1);
}

uint64_t load_result_errors(const struct load_result *r)
{
    uint64_t n = 0;
    for (int i = 0; i < LG_ERR_COUNT; i++)
        n += r->totals.errors[i];
    return n;
}

const char *lg_protocols_text(const struct lg_counters *c, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < LG_PROTO_COUNT && n < len; i++)
        if (c->protocols[i])
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " and " : "", lg_proto_names[i]);
    return buf;
}

uint64_t load_result_http_errors(const struct load_result *r)
{
    uint64_t n = 0;
    for (int s = 400; s < 600; s++)
        n += r->totals.status[s];
    return n;
}

uint64_t lg_fail_total(const uint64_t failed[LG_FAIL_COUNT])
{
    uint64_t n = 0;
    for (int i = 0; i < LG_FAIL_COUNT; i++)
        n += failed[i];
    return n;
}

void lg_check_reason(const struct lg_step_stats *st, size_t k, char *buf, size_t len)
{
    snprintf(buf, len, "check '%s' failed: got %s", st->checks[k], st->check_got[k]);
}

void lg_reasons_add(struct lg_reasons *rs, const char *reason, const char *got, uint64_t n)
{
    char text[LG_REASON_MAX];
    snprintf(text, sizeof text, "%s", reason);
    for (size_t i = 0; i < rs->count; i++) {
        if (strcmp(rs->items[i].text, text) == 0) {
            rs->items[i].count += n;
            return;
        }
    }
    if (rs->count == LG_STEP_REASONS_MAX) {
        rs->other += n;
        return;
    }
    struct lg_reason *r = &rs->items[rs->count++];
    memcpy(r->text, text, sizeof text);
    snprintf(r->got, sizeof r->got, "%s", got);
    r->count = n;
}

static void reasons_add_all(struct lg_reasons *dst, const struct lg_reasons *src)
{
    for (size_t i = 0; i < src->count; i++)
        lg_reasons_add(dst, src->items[i].text, src->items[i].got, src->items[i].count);
    dst->other += src->other;
}

void lg_reasons_merge(struct lg_reasons *rs, const struct lg_step_stats *steps, size_t count)
{
    memset(rs, 0, sizeof *rs);
    for (size_t i = 0; i < count; i++)
        reasons_add_all(rs, &steps[i].reasons);
}

void lg_scenario_hists_new(struct lg_scenario_stats *s)
{
    s->duration = hist_new();
    s->active = hist_new();
    s->think = hist_new();
}

void lg_scenario_hists_free(struct lg_scenario_stats *s)
{
    hist_free(s->duration);
    hist_free(s->active);
    hist_free(s->think);
    s->duration = s->active = s->think = NULL;
}

static void add_fails(uint64_t *dst, const uint64_t *src)
{
    for (int i = 0; i < LG_FAIL_COUNT; i++)
        dst[i] += src[i];
}

void lg_step_stats_add(struct lg_step_stats *dst, const struct lg_step_stats *src)
{
    dst->requests += src->requests;
    dst->responses += src->responses;
    dst->unsent += src->unsent;
    add_fails(dst->failed, src->failed);
    for (int k = 0; k < LG_STEP_CHECKS_MAX; k++) {
        if (!dst->check_failed[k] && src->check_failed[k])
            memcpy(dst->check_got[k], src->check_got[k], LG_GOT_MAX);
        dst->check_failed[k] += src->check_failed[k];
    }
    reasons_add_all(&dst->reasons, &src->reasons);
    hist_merge(dst->latency, src->latency);
}

void lg_scenario_stats_add(struct lg_scenario_stats *dst, const struct lg_scenario_stats *src)
{
    dst->started += src->started;
    dst->completed += src->completed;
    dst->dropped += src->dropped;
    dst->unfinished += src->unfinished;
    add_fails(dst->failed, src->failed);
    hist_merge(dst->duration, src->duration);
    hist_merge(dst->active, src->active);
    hist_merge(dst->think, src->think);
}
