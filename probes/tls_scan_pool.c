#include "probes/tls_scan_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum job_kind {
    JOB_OFFER,   /* one hello offering suites */
    JOB_CHUNK,   /* enumerate a part of the list, one hello after another */
    JOB_VERSION, /* tls_scan_version: the whole version one hello after another */
    JOB_ORDER,   /* tls_scan_order on result */
};

struct job {
    enum job_kind kind;
    struct tls_scan scan; /* a copy: its own count, its share of the cap */
    unsigned counted;     /* scan.connections before the job ran */
    uint16_t version;
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    size_t nsuites;
    struct tls_reply reply;           /* JOB_OFFER */
    struct tls_version_result result; /* the others */
};

/* The jobs of one round, taken by up to in_flight(pool) threads; each job has one connection
 * open at a time, so the jobs running at once bound the connections open at once. */
struct round {
    struct job *jobs;
    size_t njobs;
    atomic_size_t next;
    atomic_uint running, peak;
};

static void run_job(struct job *j)
{
    switch (j->kind) {
    case JOB_OFFER:
        tls_scan_offer_suites(&j->scan, j->version, j->suites, j->nsuites, &j->reply);
        break;
    case JOB_CHUNK:
        j->result.version = j->version;
        tls_scan_enumerate(&j->scan, j->version, j->suites, j->nsuites, &j->result);
        break;
    case JOB_VERSION:
        tls_scan_version(&j->scan, j->version, &j->result);
        break;
    case JOB_ORDER:
        tls_scan_order(&j->scan, &j->result);
        break;
    }
}

static void *crew_member(void *arg)
{
    struct round *r = arg;
    for (size_t i; (i = atomic_fetch_add(&r->next, 1)) < r->njobs;) {
        unsigned now = atomic_fetch_add(&r->running, 1) + 1;
        unsigned peak = atomic_load(&r->peak);
        while (now > peak && !atomic_compare_exchange_weak(&r->peak, &peak, now))
            ;
        run_job(&r->jobs[i]);
        atomic_fetch_sub(&r->running, 1);
    }
    return NULL;
}

/* Most connections one job can make. */
static unsigned job_need(const struct job *j)
{
    switch (j->kind) {
    case JOB_CHUNK:
        return (unsigned)j->nsuites;
    case JOB_VERSION:
        return TLS_SCAN_MAX_SUITES + 2;
    default:
        return 1;
    }
}

/* The connections the pool may have open at once now: what it holds, after asking for more. */
static unsigned in_flight(struct tls_scan_pool *pool)
{
    unsigned most = pool->most < TLS_SCAN_POOL_MAX ? pool->most : TLS_SCAN_POOL_MAX;
    if (pool->take && pool->held < most)
        pool->held += pool->take(pool->arg, most - pool->held);
    return pool->held < 1 ? 1 : pool->held < most ? pool->held : most;
}

/* Run jobs[0..n) on up to in_flight(pool) threads (this one among them), each with its share
 * of what is left of s's cap; adds the connections made to s and the most running at once to
 * pool->peak. */
static void run_round(struct tls_scan *s, struct tls_scan_pool *pool, struct job *jobs, size_t n)
{
    unsigned threads = in_flight(pool);
    unsigned cap = s->max_connections ? s->max_connections : 400; /* tls_scan.h's default */
    unsigned left = s->connections < cap ? cap - s->connections : 0;
    for (size_t i = 0; i < n; i++) {
        unsigned share = job_need(&jobs[i]) < left ? job_need(&jobs[i]) : left;
        left -= share;
        jobs[i].scan = *s;
        /* A share of 0 is a full count (0 would mean the default cap). */
        jobs[i].scan.connections = share ? 0 : 1;
        jobs[i].scan.max_connections = share ? share : 1;
        jobs[i].counted = jobs[i].scan.connections;
    }
    struct round r = {.jobs = jobs, .njobs = n};
    pthread_t crew[TLS_SCAN_POOL_MAX];
    size_t started = 0;
    for (size_t i = 1; i < threads && i < n; i++)
        if (pthread_create(&crew[started], NULL, crew_member, &r) == 0)
            started++;
    crew_member(&r);
    for (size_t i = 0; i < started; i++)
        pthread_join(crew[i], NULL);
    for (size_t i = 0; i < n; i++)
        s->connections += jobs[i].scan.connections - jobs[i].counted;
    unsigned peak = atomic_load(&r.peak);
    if (peak > pool->peak)
        pool->peak = peak;
}

