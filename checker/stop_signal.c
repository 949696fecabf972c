#include "checker/stop_signal.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/exit_codes.h"
#include "common/stop.h"
#include "probes/fault.h"

enum { SLICE_MS = 100 };

struct stop_signal {
    pthread_t thread;
    sigset_t set, old;
    atomic_int ending;
    atomic_int over_status_line;
    const char *command;
};

static void *watch(void *arg)
{
    struct stop_signal *w = arg;
    while (!atomic_load(&w->ending)) {
        struct timespec slice = {0, SLICE_MS * 1000000L};
        int sig = sigtimedwait(&w->set, NULL, &slice);
        if (sig != SIGINT && sig != SIGTERM)
            continue;
        const char *erase = atomic_load(&w->over_status_line) ? "\r\033[K" : "";
        if (!stop_requested()) {
            stop_request();
            fprintf(stderr,
                    "%sstorecheck %s: interrupted: nothing new starts, the reports follow "
                    "(signal again to quit at once)\n",
                    erase, w->command);
            continue;
        }
        size_t n = fault_undo_all();
        fprintf(stderr, "%sstorecheck %s: quit at once%s; no report written\n", erase,
                w->command, n ? ", the injected fault was undone" : "");
        /* The other threads are mid-work: no exit handlers, no flushing of their streams. */
        _exit(EXIT_RUN_ERROR);
    }
    return NULL;
}

struct stop_signal *stop_signal_start(const char *command)
{
    struct stop_signal *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->command = command;
    atomic_init(&w->ending, 0);
    atomic_init(&w->over_status_line, 0);
    sigemptyset(&w->set);
    sigaddset(&w->set, SIGINT);
    sigaddset(&w->set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &w->set, &w->old);
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        pthread_sigmask(SIG_SETMASK, &w->old, NULL);
        free(w);
        return NULL;
    }
    return w;
}

void stop_signal_over_status_line(struct stop_signal *w)
{
    if (w)
        atomic_store(&w->over_status_line, 1);
}

void stop_signal_end(struct stop_signal *w)
{
    fault_undo_all(); /* a fault never outlives the command */
    if (!w)
        return;
    atomic_store(&w->ending, 1);
    pthread_join(w->thread, NULL);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&w->set, NULL, &zero) > 0)
        ;
    pthread_sigmask(SIG_SETMASK, &w->old, NULL);
    free(w);
}
