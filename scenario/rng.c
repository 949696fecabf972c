#include "scenario/rng.h"

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    /* xoshiro must not start from all zeros; splitmix64 output never is for four draws. */
    uint64_t st = seed ^ rng_hash(0x5eed5eed5eed5eedULL, stream);
    for (int i = 0; i < 4; i++)
        r->s[i] = rng_splitmix64(&st);
}
