/*
 * storecheck's own webhook receiver: an HTTP/1.1 listener on a loopback (or configured) port,
 * served by one thread with poll and deadlines. It records every delivery (arrival time,
 * headers, body) and answers the first fail_first attempts of each event with 500, then 503,
 * then 200 to the rest, so the store's retries can be measured. An event is told apart by the
 * body's "id" member, else by the whole body.
 */
#ifndef STORECHECK_PROBES_WEBHOOK_RECEIVER_H
#define STORECHECK_PROBES_WEBHOOK_RECEIVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum { WHR_MAX_HEADERS = 32 };

struct whr_delivery {
    uint64_t at_ms; /* monotonic (probe_now_ms) when the request was complete */
    long long wall; /* unix time then */
    int answered;   /* the status the receiver gave */
    size_t header_count;
    char *names[WHR_MAX_HEADERS];
    char *values[WHR_MAX_HEADERS];
    char *body; /* NUL-terminated */
    size_t body_len;
};

struct whr;

/* Listen on host (an IP literal) at port (0: a free one). NULL with why. */
struct whr *whr_start(const char *host, unsigned port, int fail_first, char *why,
                      size_t whylen);
unsigned whr_port(const struct whr *r);
/* Stop the thread, close every socket, free everything (deliveries included). */
void whr_stop(struct whr *r);

/* Wait until `want` deliveries whose body contains match (NULL: any) have arrived, or until
 * deadline_ms / cancel. Returns how many there are. */
size_t whr_wait(struct whr *r, const char *match, size_t want, uint64_t deadline_ms,
                atomic_int *cancel);
/* The i-th delivery whose body contains match, in arrival order; NULL past the end. Stays
 * valid until whr_stop. */
const struct whr_delivery *whr_get(struct whr *r, const char *match, size_t i);

/* A header of a delivery (any case), or NULL. */
const char *whr_header(const struct whr_delivery *d, const char *name);

#endif
