/*
 * The per-second time series. Each worker collects one second of data in a struct
 * series_interval and hands it over once a second (series_submit, under a mutex: once a second
 * per worker, never per request). A second is finished when every worker has handed in its
 * share, or when series_finish runs at the end; finished seconds are read by the live progress
 * line (series_latest) and end up in the result.
 */
#ifndef STORECHECK_LOADGEN_SERIES_H
#define STORECHECK_LOADGEN_SERIES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen/hist.h"
#include "loadgen/result.h"

/* One worker's share of one second. */
struct series_interval {
    struct hist *latency; /* corrected latency of responses completed in the second */
    uint64_t responses, errors, status_4xx, status_5xx, status_503, late, dropped, bytes_in,
        bytes_out;
    uint64_t connections, users;  /* the most open, and in an iteration, at once in the second */
    struct lg_step_second *steps; /* per step of the users, sized once; NULL in URL runs */
    size_t step_count;
};

void series_interval_init(struct series_interval *iv, size_t step_count);
void series_interval_reset(struct series_interval *iv);
void series_interval_free(struct series_interval *iv);

enum { SERIES_RING = 8 }; /* seconds a slow worker may lag behind before its share is late */

struct series {
    pthread_mutex_t mu;
    unsigned workers;
    size_t step_count;
    struct {
        int used;
        uint32_t second;
        unsigned contributions;
        struct series_interval sum;
    } slots[SERIES_RING];
    struct lg_second *rows; /* finished seconds, in order */
    size_t count, cap;
};

void series_init(struct series *s, unsigned workers, size_t step_count);
void series_free(struct series *s);

/* Add one worker's share of `second`; resets nothing in iv. */
void series_submit(struct series *s, uint32_t second, const struct series_interval *iv);

/* Finish every second still waiting for shares (at the end of the run). */
void series_finish(struct series *s);

/* Copy the newest finished second, without its steps, into *out; 0 if there is one, -1 if
 * none yet. */
int series_latest(struct series *s, struct lg_second *out);

/* Move the finished rows out (the caller frees them); the series keeps none. */
struct lg_second *series_take(struct series *s, size_t *count);

#endif
