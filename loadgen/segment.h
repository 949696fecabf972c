/*
 * A segment i/n of a run split over several processes (`--segment i/n`): its deterministic
 * share of the arrival schedule and of the users, such that the n segments together run
 * exactly the whole schedule and make the same choices one process would.
 *
 * Arrivals are interleaved: arrival k (0-based, of the whole run) belongs to segment k mod n,
 * so every segment follows the rate's shape at 1/n of it. Within a segment, worker thread w of
 * T takes every T-th of the segment's arrivals. Users of the closed model are numbered over the
 * whole run and split the same way: user u belongs to segment u mod n. Everything an arrival
 * or user chooses (scenario, feeder row, random values) is a function of its run-wide number
 * and the seed, never of the process or thread that runs it.
 *
 * The whole run is the segment 0/1.
 */
#ifndef STORECHECK_LOADGEN_SEGMENT_H
#define STORECHECK_LOADGEN_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

enum { SEGMENT_MAX = 10000 }; /* the most segments a run may be split into */

struct segment {
    uint32_t index; /* 0 <= index < count */
    uint32_t count; /* >= 1 */
};

#define SEGMENT_WHOLE ((struct segment){0, 1})

/* Parse "i/n" (0 <= i < n <= SEGMENT_MAX). 0, or -1 with the reason in err. */
int segment_parse(const char *text, struct segment *out, char *err, size_t errlen);

/* The run-wide number of the segment's j-th arrival or user (j counts from 0). Lane `lane` of
 * the segment's worker threads starts at segment_nth(s, lane) and takes every
 * segment_arrival_stride() after it. */
uint64_t segment_nth(struct segment s, uint64_t j);
uint64_t segment_arrival_stride(struct segment s, uint32_t lanes);

/* 1 when the run-wide arrival (or user) k belongs to the segment. */
int segment_owns(struct segment s, uint64_t k);

/* How many of the run's first `total` users (or connections) belong to the segment. */
uint64_t segment_share(struct segment s, uint64_t total);

#endif
