#include "outputs/live_outputs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/oom.h"
#include "common/redact.h"
#include "common/stop.h"
#include "outputs/line_formats.h"
#include "outputs/live_metrics.h"
#include "outputs/prom_encode.h"
#include "outputs/prom_push.h"

/* A push waits at most this long for Prometheus; the end of the run at most this long for the
 * last pushes, and after Ctrl-C, which starts nothing new, a moment only. */
#define PUSH_TIMEOUT_MS 5000
#define FINAL_WAIT_MS   5000
#define STOPPED_WAIT_MS 1000

struct live_output {
    struct out_spec spec;
    FILE *file;             /* json, csv */
    struct prom_push *push; /* prometheus-rw */
};

struct live_outputs {
    struct live_output *items;
    struct out_stats *stats;
    size_t count;
    char run_id[65];
    uint32_t segment;
    int64_t last_second;  /* the engine's newest second written out; -1: none */
    int64_t last_unix_ms; /* timestamps only go forward, as Prometheus needs */
    struct live_samples samples;
    /* The totals of the engines already done, sample by sample (capacity's steps). */
    double *done;
    size_t done_count;
};

static int64_t now_unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int live_outputs_open(struct live_outputs **out, const struct out_spec *specs, size_t count,
                      const char *run_id, uint32_t segment, char *err, size_t errlen)
{
    struct live_outputs *lo = xcalloc(1, sizeof *lo);
    lo->items = xcalloc(count ? count : 1, sizeof *lo->items);
    lo->stats = xcalloc(count ? count : 1, sizeof *lo->stats);
    snprintf(lo->run_id, sizeof lo->run_id, "%s", run_id);
    lo->segment = segment;
    lo->last_second = -1;
    for (size_t i = 0; i < count; i++, lo->count++) {
        struct live_output *o = &lo->items[i];
        o->spec = specs[i];
        lo->stats[i] = (struct out_stats){.kind = specs[i].kind, .target = specs[i].target};
        if (o->spec.kind == OUT_PROMETHEUS_RW) {
            o->push = prom_push_start(o->spec.target, PUSH_TIMEOUT_MS);
            if (o->push)
                continue;
            snprintf(err, errlen, "output %s=%s: cannot start its sender thread",
                     out_kind_names[o->spec.kind], o->spec.target);
        } else {
            o->file = fopen(o->spec.target, "w");
            if (o->file && (o->spec.kind != OUT_CSV || line_csv_header(o->file) == 0))
                continue;
            snprintf(err, errlen, "output %s=%s: %s", out_kind_names[o->spec.kind], o->spec.target,
                     strerror(errno));
        }
        lo->count++;
        live_outputs_free(lo);
        return -1;
    }
    *out = lo;
    return 0;
}

static void emit(struct live_outputs *lo, const struct load_result *r, const struct lg_second *row)
{
    live_metrics_collect(&lo->samples, r, row);
    /* Every engine of a command runs the same plan, so its samples come in the same order. */
    for (size_t i = 0; lo->done_count == lo->samples.count && i < lo->done_count; i++)
        if (!lo->samples.items[i].gauge)
            lo->samples.items[i].value += lo->done[i];
    int64_t ms = now_unix_ms();
    if (ms <= lo->last_unix_ms)
        ms = lo->last_unix_ms + 1;
    lo->last_unix_ms = ms;
    struct line_context c = {lo->run_id, lo->segment, ms};
    for (size_t i = 0; i < lo->count; i++) {
        struct live_output *o = &lo->items[i];
        struct out_stats *st = &lo->stats[i];
        if (o->push) {
            size_t len;
            char *body = prom_encode(&lo->samples, &c, &len);
            if (body)
                prom_push_queue(o->push, body, len);
            else
                st->failed++;
            continue;
        }
        int rc = o->spec.kind == OUT_JSON ? line_json_write(o->file, &lo->samples, &c)
                                          : line_csv_write(o->file, &lo->samples, &c);
        if (rc == 0)
            rc = fflush(o->file);
        if (rc == 0) {
            st->sent += lo->samples.count;
            continue;
        }
        st->failed += lo->samples.count;
        if (!st->error[0])
            snprintf(st->error, sizeof st->error, "%s", strerror(errno));
        clearerr(o->file);
    }
}

