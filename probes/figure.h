/*
 * Figures for reasons and evidence. Every number a probe prints goes through figure(), which
 * checks it against the range the quantity can take: a wrong subtraction or an unset value
 * then reads as what it is ("not a plausible figure") instead of an impossible number such as
 * a wait of 18446744073709551607 ms.
 */
#ifndef STORECHECK_PROBES_FIGURE_H
#define STORECHECK_PROBES_FIGURE_H

#include <stddef.h>
#include <stdint.h>

/* The plausible ranges of the quantities probes print. */
#define FIGURE_MAX_WAIT_MS (24.0 * 3600 * 1000)  /* any wait or duration of one audit */
#define FIGURE_MAX_SKEW_S  (100.0 * 365 * 86400) /* a clock off by up to a century */

enum { FIGURE_LEN = 96 };

/* 1 when v is a number (not NaN) within [lo, hi]. */
int figure_in_range(double v, double lo, double hi);

/* v with `decimals` decimals and the unit ("412 ms", "1.25 s", "-3 s" when lo allows it)
 * in buf, or "(not a plausible figure: v unit)" when v is out of [lo, hi]. Returns buf. */
const char *figure(char *buf, size_t len, double v, double lo, double hi, int decimals,
                   const char *unit);

/* a - b for two readings of the monotonic millisecond clock, signed: a reading taken before
 * the other gives a negative difference, never a wrapped unsigned one. */
int64_t figure_ms_between(uint64_t a, uint64_t b);

#endif
