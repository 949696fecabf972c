#include "probes/probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/oom.h"
#include "common/redact.h"
#include "probes/shopper.h"
#include "common/stop.h"

uint64_t probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t probe_remaining_ms(const struct probe_ctx *ctx)
{
    uint64_t now = probe_now_ms();
    return now >= ctx->deadline_ms ? 0 : ctx->deadline_ms - now;
}

int probe_should_stop(const struct probe_ctx *ctx)
{
    /* The stop reaches a probe run by the engine at once, before the engine cancels it; a
     * context without cancellation (undoing a fault, cleaning up) goes on after a stop. */
    return (ctx->cancelled && (atomic_load(ctx->cancelled) || stop_requested())) ||
           probe_remaining_ms(ctx) == 0;
}

const char *probe_stop_why(const struct probe_ctx *ctx)
{
    return ctx->cancelled && stop_requested() ? "the run was interrupted"
                                              : "the probe's time ran out";
}

/* text (malloc'd) with the values of secrets left out too. */
static char *redact_more(char *text, const struct strv *secrets)
{
    char *again = redact_copy(secrets, text);
    free(text);
    return again;
}

/* A redacted copy of text in the result's arena: the config's secrets, each shopper's and
 * the probe's own left out. */
static const char *keep(struct probe_ctx *ctx, const char *text)
{
    char *clean = redact_copy(&ctx->cfg->secrets, text);
    for (size_t i = 0; i < ctx->shopper_count; i++)
        clean = redact_more(clean, &ctx->shoppers[i].secrets);
    clean = redact_more(clean, &ctx->result->secrets);
    const char *kept = arena_strdup(&ctx->result->arena, clean);
    free(clean);
    return kept;
}

void probe_set(struct probe_ctx *ctx, enum probe_status st, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->result->status = st;
    ctx->result->reason = keep(ctx, buf);
}

enum { MAX_EVIDENCE = 40 };

void probe_evidence(struct probe_ctx *ctx, const char *request, int status, const char *fmt, ...)
{
    struct probe_result *r = ctx->result;
    /* A bounded list keeps reports readable; the reason says what was counted. */
    if (r->evidence_count == MAX_EVIDENCE)
        return;
    if (r->evidence_count == r->evidence_cap) {
        size_t cap = r->evidence_cap ? r->evidence_cap * 2 : 8;
        struct probe_evidence *ev = arena_alloc(&r->arena, cap * sizeof *ev);
        if (r->evidence_count)
            memcpy(ev, r->evidence, r->evidence_count * sizeof *ev);
        r->evidence = ev;
        r->evidence_cap = cap;
    }
    char buf[4096]; /* room for a TLS version's whole suite list */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    struct probe_evidence *e = &r->evidence[r->evidence_count++];
    e->request = request ? keep(ctx, request) : NULL;
    e->status = status;
    e->detail = keep(ctx, buf);
}

const char *probe_status_name(enum probe_status st)
{
    static const char *const names[] = {"pass", "warn", "fail", "skip", "error"};
    return (unsigned)st < sizeof names / sizeof *names ? names[st] : "unknown";
}

const char *probe_group_name(enum probe_group g)
{
    static const char *const names[] = {"Security", "Traffic management", "Operations",
                                        "Reliability", "Extensibility"};
    return (unsigned)g < GROUP_COUNT ? names[g] : "unknown";
}

char probe_group_letter(enum probe_group g)
{
    return (unsigned)g < GROUP_COUNT ? "STORE"[g] : '?';
}
