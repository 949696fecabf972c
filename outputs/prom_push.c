#include "outputs/prom_push.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "common/oom.h"

struct body {
    char *data;
    size_t len;
};

struct prom_push {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* a body was queued, one was sent, or closing was set */
    struct body queue[PROM_PUSH_QUEUE];
    size_t head, count;
    int busy;           /* a push is under way */
    int closing;        /* no more bodies: send what is queued, then end */
    atomic_int abandon; /* stop the push under way now */
    char *url;
    uint64_t timeout_ms;
    uint64_t sent, dropped, failed;
    char error[256];
};

static size_t discard(char *ptr, size_t size, size_t n, void *user)
{
    return size * n;
}

static int abandoned(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                     curl_off_t ulnow)
{
    struct prom_push *p = user;
    return atomic_load(&p->abandon);
}

/* What became of a POST. The specification's answers worth another try: none at all (no
 * connection, a timeout, a cut answer), 5xx and 429; any other status is final. */
enum { POST_TAKEN, POST_REFUSED, POST_RETRY };

/* Another try after 250 ms, then after 500 ms, unless a newer body is queued by then. */
enum { RETRIES = 2, RETRY_BACKOFF_MS = 250 };

static struct timespec deadline_in(uint64_t ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += (time_t)(ms / 1000);
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static int post(struct prom_push *p, CURL *curl, const struct body *b, char *why, size_t len)
{
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Encoding: snappy");
    h = curl_slist_append(h, "Content-Type: application/x-protobuf");
    h = curl_slist_append(h, "User-Agent: storecheck");
    h = curl_slist_append(h, "X-Prometheus-Remote-Write-Version: 0.1.0");
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, p->url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, b->data);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abandoned);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, p);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        snprintf(why, len, "%s", curl_easy_strerror(rc));
        return rc == CURLE_ABORTED_BY_CALLBACK ? POST_REFUSED : POST_RETRY;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status / 100 == 2)
        return POST_TAKEN;
    snprintf(why, len, "the receiver answered HTTP %ld", status);
    return status / 100 == 5 || status == 429 ? POST_RETRY : POST_REFUSED;
}

/* Wait ms (the mutex held) unless a newer body comes or the push is abandoned first; 1 when
 * the body at hand is still the newest, worth another try. */
static int worth_retrying(struct prom_push *p, uint64_t ms)
{
    struct timespec until = deadline_in(ms);
    while (!p->count && !atomic_load(&p->abandon))
        if (pthread_cond_timedwait(&p->cond, &p->mu, &until) == ETIMEDOUT)
            break;
    return !p->count && !atomic_load(&p->abandon);
}

/* Send b, trying again while that is worth it. */
static int deliver(struct prom_push *p, CURL *curl, const struct body *b, char *why, size_t len)
{
    int rc = POST_REFUSED;
    for (int attempt = 0; curl; attempt++) {
        rc = post(p, curl, b, why, len);
        if (rc != POST_RETRY || attempt == RETRIES)
            break;
        pthread_mutex_lock(&p->mu);
        int again = worth_retrying(p, (uint64_t)RETRY_BACKOFF_MS << attempt);
        pthread_mutex_unlock(&p->mu);
        if (!again)
            break;
    }
    return rc;
}

static void *sender_main(void *arg)
{
    struct prom_push *p = arg;
    CURL *curl = curl_easy_init();
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->count && !p->closing)
            pthread_cond_wait(&p->cond, &p->mu);
        if (!p->count || atomic_load(&p->abandon))
            break;
        struct body b = p->queue[p->head];
        p->head = (p->head + 1) % PROM_PUSH_QUEUE;
        p->count--;
        p->busy = 1;
        pthread_mutex_unlock(&p->mu);
        char why[256] = "cannot start libcurl";
        int rc = deliver(p, curl, &b, why, sizeof why);
        free(b.data);
        pthread_mutex_lock(&p->mu);
        p->busy = 0;
        if (rc == POST_TAKEN) {
            p->sent++;
        } else {
            p->failed++;
            if (!p->error[0])
                snprintf(p->error, sizeof p->error, "%s", why);
        }
        pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&p->mu);
    if (curl)
        curl_easy_cleanup(curl);
    return NULL;
}

struct prom_push *prom_push_start(const char *url, uint64_t timeout_ms)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct prom_push *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, NULL);
    p->url = xstrdup(url);
    p->timeout_ms = timeout_ms;
    if (pthread_create(&p->thread, NULL, sender_main, p) != 0) {
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->mu);
        free(p->url);
        free(p);
        return NULL;
    }
    return p;
}

void prom_push_queue(struct prom_push *p, char *body, size_t len)
{
    pthread_mutex_lock(&p->mu);
    if (p->count == PROM_PUSH_QUEUE) {
        free(p->queue[p->head].data);
        p->head = (p->head + 1) % PROM_PUSH_QUEUE;
        p->count--;
        p->dropped++;
    }
    p->queue[(p->head + p->count) % PROM_PUSH_QUEUE] = (struct body){body, len};
    p->count++;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

void prom_push_finish(struct prom_push *p, uint64_t wait_ms, struct out_stats *stats)
{
    struct timespec until = deadline_in(wait_ms);
    pthread_mutex_lock(&p->mu);
    p->closing = 1;
    pthread_cond_broadcast(&p->cond);
    while (p->count || p->busy)
        if (pthread_cond_timedwait(&p->cond, &p->mu, &until) == ETIMEDOUT)
            break;
    atomic_store(&p->abandon, 1);
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    while (p->count) {
        free(p->queue[p->head].data);
        p->head = (p->head + 1) % PROM_PUSH_QUEUE;
        p->count--;
        p->dropped++;
    }
    stats->sent += p->sent;
    stats->dropped += p->dropped;
    stats->failed += p->failed;
    if (!stats->error[0])
        snprintf(stats->error, sizeof stats->error, "%s", p->error);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p->url);
    free(p);
}
