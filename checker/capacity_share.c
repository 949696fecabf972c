#include "checker/capacity_share.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checker/segment_merge.h"
#include "common/oom.h"
#include "common/stop.h"
#include "loadgen/clock.h"
#include "reports/atomic_write.h"

/* How often the watcher looks for the others' stop markers, and a wait for the windows. */
#define POLL_MS 50
#define MARKER_PREFIX "stop-"

static char *path_of(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static char *window_path(const struct capacity_share *sh, uint32_t step, uint32_t k)
{
    return path_of("%s/step-%u/segment-%u.json", sh->run_dir, step, k);
}

char *capacity_share_marker(const struct capacity_share *sh, uint32_t k)
{
    return path_of("%s/" MARKER_PREFIX "%u", sh->run_dir, k);
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Another segment's stop marker in the run's folder: its number, or -1. */
static long other_marker(const struct capacity_share *sh)
{
    DIR *d = opendir(sh->run_dir);
    if (!d)
        return -1;
    long found = -1;
    const struct dirent *e;
    while (found < 0 && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t plen = strlen(MARKER_PREFIX);
        if (strncmp(name, MARKER_PREFIX, plen) != 0 || !name[plen])
            continue;
        char *end = NULL;
        unsigned long k = strtoul(name + plen, &end, 10);
        if (*end == '\0' && k < sh->segment.count && k != sh->segment.index)
            found = (long)k;
    }
    closedir(d);
    return found;
}

void capacity_share_stop(struct capacity_share *sh, const char *why)
{
    if (atomic_exchange(&sh->marked, 1))
        return;
    char *path = capacity_share_marker(sh, sh->segment.index);
    char *text = path_of("segment %u/%u stopped the search: %s", sh->segment.index,
                         sh->segment.count, why);
    char err[512];
    if (atomic_write(path, text, err, sizeof err))
        fprintf(stderr, "storecheck capacity: the other segments will not stop at once: %s\n",
                err);
    free(text);
    free(path);
}

/* A stop here (Ctrl-C) is marked for the others; another's marker stops this segment. */
static void look(struct capacity_share *sh)
{
    if (atomic_load(&sh->stopped_by) < 0 && stop_requested())
        capacity_share_stop(sh, "interrupted");
    if (atomic_load(&sh->stopped_by) >= 0 || atomic_load(&sh->marked))
        return;
    long k = other_marker(sh);
    if (k >= 0) {
        atomic_store(&sh->stopped_by, k);
        stop_request();
    }
}

static void *watch(void *arg)
{
    struct capacity_share *sh = arg;
    while (!atomic_load(&sh->quit)) {
        look(sh);
        usleep(POLL_MS * 1000);
    }
    return NULL;
}

int capacity_share_open(struct capacity_share *sh, const char *dir, const char *run_id,
                        struct segment segment, char *err, size_t errlen)
{
    memset(sh, 0, sizeof *sh);
    atomic_init(&sh->stopped_by, -1);
    sh->segment = segment;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--share %s: not a folder", dir);
        return -1;
    }
    sh->run_dir = path_of("%s/%s", dir, run_id);
    if (mkdir(sh->run_dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", sh->run_dir, strerror(errno));
        free(sh->run_dir);
        return -1;
    }
    char *mine = window_path(sh, 1, segment.index);
    int used = exists(mine);
    free(mine);
    long stopped = other_marker(sh);
    char *own = capacity_share_marker(sh, segment.index);
    int own_stopped = exists(own);
    free(own);
    if (used || own_stopped || stopped >= 0) {
        snprintf(err, errlen, "%s holds a search already (%s): a run id is used once, give a "
                 "new --run-id", sh->run_dir, used ? "this segment's first step" : "stopped");
        free(sh->run_dir);
        return -1;
    }
    if (pthread_create(&sh->watcher, NULL, watch, sh) == 0)
        sh->watching = 1;
    else
        fprintf(stderr, "storecheck capacity: no thread to watch %s: a stop in another "
                        "segment will be seen only between steps\n",
                sh->run_dir);
    return 0;
}

long capacity_share_stopped_by(const struct capacity_share *sh)
{
    return atomic_load(&sh->stopped_by);
}

/* Empty histograms where the window has none: the load JSON writes them all. */
static void fill_hists(struct load_result *w)
{
    struct hist **h[] = {&w->latency, &w->latency_uncorrected, &w->connect, &w->tls_handshake,
                         &w->ttfb, &w->schedule_lag};
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (!*h[i])
            *h[i] = hist_new();
}

/* Wait until every segment's window of step is there. 0; CAPACITY_SHARE_STOPPED; or
 * CAPACITY_SHARE_FAILED with the first missing one named in err. */
static int wait_all(struct capacity_share *sh, uint32_t step, uint64_t timeout_ms, char *err,
                    size_t errlen)
{
    uint32_t next = 0; /* the segments before it are in */
    uint64_t deadline = clock_us() + timeout_ms * 1000;
    for (;;) {
        if (!sh->watching)
            look(sh);
        for (; next < sh->segment.count; next++) {
            char *p = window_path(sh, step, next);
            int in = exists(p);
            free(p);
            if (!in)
                break;
        }
        if (next == sh->segment.count)
            return 0;
        if (stop_requested())
            return CAPACITY_SHARE_STOPPED;
        if (clock_us() >= deadline) {
            char *p = window_path(sh, step, next);
            snprintf(err, errlen, "segment %u/%u did not send its window of step %u within "
                     "%.0fs: no %s (is it running, with the same --run-id and --share?)",
                     next, sh->segment.count, step, (double)timeout_ms / 1e3, p);
            free(p);
            return CAPACITY_SHARE_FAILED;
        }
        stop_wait_ms(POLL_MS);
    }
}

/* Read the n windows of step, check and add them up into *whole. */
static int add_up(struct capacity_share *sh, uint32_t step, struct load_result *whole, char *err,
                  size_t errlen)
{
    uint32_t n = sh->segment.count;
    struct segment_result *s = xcalloc(n, sizeof *s);
    char **paths = xcalloc(n, sizeof *paths);
    int rc = 0;
    uint64_t longest = 0;
    for (uint32_t k = 0; k < n && !rc; k++) {
        s[k].path = paths[k] = window_path(sh, step, k);
        char why[512];
        if (segment_result_read(&s[k], why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", s[k].path, why);
            rc = -1;
        } else if (s[k].r.elapsed_us > longest) {
            longest = s[k].r.elapsed_us;
        }
    }
    if (!rc)
        rc = segment_results_check(s, n, err, errlen) || segment_results_merge(s, n, err, errlen);
    if (!rc) {
        /* The segments judged windows of the same length, a few milliseconds apart: the
         * step's window is that length, not the span from the first start to the last end. */
        s[0].r.elapsed_us = longest;
        *whole = s[0].r;
        memset(&s[0].r, 0, sizeof s[0].r);
    }
    for (uint32_t k = 0; k < n; k++) {
        segment_result_free(&s[k]);
        free(paths[k]);
    }
    free(paths);
    free(s);
    return rc ? CAPACITY_SHARE_INVALID : 0;
}

int capacity_share_exchange(struct capacity_share *sh, uint32_t step, struct load_result *win,
                            const struct load_json_meta *meta, uint64_t timeout_ms,
                            struct load_result *whole, char *err, size_t errlen)
{
    memset(whole, 0, sizeof *whole);
    fill_hists(win);
    char *mine = window_path(sh, step, sh->segment.index);
    char why[512];
    int rc = load_json_write(mine, win, meta, why, sizeof why);
    free(mine);
    if (rc) {
        snprintf(err, errlen, "%s", why);
        rc = CAPACITY_SHARE_FAILED;
    } else {
        rc = wait_all(sh, step, timeout_ms, err, errlen);
    }
    if (rc == 0)
        rc = add_up(sh, step, whole, err, errlen);
    if (rc < 0)
        capacity_share_stop(sh, err);
    return rc;
}

void capacity_share_close(struct capacity_share *sh)
{
    if (sh->watching) {
        atomic_store(&sh->quit, 1);
        pthread_join(sh->watcher, NULL);
    }
    if (sh->run_dir && capacity_share_stopped_by(sh) < 0 && stop_requested())
        capacity_share_stop(sh, "interrupted");
    free(sh->run_dir);
    memset(sh, 0, sizeof *sh);
}
