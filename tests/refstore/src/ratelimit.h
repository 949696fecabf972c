/*
 * A token bucket per client address: `rate` tokens a second, at most `burst` saved up.
 * A fixed table; a new address may take over the slot of another (it then starts full),
 * which bounds memory whatever the number of clients.
 */
#ifndef REFSTORE_RATELIMIT_H
#define REFSTORE_RATELIMIT_H

#include <stdbool.h>

struct ratelimit_verdict {
    bool allowed;
    unsigned limit, remaining;
    unsigned reset_s;       /* seconds until the bucket is full again */
    unsigned retry_after_s; /* seconds until the next token, when refused */
};

void ratelimit_init(double rate, unsigned burst);
void ratelimit_take(const char *client, double now, struct ratelimit_verdict *v);

#endif
