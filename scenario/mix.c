#include "scenario/mix.h"

int mix_prepare(struct mix *m)
{
    double sum = 0;
    for (size_t i = 0; i < m->count; i++) {
        sum += m->items[i].weight;
        m->items[i].cum = sum;
    }
    m->total = sum;
    return sum > 0 ? 0 : -1;
}

void mix_from_scenarios(struct mix *m, struct mix_entry *entries, const struct scenario *scenarios,
                        size_t count)
{
    for (size_t i = 0; i < count; i++)
        entries[i] =
            (struct mix_entry){.name = scenarios[i].name, .weight = 1, .pos = scenarios[i].pos};
    *m = (struct mix){entries, count, 0};
    mix_prepare(m);
}

size_t mix_pick_unit(const struct mix *m, double u)
{
    double x = u * m->total;
    /* The first entry whose cumulative weight exceeds x; zero weights are never chosen. */
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->items[mid].cum > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo < m->count)
        return lo;
    /* Rounding put x at the total: the last entry with a weight. */
    while (lo > 0 && m->items[lo - 1].weight <= 0)
        lo--;
    return lo ? lo - 1 : 0;
}

size_t mix_pick_at(const struct mix *m, uint64_t seed, uint64_t index)
{
    return mix_pick_unit(m, rng_unit(rng_hash(seed, index)));
}
