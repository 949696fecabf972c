#include "common/stop.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static atomic_int requested;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;

/* The condition waits on the monotonic clock: a wall-clock step cannot stretch a wait. */
static void init_cv(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cv, &ca);
    pthread_condattr_destroy(&ca);
}

void stop_request(void)
{
    pthread_once(&cv_once, init_cv);
    pthread_mutex_lock(&mu);
    atomic_store(&requested, 1);
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

int stop_requested(void)
{
    return atomic_load(&requested);
}

int stop_wait_ms(uint64_t ms)
{
    pthread_once(&cv_once, init_cv);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&mu);
    while (!atomic_load(&requested) && pthread_cond_timedwait(&cv, &mu, &until) == 0)
        ;
    int stopped = atomic_load(&requested);
    pthread_mutex_unlock(&mu);
    return stopped;
}
