#include "store.h"

#include <time.h>

struct store_config store_cfg;
struct store_state store;

double store_now(void)
{
    return ev_now(store.loop);
}

int64_t store_wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
