#include "probes/figure.h"

#include <math.h>
#include <stdio.h>

int figure_in_range(double v, double lo, double hi)
{
    return !isnan(v) && v >= lo && v <= hi;
}

const char *figure(char *buf, size_t len, double v, double lo, double hi, int decimals,
                   const char *unit)
{
    if (figure_in_range(v, lo, hi))
        snprintf(buf, len, "%.*f %s", decimals, v, unit);
    else
        snprintf(buf, len, "(not a plausible figure: %.6g %s)", v, unit);
    return buf;
}

int64_t figure_ms_between(uint64_t a, uint64_t b)
{
    /* Monotonic readings of one run are far below INT64_MAX apart. */
    return a >= b ? (int64_t)(a - b) : -(int64_t)(b - a);
}
