#include "checker/progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "checker/progress_view.h"
#include "common/mono_wait.h"
#include "common/oom.h"
#include "common/stop.h"

enum {
    AUDIT_REDRAW_MS = 250, /* at most four redraws a second */
    DEFAULT_WIDTH = 80,
    LINE_MAX_BYTES = 512,
};

/* Probes running in parallel, as their observer hears of them. */
struct probes_seen {
    struct progress *owner;
    size_t total, done;
    const char **running; /* ids; as many slots as probes selected */
    size_t running_count;
    struct engine_observer observer;
};

struct progress {
    FILE *out;
    pthread_mutex_t mu; /* everything below, and the writes to out */
    int shown;          /* a status line is on the screen */
    struct probes_seen audit, beside_load;
    const char *audit_phase;
    uint64_t audit_t0_ms;
    pthread_t ticker;
    pthread_cond_t tick;
    int ticking, ticker_stop;
    uint64_t next_load_us;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int width_of(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return DEFAULT_WIDTH;
}

/* Under mu: the line over the one shown, in one write. */
static void draw(struct progress *p, const char *line)
{
    fprintf(p->out, "\r%s\033[K", line);
    fflush(p->out);
    p->shown = 1;
}

static void erase(struct progress *p)
{
    if (!p->shown)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->shown = 0;
}

struct progress *progress_start(const struct cli *cli)
{
    const char *term = getenv("TERM");
    if (!cli->tty || cli->quiet || (term && strcmp(term, "dumb") == 0)) /* dumb: no erase */
        return NULL;
    struct progress *p = xcalloc(1, sizeof *p);
    p->out = stderr;
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

void progress_end(struct progress *p)
{
    if (!p)
        return;
    progress_audit_end(p);
    erase(p);
    free(p->audit.running);
    free(p->beside_load.running);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

void progress_clear(struct progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    erase(p);
    pthread_mutex_unlock(&p->mu);
}

void progress_say(struct progress *p, const char *fmt, ...)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    erase(p);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->out, fmt, ap);
    va_end(ap);
    fputc('\n', p->out);
    fflush(p->out);
    pthread_mutex_unlock(&p->mu);
}

/* --- probes, as an engine observer --- */

static void on_selected(void *ctx, size_t count)
{
    struct probes_seen *s = ctx;
    pthread_mutex_lock(&s->owner->mu);
    s->total += count;
    s->running = xrealloc(s->running, (s->total ? s->total : 1) * sizeof *s->running);
    if (s->owner->ticking)
        pthread_cond_signal(&s->owner->tick); /* show the count at once */
    pthread_mutex_unlock(&s->owner->mu);
}

static void on_started(void *ctx, const struct probe *probe)
{
    struct probes_seen *s = ctx;
    pthread_mutex_lock(&s->owner->mu);
    if (s->running_count < s->total)
        s->running[s->running_count++] = probe->id;
    pthread_mutex_unlock(&s->owner->mu);
}

static void on_finished(void *ctx, const struct probe *probe, const struct probe_result *r)
{
    struct probes_seen *s = ctx;
    (void)r;
    pthread_mutex_lock(&s->owner->mu);
    s->done++;
    for (size_t i = 0; i < s->running_count; i++) {
        if (s->running[i] == probe->id) {
            memmove(&s->running[i], &s->running[i + 1],
                    (s->running_count - i - 1) * sizeof *s->running);
            s->running_count--;
            break;
        }
    }
    pthread_mutex_unlock(&s->owner->mu);
}

static const struct engine_observer *watch(struct progress *p, struct probes_seen *s)
{
    free(s->running);
    *s = (struct probes_seen){.owner = p};
    s->observer = (struct engine_observer){on_selected, on_started, on_finished, s};
    return &s->observer;
}

/* Under mu. */
static void draw_audit(struct progress *p)
{
    const struct probes_seen *s = &p->audit;
    struct progress_audit_view v = {p->audit_phase, s->done,          s->total,
                                    s->running,     s->running_count, now_ms() - p->audit_t0_ms};
    char line[LINE_MAX_BYTES];
    progress_format_audit(line, sizeof line, &v, width_of(p->out));
    draw(p, line);
}

static void *ticker_main(void *arg)
{
    struct progress *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->ticker_stop) {
        if (p->audit.total) /* nothing to say before the probes are chosen */
            draw_audit(p);
        struct timespec ts = mono_deadline_in_ms(AUDIT_REDRAW_MS);
        pthread_cond_timedwait(&p->tick, &p->mu, &ts);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

const struct engine_observer *progress_audit(struct progress *p, const char *phase)
{
    if (!p)
        return NULL;
    progress_audit_end(p);
    const struct engine_observer *obs = watch(p, &p->audit);
    p->audit_phase = phase;
    p->audit_t0_ms = now_ms();
    p->ticker_stop = 0;
    mono_cond_init(&p->tick);
    p->ticking = pthread_create(&p->ticker, NULL, ticker_main, p) == 0;
    if (!p->ticking)
        pthread_cond_destroy(&p->tick);
    return obs;
}

void progress_audit_end(struct progress *p)
{
    if (!p || !p->ticking)
        return;
    pthread_mutex_lock(&p->mu);
    p->ticker_stop = 1;
    pthread_cond_signal(&p->tick);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->ticker, NULL);
    pthread_cond_destroy(&p->tick);
    p->ticking = 0;
    progress_say(p, "%s: %zu/%zu probes done in %.1fs%s", p->audit_phase, p->audit.done,
                 p->audit.total, (double)(now_ms() - p->audit_t0_ms) / 1000,
                 stop_requested() ? " (interrupted)" : "");
}

const struct engine_observer *progress_beside_load(struct progress *p)
{
    return p ? watch(p, &p->beside_load) : NULL;
}

/* --- the load --- */

int progress_wants_snapshots(const struct progress *p)
{
    return p != NULL;
}

/* The most users (scenario runs) or connections this process's share of the run may have. */
static uint64_t most_of(const struct loadgen_params *lp)
{
    if (lp->model == LG_MODEL_OPEN)
        return lp->users ? segment_share(lp->segment, lp->vus_max) : lp->max_connections;
    double peak = lp->start;
    for (size_t i = 0; i < lp->stage_count; i++)
        peak = lp->stages[i].target > peak ? lp->stages[i].target : peak;
    return segment_share(lp->segment, (uint64_t)(peak + 0.5));
}

static void iterations(const struct load_result *snap, uint64_t *done, uint64_t *failed)
{
    *done = *failed = 0;
    for (size_t i = 0; i < snap->scenario_count; i++) {
        *done += snap->scenarios[i].completed;
        *failed += lg_fail_total(snap->scenarios[i].failed);
    }
}

void progress_load(struct progress *p, struct engine *e, const struct loadgen_params *params,
                   const char *phase)
{
    if (!p)
        return;
    uint64_t el = engine_elapsed_us(e);
    if (el < p->next_load_us)
        return;
    p->next_load_us = (el / 1000000 + 1) * 1000000;
    struct lg_second row = {0};
    engine_latest(e, &row); /* none yet: zeros */
    struct load_result snap;
    engine_snapshot(e, &snap);
    struct progress_load_view v = {
        .phase = phase,
        .elapsed_us = el,
        .duration_us = params->duration_us,
        .users = params->users != NULL,
        .active = params->users ? row.users : row.connections,
        .most = most_of(params),
        .iterations_kept = params->users != NULL,
        .rate = row.responses,
        .p95_us = snap.totals.responses ? hist_percentile(snap.latency, 95) : 0,
        .errors = load_result_errors(&snap),
    };
    for (int code = 500; code < 600; code++)
        v.errors += snap.totals.status[code];
    iterations(&snap, &v.iterations, &v.iterations_failed);
    load_result_free(&snap);
    char extra[64] = "", line[LINE_MAX_BYTES];
    pthread_mutex_lock(&p->mu);
    if (p->beside_load.total)
        snprintf(extra, sizeof extra, "under-load probes %zu/%zu done", p->beside_load.done,
                 p->beside_load.total);
    v.extra = extra;
    progress_format_load(line, sizeof line, &v, width_of(p->out));
    draw(p, line);
    pthread_mutex_unlock(&p->mu);
}
