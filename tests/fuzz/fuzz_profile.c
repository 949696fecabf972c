/* Profiles: parse any YAML; when it loads, the shape over time is finite, the arrival times
 * invert the arrival counts, and overrides keep it consistent. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "scenario/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct profile p;
    struct diag_list d;
    diag_list_init(&d);
    if (profile_parse(&p, (const char *)data, size, "fuzz.yaml", &d)) {
        if (d.count == 0)
            abort();
        diag_list_free(&d);
        return 0;
    }
    if (d.count != 0 || p.stage_count == 0)
        abort();
    uint64_t total = profile_duration_us(&p);
    if (total == 0)
        abort();
    for (int i = 0; i <= 16; i++) {
        double v = profile_target_at(&p, total / 16 * (uint64_t)i);
        if (!isfinite(v) || v < 0 || v > profile_peak(&p) * (1 + 1e-12))
            abort();
    }
    double all = profile_arrivals_until(&p, total);
    if (!isfinite(all) || all < 0)
        abort();
    for (int i = 0; i < 8; i++) {
        uint64_t t;
        double n = all * i / 8;
        if (profile_arrival_time(&p, n, &t) == 0 && t > total)
            abort();
    }
    struct scenario sc[] = {{.name = "browse"}, {.name = "checkout"}};
    profile_check_mix(&p, sc, 2, &d);
    if (p.mix.count)
        for (uint64_t i = 0; i < 8; i++)
            if (mix_pick_at(&p.mix, 1, i) >= p.mix.count)
                abort();
    if (profile_scale_duration(&p, 60000000) || profile_duration_us(&p) != 60000000)
        abort();
    if (profile_peak(&p) > 0 && profile_scale_peak(&p, 10))
        abort();
    diag_list_free(&d);
    profile_free(&p);
    return 0;
}