void live_outputs_tick(struct live_outputs *lo, struct engine *e)
{
    struct lg_second row;
    if (!lo || engine_latest(e, &row) != 0 || (int64_t)row.second <= lo->last_second)
        return;
    lo->last_second = row.second;
    struct load_result snap;
    engine_snapshot(e, &snap);
    emit(lo, &snap, &row);
    load_result_free(&snap);
}

void live_outputs_result(struct live_outputs *lo, const struct load_result *r)
{
    if (!lo)
        return;
    emit(lo, r, r->seconds_count ? &r->seconds[r->seconds_count - 1] : NULL);
    lo->done = xrealloc(lo->done, (lo->samples.count + 1) * sizeof *lo->done);
    lo->done_count = lo->samples.count;
    for (size_t i = 0; i < lo->done_count; i++)
        lo->done[i] = lo->samples.items[i].value;
    lo->last_second = -1; /* the next engine counts its seconds from 0 */
}

void live_outputs_close(struct live_outputs *lo)
{
    for (size_t i = 0; lo && i < lo->count; i++) {
        struct live_output *o = &lo->items[i];
        if (o->push) {
            prom_push_finish(o->push, stop_requested() ? STOPPED_WAIT_MS : FINAL_WAIT_MS,
                             &lo->stats[i]);
            o->push = NULL;
        } else if (o->file) {
            if (fclose(o->file) != 0 && !lo->stats[i].error[0])
                snprintf(lo->stats[i].error, sizeof lo->stats[i].error, "%s", strerror(errno));
            o->file = NULL;
        }
    }
}

const struct out_stats *live_outputs_stats(const struct live_outputs *lo, size_t *count)
{
    *count = lo ? lo->count : 0;
    return lo ? lo->stats : NULL;
}

void live_outputs_report(const struct live_outputs *lo, FILE *out, int quiet, const char *command,
                         const struct strv *secrets)
{
    for (size_t i = 0; lo && i < lo->count; i++) {
        const struct out_stats *st = &lo->stats[i];
        int trouble = st->dropped || st->failed;
        if (quiet && !trouble)
            continue;
        char *target = redact_copy(secrets, st->target), prefix[64];
        if (trouble)
            snprintf(prefix, sizeof prefix, "storecheck %s: output", command);
        else
            snprintf(prefix, sizeof prefix, "  Output");
        FILE *f = trouble ? stderr : out;
        fprintf(f, "%s %s=%s (run_id %s): ", prefix, out_kind_names[st->kind], target, lo->run_id);
        if (st->kind == OUT_PROMETHEUS_RW)
            fprintf(f, "%llu pushes sent, %llu dropped, %llu failed",
                    (unsigned long long)st->sent, (unsigned long long)st->dropped,
                    (unsigned long long)st->failed);
        else
            fprintf(f, "%llu samples written, %llu failed", (unsigned long long)st->sent,
                    (unsigned long long)st->failed);
        fprintf(f, "%s%s\n", st->error[0] ? ": " : "", st->error);
        free(target);
    }
}

void live_outputs_free(struct live_outputs *lo)
{
    if (!lo)
        return;
    for (size_t i = 0; i < lo->count; i++) {
        struct out_stats ignored = {0};
        if (lo->items[i].push)
            prom_push_finish(lo->items[i].push, 0, &ignored);
        if (lo->items[i].file)
            fclose(lo->items[i].file);
    }
    live_samples_free(&lo->samples);
    free(lo->done);
    free(lo->items);
    free(lo->stats);
    free(lo);
}
