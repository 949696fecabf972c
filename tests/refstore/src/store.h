/*
 * The store's run-time settings (from the command line) and the little global state the
 * handlers share. The server is single-threaded on one libev loop, so plain globals are safe.
 */
#ifndef REFSTORE_STORE_H
#define REFSTORE_STORE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_SCHEDULE_MAX 16

struct store_config {
    const char *listen, *tls_listen, *admin; /* host:port, NULL when off */
    const char *cert, *key, *ready_file;
    uint64_t seed;
    unsigned products;
    uint64_t webhook_schedule_ms[WEBHOOK_SCHEDULE_MAX];
    size_t webhook_schedule_len;
    const char *webhook_secret, *intake_secret;
    double rate_per_s;
    double capacity_per_s; /* --capacity: requests a second store-wide; 0: no limit */
    unsigned burst;
    double request_timeout; /* seconds a request may take to arrive; also the idle limit */
    bool tls_legacy, quiet;
    bool api_only; /* no HTML pages: "/" answers a JSON index, every error is problem+json */
    bool headless; /* headless.h */
};

struct store_state {
    struct ev_loop *loop;
    int https_port; /* 0 when there is no TLS listener */
    bool orders_down;
    /* Wall-clock µs (CLOCK_REALTIME, 0: never) of the last order created and the last start of
     * the orders_down fault, for tests that a stopped client started nothing after a moment. */
    int64_t last_order_us, last_fault_start_us;
};

extern struct store_config store_cfg;
extern struct store_state store;

/* Current wall-clock time in seconds (the event loop's cached time). */
double store_now(void);
/* The wall clock now, in µs (not cached: comparable with another process's clock). */
int64_t store_wall_us(void);

#endif
