#include "probes/conn_gate.h"

#include <pthread.h>
#include <stdio.h>
#include <strings.h>

#include "common/mono_wait.h"
#include "common/url.h"
#include "probes/probe.h"

enum { MAX_HOSTS = 64, WAIT_SLICE_MS = 25 };

/* The hosts with slots taken (and their peaks); an entry is reused for another host once
 * nothing holds it. */
struct host_slots {
    char host[URL_HOST_MAX + 1];
    unsigned taken;
    unsigned peak;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed;
static pthread_once_t freed_once = PTHREAD_ONCE_INIT;
static struct host_slots hosts[MAX_HOSTS];

/* The entry of host, or a new one; NULL when the table is full of other held hosts. */
static struct host_slots *entry(const char *host, int create)
{
    struct host_slots *spare = NULL;
    for (size_t i = 0; i < MAX_HOSTS; i++) {
        if (strcasecmp(hosts[i].host, host) == 0 && hosts[i].host[0])
            return &hosts[i];
        if (!spare && hosts[i].taken == 0)
            spare = &hosts[i];
    }
    if (!create || !spare)
        return NULL;
    snprintf(spare->host, sizeof spare->host, "%s", host);
    spare->peak = 0;
    return spare;
}

static void init_freed(void)
{
    mono_cond_init(&freed);
}

unsigned conn_gate_take(const char *host, unsigned limit, unsigned want, int wait_first,
                        uint64_t deadline_ms, atomic_int *cancel)
{
    if (limit == 0)
        limit = CONN_GATE_DEFAULT;
    if (want == 0)
        return 0;
    pthread_once(&freed_once, init_freed);
    pthread_mutex_lock(&mu);
    struct host_slots *h = entry(host, 1);
    /* A full table (64 hosts held at once) is not a reason to refuse: count nothing. */
    if (!h) {
        pthread_mutex_unlock(&mu);
        return want;
    }
    /* The cancel flag is set without a signal: wake up in slices to see it. */
    while (h->taken >= limit && wait_first && probe_now_ms() < deadline_ms &&
           !(cancel && atomic_load(cancel))) {
        struct timespec ts = mono_deadline_in_ms(WAIT_SLICE_MS);
        pthread_cond_timedwait(&freed, &mu, &ts);
    }
    unsigned got = h->taken >= limit ? 0 : limit - h->taken < want ? limit - h->taken : want;
    h->taken += got;
    if (h->taken > h->peak)
        h->peak = h->taken;
    pthread_mutex_unlock(&mu);
    return got;
}

int conn_gate_take_socket(const struct probe_ctx *ctx, const char *host, uint64_t deadline_ms,
                          char *err, size_t errlen)
{
    if (conn_gate_take(host, ctx->cfg->audit.max_connections_per_host, 1, 1, deadline_ms,
                       ctx->cancelled))
        return 1;
    snprintf(err, errlen,
             "not connected: no connection to %s was free in time "
             "(audit.max_connections_per_host)",
             host);
    return 0;
}

void conn_gate_give(const char *host, unsigned n)
{
    if (n == 0)
        return;
    pthread_once(&freed_once, init_freed);
    pthread_mutex_lock(&mu);
    struct host_slots *h = entry(host, 0);
    if (h)
        h->taken = h->taken > n ? h->taken - n : 0;
    pthread_cond_broadcast(&freed);
    pthread_mutex_unlock(&mu);
}

unsigned conn_gate_peak(const char *host)
{
    pthread_mutex_lock(&mu);
    struct host_slots *h = entry(host, 0);
    unsigned peak = h ? h->peak : 0;
    pthread_mutex_unlock(&mu);
    return peak;
}

void conn_gate_reset_peak(void)
{
    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < MAX_HOSTS; i++)
        hosts[i].peak = hosts[i].taken;
    pthread_mutex_unlock(&mu);
}
