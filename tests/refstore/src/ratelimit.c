#include "ratelimit.h"

#include <math.h>
#include <string.h>

#define SLOTS 1024

struct bucket {
    char client[48];
    double tokens, updated;
};

static struct bucket buckets[SLOTS];
static double rate = 20;
static unsigned burst = 20;

void ratelimit_init(double r, unsigned b)
{
    rate = r > 0 ? r : 1;
    burst = b ? b : 1;
    memset(buckets, 0, sizeof buckets);
}

void ratelimit_take(const char *client, double now, struct ratelimit_verdict *v)
{
    unsigned h = 2166136261u;
    for (const char *p = client; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    struct bucket *b = &buckets[h % SLOTS];
    if (strncmp(b->client, client, sizeof b->client) != 0) {
        strncpy(b->client, client, sizeof b->client - 1);
        b->client[sizeof b->client - 1] = '\0';
        b->tokens = burst;
        b->updated = now;
    }
    b->tokens += (now - b->updated) * rate;
    if (b->tokens > burst)
        b->tokens = burst;
    b->updated = now;
    v->allowed = b->tokens >= 1;
    if (v->allowed)
        b->tokens -= 1;
    v->limit = burst;
    v->remaining = (unsigned)b->tokens;
    v->reset_s = (unsigned)ceil((burst - b->tokens) / rate);
    v->retry_after_s = v->allowed ? 0 : (unsigned)ceil((1 - b->tokens) / rate);
    if (!v->allowed && v->retry_after_s < 1)
        v->retry_after_s = 1;
}
