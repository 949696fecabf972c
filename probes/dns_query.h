/* One DNS query through the system resolver (/etc/resolv.conf, res_nquery) that a stop can
 * leave at once: res_nquery blocks, so it runs on a thread of its own while the caller waits
 * in short slices and asks should_stop between them. A query left behind ends within the
 * resolver's bound and frees itself. */
#ifndef STORECHECK_PROBES_DNS_QUERY_H
#define STORECHECK_PROBES_DNS_QUERY_H

#include <stdint.h>

enum { DNS_ANSWER_MAX = 8192 };

struct dns_answer {
    int len;   /* res_nquery's: the answer's length, or -1 */
    int h_err; /* with -1: the resolver's h_errno (HOST_NOT_FOUND, NO_DATA, TRY_AGAIN, ...) */
    unsigned char buf[DNS_ANSWER_MAX];
};

enum dns_outcome { DNS_ANSWERED, DNS_STOPPED, DNS_NO_RESOLVER };

/* Ask for name's records of type (class IN). The resolver tries each server `tries` times,
 * each try bounded so that all of them fit in budget_ms (at least 1 s, at most max_try_s).
 * DNS_ANSWERED fills out (a negative answer included); DNS_STOPPED when should_stop(arg) said
 * 1 first; DNS_NO_RESOLVER when the resolver's configuration cannot be read or no thread can
 * be started. */
enum dns_outcome dns_query(const char *name, int type, uint64_t budget_ms, int tries,
                           int max_try_s, struct dns_answer *out, int (*should_stop)(void *),
                           void *arg);

#endif
