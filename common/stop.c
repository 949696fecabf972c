#include "common/stop.h"

#include <pthread.h>
#include <stdatomic.h>

#include "common/mono_wait.h"

static atomic_int requested;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;

static void init_cv(void)
{
    mono_cond_init(&cv);
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
    struct timespec until = mono_deadline_in_ms(ms);
    pthread_mutex_lock(&mu);
    while (!atomic_load(&requested) && pthread_cond_timedwait(&cv, &mu, &until) == 0)
        ;
    int stopped = atomic_load(&requested);
    pthread_mutex_unlock(&mu);
    return stopped;
}
