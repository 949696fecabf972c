#include "checker/fault_guard.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "probes/fault.h"

struct fault_guard {
    pthread_t thread;
    sigset_t set, old;
    atomic_int stop;
    const char *command;
};

static void *watch(void *arg)
{
    struct fault_guard *g = arg;
    while (!atomic_load(&g->stop)) {
        struct timespec slice = {0, 100 * 1000 * 1000};
        int sig = sigtimedwait(&g->set, NULL, &slice);
        if (sig != SIGINT && sig != SIGTERM)
            continue;
        size_t n = fault_undo_all();
        fprintf(stderr, "storecheck %s: interrupted%s\n", g->command,
                n ? "; the injected fault was undone" : "");
        /* End as the signal would have: default action, then the signal itself. */
        signal(sig, SIG_DFL);
        pthread_sigmask(SIG_UNBLOCK, &g->set, NULL);
        raise(sig);
        exit(128 + sig);
    }
    return NULL;
}

struct fault_guard *fault_guard_start(const char *command)
{
    struct fault_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->command = command;
    atomic_init(&g->stop, 0);
    sigemptyset(&g->set);
    sigaddset(&g->set, SIGINT);
    sigaddset(&g->set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &g->set, &g->old);
    if (pthread_create(&g->thread, NULL, watch, g) != 0) {
        pthread_sigmask(SIG_SETMASK, &g->old, NULL);
        free(g);
        return NULL;
    }
    return g;
}

void fault_guard_stop(struct fault_guard *g)
{
    if (!g)
        return;
    atomic_store(&g->stop, 1);
    pthread_join(g->thread, NULL);
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
    free(g);
}
