#include "capacity.h"

static double rate, burst, tokens, updated;

void capacity_init(double r)
{
    rate = r > 0 ? r : 0;
    burst = rate / 10 > 1 ? rate / 10 : 1;
    tokens = burst;
    updated = -1;
}

bool capacity_take(double now)
{
    if (!(rate > 0))
        return true;
    if (updated >= 0 && now > updated)
        tokens += (now - updated) * rate;
    if (tokens > burst)
        tokens = burst;
    updated = now;
    if (tokens < 1)
        return false;
    tokens -= 1;
    return true;
}