/* Where id stands in the table's list for its version. */
static size_t table_pos(const uint16_t *table, size_t n, uint16_t id)
{
    for (size_t i = 0; i < n; i++)
        if (table[i] == id)
            return i;
    return n;
}

static int is_hello_at(const struct tls_reply *r, uint16_t version)
{
    return r->kind == TLS_REPLY_HELLO && r->version == version;
}

/* How one version is found after the two first offers. */
enum plan { PLAN_DONE, PLAN_CHUNKS, PLAN_ONE_BY_ONE, PLAN_AGAIN };

struct version_plan {
    enum plan plan;
    uint16_t table[TLS_SCAN_MAX_SUITES];
    size_t ntable;
    size_t first_chunk, nchunks; /* the version's jobs in the second round */
};

/* The parts of the version's list (less the two suites already picked) as chunk jobs. */
static size_t add_chunks(const struct version_plan *p, uint16_t version, uint16_t a, uint16_t b,
                         unsigned parts, struct job *jobs)
{
    size_t rest = p->ntable - 2, k = rest < parts ? rest : parts;
    for (size_t c = 0; c < k; c++) {
        memset(&jobs[c], 0, sizeof jobs[c]);
        jobs[c].kind = JOB_CHUNK;
        jobs[c].version = version;
    }
    /* Dealt round-robin: accepted suites sit together in the table (one cipher family), so
     * dealing spreads them over the parts. */
    size_t d = 0;
    for (size_t i = 0; i < p->ntable; i++)
        if (p->table[i] != a && p->table[i] != b) {
            struct job *j = &jobs[d++ % k];
            j->suites[j->nsuites++] = p->table[i];
        }
    return k;
}

/* The union of a version's first picks and its parts, in the table's order. */
static void merge_chunks(const struct version_plan *p, const struct job *first,
                         const struct job *chunks, struct tls_version_result *out)
{
    uint8_t accepted[TLS_SCAN_MAX_SUITES + 1] = {0}; /* the last: not in the table */
    accepted[table_pos(p->table, p->ntable, first[0].reply.suite)] = 1;
    accepted[table_pos(p->table, p->ntable, first[1].reply.suite)] = 1;
    out->first = first[0].reply;
    out->offered = 1;
    out->secure_renegotiation =
        first[0].reply.renegotiation_info || first[1].reply.renegotiation_info;
    out->stop = TLS_REPLY_HELLO; /* every suite accepted: nothing was refused */
    for (size_t c = 0; c < p->nchunks; c++) {
        const struct tls_version_result *r = &chunks[c].result;
        for (size_t i = 0; i < r->nsuites; i++)
            accepted[table_pos(p->table, p->ntable, r->suites[i])] = 1;
        out->secure_renegotiation |= r->secure_renegotiation;
        /* A part that ended other than by a refusal (time, cap) says why the whole did. */
        if (c == 0 || (r->stop != TLS_REPLY_ALERT && r->stop != TLS_REPLY_CLOSED))
            out->stop = r->stop;
    }
    for (size_t i = 0; i < p->ntable; i++)
        if (accepted[i])
            out->suites[out->nsuites++] = p->table[i];
}

