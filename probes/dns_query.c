#include "probes/dns_query.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mono_wait.h"
#include "common/oom.h"

enum { STOP_CHECK_MS = 50 };

/* Shared by the caller and the query's thread; the last of the two to leave frees it. */
struct dns_job {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, abandoned, no_resolver;
    char name[NS_MAXDNAME];
    int type, tries, max_try_s;
    uint64_t budget_ms;
    struct dns_answer answer;
};

static void job_free(struct dns_job *j)
{
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j);
}

static void *query_thread(void *arg)
{
    struct dns_job *j = arg;
    struct __res_state rs;
    memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0) {
        j->no_resolver = 1;
    } else {
        uint64_t per = j->budget_ms / 1000 / (uint64_t)(j->tries * (rs.nscount ? rs.nscount : 1));
        rs.retrans = per < 1 ? 1 : per > (uint64_t)j->max_try_s ? j->max_try_s : (int)per;
        rs.retry = j->tries;
        j->answer.len = res_nquery(&rs, j->name, ns_c_in, j->type, j->answer.buf,
                                   sizeof j->answer.buf);
        j->answer.h_err = rs.res_h_errno;
        res_nclose(&rs);
    }
    pthread_mutex_lock(&j->mu);
    j->done = 1;
    int abandoned = j->abandoned;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    if (abandoned)
        job_free(j);
    return NULL;
}

enum dns_outcome dns_query(const char *name, int type, uint64_t budget_ms, int tries,
                           int max_try_s, struct dns_answer *out, int (*should_stop)(void *),
                           void *arg)
{
    struct dns_job *j = xcalloc(1, sizeof *j);
    pthread_mutex_init(&j->mu, NULL);
    mono_cond_init(&j->cv);
    snprintf(j->name, sizeof j->name, "%s", name);
    j->type = type;
    j->tries = tries;
    j->max_try_s = max_try_s;
    j->budget_ms = budget_ms;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int started = pthread_create(&t, &attr, query_thread, j) == 0;
    pthread_attr_destroy(&attr);
    if (!started) {
        job_free(j);
        return DNS_NO_RESOLVER;
    }
    pthread_mutex_lock(&j->mu);
    while (!j->done) {
        if (should_stop(arg)) {
            j->abandoned = 1;
            pthread_mutex_unlock(&j->mu);
            return DNS_STOPPED;
        }
        struct timespec until = mono_deadline_in_ms(STOP_CHECK_MS);
        pthread_cond_timedwait(&j->cv, &j->mu, &until);
    }
    pthread_mutex_unlock(&j->mu);
    enum dns_outcome outcome = j->no_resolver ? DNS_NO_RESOLVER : DNS_ANSWERED;
    *out = j->answer;
    job_free(j);
    return outcome;
}
