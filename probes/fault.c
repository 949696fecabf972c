#include "probes/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/stop.h"
#include "probes/http.h"

enum { MAX_ACTIVE = 16, WAIT_SLICE_MS = 10 };

static pthread_mutex_t active_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    const struct config *cfg;
    const struct fault *fault;
} active[MAX_ACTIVE];

const struct fault *fault_find(const struct config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->target.fault_count; i++)
        if (strcmp(cfg->target.faults[i].name, name) == 0)
            return &cfg->target.faults[i];
    return NULL;
}

static int run_http(const struct config *cfg, const struct fault_action *a, uint64_t timeout_ms,
                    char *why, size_t whylen)
{
    struct probe_result res = {0};
    arena_init(&res.arena);
    struct probe_ctx ctx = {.cfg = cfg, .result = &res, .deadline_ms = probe_now_ms() + timeout_ms};
    struct http_request req = {.method = a->method ? a->method : "POST", .url = a->url};
    struct http_response r;
    http_get1(&ctx, &req, &r);
    int rc = r.status / 100 == 2 ? 0 : -1;
    if (r.status)
        snprintf(why, whylen, "%s answered %d", r.request_line, r.status);
    else
        snprintf(why, whylen, "%s: %s", r.request_line, r.error);
    http_response_free(&r);
    arena_free(&res.arena);
    return rc;
}

static int run_command(const struct fault_action *a, uint64_t timeout_ms, char *why, size_t whylen)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "cannot start /bin/sh: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execl("/bin/sh", "sh", "-c", a->command, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    uint64_t deadline = probe_now_ms() + timeout_ms;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            snprintf(why, whylen, "command lost: %s", strerror(errno));
            return -1;
        }
        if (probe_now_ms() >= deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            snprintf(why, whylen, "command killed after %llu ms (line %d of the config)",
                     (unsigned long long)timeout_ms, a->pos.line);
            return -1;
        }
        struct timespec ts = {0, WAIT_SLICE_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    snprintf(why, whylen, "command (line %d of the config) exited %d", a->pos.line, code);
    return code == 0 ? 0 : -1;
}

static int run_action(const struct config *cfg, const struct fault_action *a, uint64_t timeout_ms,
                      char *why, size_t whylen)
{
    if (a->kind == FAULT_HTTP)
        return run_http(cfg, a, timeout_ms, why, whylen);
    if (a->kind == FAULT_COMMAND)
        return run_command(a, timeout_ms, why, whylen);
    snprintf(why, whylen, "no action");
    return -1;
}

int fault_start(const struct config *cfg, const struct fault *f, uint64_t timeout_ms, char *why,
                size_t whylen)
{
    if (stop_requested()) {
        snprintf(why, whylen, "not started: the run was stopped");
        return -1;
    }
    pthread_mutex_lock(&active_mu);
    size_t slot = 0;
    while (slot < MAX_ACTIVE && active[slot].fault)
        slot++;
    if (slot < MAX_ACTIVE) {
        active[slot].cfg = cfg;
        active[slot].fault = f;
    }
    pthread_mutex_unlock(&active_mu);
    if (slot == MAX_ACTIVE) {
        snprintf(why, whylen, "too many faults active at once");
        return -1;
    }
    return run_action(cfg, &f->start, timeout_ms, why, whylen);
}

static void forget(const struct fault *f)
{
    pthread_mutex_lock(&active_mu);
    for (size_t i = 0; i < MAX_ACTIVE; i++)
        if (active[i].fault == f) {
            active[i].fault = NULL;
            active[i].cfg = NULL;
        }
    pthread_mutex_unlock(&active_mu);
}

int fault_stop(const struct config *cfg, const struct fault *f, uint64_t timeout_ms, char *why,
               size_t whylen)
{
    int rc = run_action(cfg, &f->stop, timeout_ms, why, whylen);
    forget(f);
    return rc;
}

enum { UNDO_TIMEOUT_MS = 10000 };

size_t fault_undo_all(void)
{
    size_t n = 0;
    for (;;) {
        const struct config *cfg = NULL;
        const struct fault *f = NULL;
        pthread_mutex_lock(&active_mu);
        for (size_t i = 0; i < MAX_ACTIVE && !f; i++)
            if (active[i].fault) {
                f = active[i].fault;
                cfg = active[i].cfg;
            }
        pthread_mutex_unlock(&active_mu);
        if (!f)
            return n;
        char why[300];
        fault_stop(cfg, f, UNDO_TIMEOUT_MS, why, sizeof why);
        n++;
    }
}
