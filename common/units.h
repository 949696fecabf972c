/*
 * Quantities as people write them in configs and on the command line.
 *   durations: "250ms", "90s", "2m", "1h", "1.5s", "500us"  (a unit is required)
 *   counts:    "10k" = 10000, "2M", "1G", plain integers
 *   sizes:     "512", "10k"/"10KiB" = 10240, "10KB" = 10000, "2M"/"2MiB", "1G"/"1GiB"
 *   rates:     "500", "10k", "200/s", "600/m"
 *   percents:  "5%", "0.5%" (a unit is required)
 * Each returns 0, or -1 with a reason in err.
 */
#ifndef STORECHECK_COMMON_UNITS_H
#define STORECHECK_COMMON_UNITS_H

#include <stddef.h>
#include <stdint.h>

int units_parse_duration_us(const char *s, uint64_t *us, char *err, size_t errlen);
int units_parse_duration_ms(const char *s, uint64_t *ms, char *err, size_t errlen);
int units_parse_count(const char *s, uint64_t *n, char *err, size_t errlen);
int units_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);
/* Requests per second. */
int units_parse_rate(const char *s, double *per_second, char *err, size_t errlen);

/* A percentage from 0 to 100 as a fraction ("5%" = 0.05). */
int units_parse_percent(const char *s, double *fraction, char *err, size_t errlen);

/* "1.5s", "250ms", "2m30s" style rendering for messages. */
void units_format_duration_us(uint64_t us, char *buf, size_t len);

#endif
