#include "store.h"

struct store_config store_cfg;
struct store_state store;

double store_now(void)
{
    return ev_now(store.loop);
}
