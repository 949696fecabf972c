/*
 * The options of a run split over several processes, for `load` (and later `capacity`):
 * --segment i/n (loadgen/segment.h), --run-id ID shared by the segments of one run (default: a
 * random one) and --start-at TIME so that segments on several machines start together.
 */
#ifndef STORECHECK_CHECKER_SPLIT_RUN_H
#define STORECHECK_CHECKER_SPLIT_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "loadgen/segment.h"

enum { SPLIT_RUN_ID_MAX = 64 };

struct split_run {
    struct segment segment;            /* {0, 1} unless --segment */
    char run_id[SPLIT_RUN_ID_MAX + 1]; /* "" until given or split_run_finish */
    int64_t start_at_ms;               /* unix milliseconds; 0: start at once */
};

void split_run_init(struct split_run *s);

/* --segment i/n. 0, or -1 with the reason in err. */
int split_run_segment(struct split_run *s, const char *value, char *err, size_t errlen);
/* --run-id: 1 to 64 of A-Z a-z 0-9 . _ - */
int split_run_id(struct split_run *s, const char *value, char *err, size_t errlen);
/* --start-at: RFC 3339 in UTC (2026-12-06T03:30:00Z, fractions of a second allowed) or unix
 * seconds; refused when more than a second before now_ms or more than 24 h after it. */
int split_run_start_at(struct split_run *s, const char *value, int64_t now_ms, char *err,
                       size_t errlen);

/* A random run id when none was given. */
void split_run_finish(struct split_run *s);

/* Wait until the start time, if any. 0 then; 1 when a stop (Ctrl-C) came first. */
int split_run_wait(const struct split_run *s);

/* The wall clock in unix milliseconds. */
int64_t split_run_now_ms(void);

#endif
