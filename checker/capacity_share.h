/*
 * A capacity search split over segments (`storecheck capacity --segment i/n --share DIR`):
 * the segments meet in a shared folder after every step, so that each judges the whole step
 * and all of them choose the same next rate, as one process would.
 *
 * The folder of a run is DIR/<run-id>/. After step K each segment writes its judged window
 * as a load result (docs/load-json.md, written atomically) to step-K/segment-i.json, waits
 * for the n windows, reads them and adds them up exactly (checker/segment_merge.h, the checks
 * `storecheck merge` makes: one run id, one config hash, each segment once).
 *
 * A segment that stops (Ctrl-C, a step that could not run, a segment that did not come)
 * writes stop-i; a watcher thread in every segment looks for the others' markers and, on
 * seeing one, requests the process-wide stop (common/stop.h), as Ctrl-C would.
 */
#ifndef STORECHECK_CHECKER_CAPACITY_SHARE_H
#define STORECHECK_CHECKER_CAPACITY_SHARE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen/result.h"
#include "loadgen/segment.h"
#include "reports/load_json.h"

struct capacity_share {
    char *run_dir; /* DIR/<run-id> */
    struct segment segment;
    pthread_t watcher;
    int watching;
    atomic_int quit;
    atomic_long stopped_by; /* the segment whose stop marker stopped this one; -1: none */
    atomic_int marked;      /* this segment's stop marker is written */
};

enum {
    CAPACITY_SHARE_STOPPED = 1,  /* a stop came first (Ctrl-C here, or another segment's) */
    CAPACITY_SHARE_FAILED = -1,  /* a window did not come in time or could not be written */
    CAPACITY_SHARE_INVALID = -2, /* the windows are not the segments of one run */
};

/* Make DIR/<run-id>/ and start watching it. -1 with the reason in err when it cannot be made
 * or holds a stopped run or this segment's results already (a run id is used once). Call
 * after stop_signal_start: the watcher thread must inherit the blocked signals. */
int capacity_share_open(struct capacity_share *sh, const char *dir, const char *run_id,
                        struct segment segment, char *err, size_t errlen);

/* Write this segment's window of step `step` (from 1), wait for every segment's (at most
 * timeout_ms, less when a stop comes), and add them up into *whole (load_result_free it).
 * win->run_id, config_hash and segment must be set. 0; CAPACITY_SHARE_STOPPED; or
 * CAPACITY_SHARE_FAILED / CAPACITY_SHARE_INVALID with the reason in err (this segment's stop
 * marker is then written, so the others stop too). */
int capacity_share_exchange(struct capacity_share *sh, uint32_t step, struct load_result *win,
                            const struct load_json_meta *meta, uint64_t timeout_ms,
                            struct load_result *whole, char *err, size_t errlen);

/* Write this segment's stop marker, saying why (once). */
void capacity_share_stop(struct capacity_share *sh, const char *why);

/* The segment whose stop marker stopped this one, or -1. */
long capacity_share_stopped_by(const struct capacity_share *sh);

/* The path of segment k's stop marker (free it). */
char *capacity_share_marker(const struct capacity_share *sh, uint32_t k);

/* Stop watching (writing this segment's marker if Ctrl-C stopped it) and free. */
void capacity_share_close(struct capacity_share *sh);

#endif
