/*
 * Timed condition waits on the monotonic clock, so that a step of the wall clock can neither
 * stretch nor cut a wait: a condition variable that waits on it, and the absolute time ms from
 * now on it (for pthread_cond_timedwait).
 */
#ifndef STORECHECK_COMMON_MONO_WAIT_H
#define STORECHECK_COMMON_MONO_WAIT_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

void mono_cond_init(pthread_cond_t *cv);
struct timespec mono_deadline_in_ms(uint64_t ms);

#endif
