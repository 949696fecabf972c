/*
 * The process-wide stop. Once a stop is requested (Ctrl-C, SIGTERM), nothing new starts: no
 * probe, no order, no fault, no load; work in flight winds down and every wait between steps
 * ends early. A stop is never withdrawn.
 */
#ifndef STORECHECK_COMMON_STOP_H
#define STORECHECK_COMMON_STOP_H

#include <stdint.h>

/* Request the stop (from any thread) and wake every stop_wait_ms. */
void stop_request(void);
/* 1 once a stop was requested. */
int stop_requested(void);
/* Sleep ms milliseconds, less when a stop comes first. 1 when stopped, else 0. */
int stop_wait_ms(uint64_t ms);

#endif