void tls_scan_pool_versions(struct tls_scan *s, struct tls_scan_pool *pool,
                            const uint16_t *versions, size_t n, struct tls_version_result *out)
{
    pool->peak = 0;
    /* Round 1: per version, its whole list offered as is and reversed. A server that follows
     * the client picks two different suites; one that follows its own order, the same. */
    struct job *first = calloc(2 * n, sizeof *first);
    struct job *second = calloc(n * TLS_SCAN_POOL_MAX, sizeof *second);
    struct version_plan *plans = calloc(n, sizeof *plans);
    if (!first || !second || !plans) {
        free(first);
        free(second);
        free(plans);
        for (size_t v = 0; v < n; v++)
            tls_scan_version(s, versions[v], &out[v]);
        pool->peak = n > 0;
        return;
    }
    for (size_t v = 0; v < n; v++) {
        struct version_plan *p = &plans[v];
        p->ntable = tls_scan_suites_for(versions[v], p->table);
        for (size_t k = 0; k < 2; k++) {
            struct job *j = &first[2 * v + k];
            j->kind = JOB_OFFER;
            j->version = versions[v];
            j->nsuites = p->ntable;
            for (size_t i = 0; i < p->ntable; i++)
                j->suites[i] = p->table[k ? p->ntable - 1 - i : i];
        }
    }
    run_round(s, pool, first, 2 * n);
    /* Round 2: the parts of each version that follows the client, every other version whole. */
    size_t njobs = 0;
    unsigned parts = in_flight(pool);
    for (size_t v = 0; v < n; v++) {
        struct version_plan *p = &plans[v];
        const struct tls_reply *a = &first[2 * v].reply, *b = &first[2 * v + 1].reply;
        memset(&out[v], 0, sizeof out[v]);
        out[v].version = versions[v];
        out[v].server_order = -1;
        p->first_chunk = njobs;
        if (!is_hello_at(a, versions[v])) {
            out[v].first = *a; /* not offered, or no answer: as the first hello of one by one */
            out[v].stop = a->kind;
            p->plan = PLAN_DONE;
        } else if (is_hello_at(b, versions[v]) && a->suite != b->suite &&
                   table_pos(p->table, p->ntable, a->suite) < p->ntable &&
                   table_pos(p->table, p->ntable, b->suite) < p->ntable) {
            p->plan = PLAN_CHUNKS;
            p->nchunks = add_chunks(p, versions[v], a->suite, b->suite, parts, &second[njobs]);
            njobs += p->nchunks;
        } else {
            p->plan = PLAN_ONE_BY_ONE;
            memset(&second[njobs], 0, sizeof second[njobs]);
            second[njobs].kind = JOB_VERSION;
            second[njobs++].version = versions[v];
        }
    }
    run_round(s, pool, second, njobs);
    /* Round 3: the picks of each version split in parts, offered reversed, must show the
     * client's order again; otherwise (a server with rules of its own) one by one, round 4. */
    size_t norder = 0;
    for (size_t v = 0; v < n; v++) {
        struct version_plan *p = &plans[v];
        if (p->plan == PLAN_ONE_BY_ONE)
            out[v] = second[p->first_chunk].result;
        if (p->plan != PLAN_CHUNKS)
            continue;
        merge_chunks(p, &first[2 * v], &second[p->first_chunk], &out[v]);
        struct job *j = &first[norder++]; /* round 1's jobs are read: reuse them */
        memset(j, 0, sizeof *j);
        j->kind = JOB_ORDER;
        j->version = versions[v];
        j->result = out[v];
    }
    run_round(s, pool, first, norder);
    size_t nagain = 0, o = 0;
    for (size_t v = 0; v < n; v++) {
        if (plans[v].plan != PLAN_CHUNKS)
            continue;
        out[v].server_order = first[o++].result.server_order;
        if (out[v].server_order == 0)
            continue;
        memset(&second[nagain], 0, sizeof second[nagain]);
        second[nagain].kind = JOB_VERSION;
        second[nagain].version = versions[v];
        plans[v].first_chunk = nagain++;
        plans[v].plan = PLAN_AGAIN;
    }
    if (nagain) {
        run_round(s, pool, second, nagain);
        for (size_t v = 0; v < n; v++)
            if (plans[v].plan == PLAN_AGAIN)
                out[v] = second[plans[v].first_chunk].result;
    }
    free(first);
    free(second);
    free(plans);
}
