/*
 * A fast seeded PRNG for the hot path: xoshiro256** seeded through splitmix64. One struct rng
 * per worker thread (or per virtual user); nothing here is shared or locked. Not for secrets.
 *
 * rng_hash gives a stateless, counter-based draw (the same seed and index give the same value
 * on any thread or machine), which is what deterministic mix sampling under --segment needs.
 */
#ifndef STORECHECK_SCENARIO_RNG_H
#define STORECHECK_SCENARIO_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seed a generator; different streams of one seed are independent (e.g. one per thread). */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

/* One step of splitmix64: advances *state and returns a well-mixed 64-bit value. */
static inline uint64_t rng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A value fixed by (seed, index) alone. */
static inline uint64_t rng_hash(uint64_t seed, uint64_t index)
{
    uint64_t st = seed ^ rng_splitmix64(&index);
    return rng_splitmix64(&st);
}

static inline uint64_t rng_rotl_(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rng_rotl_(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl_(s[3], 45);
    return result;
}

/* Uniform in [0, n); n == 0 gives 0. Unbiased (Lemire's multiply-and-reject). */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t threshold = -n % n;
        while (lo < threshold) {
            m = (unsigned __int128)rng_next(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/* Uniform in [lo, hi], both inclusive; lo <= hi. */
static inline int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t off = span == UINT64_MAX ? rng_next(r) : rng_below(r, span + 1);
    return (int64_t)((uint64_t)lo + off);
}

/* Uniform in [0, 1) with 53 bits. */
static inline double rng_unit(uint64_t x)
{
    return (double)(x >> 11) * 0x1.0p-53;
}

static inline double rng_double(struct rng *r)
{
    return rng_unit(rng_next(r));
}

#endif
