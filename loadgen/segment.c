#include "loadgen/segment.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int parse_part(const char *s, char **end, unsigned long *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *out = strtoul(s, end, 10);
    return errno ? -1 : 0;
}

int segment_parse(const char *text, struct segment *out, char *err, size_t errlen)
{
    unsigned long i, n;
    char *end;
    if (parse_part(text, &end, &i) || *end != '/' || parse_part(end + 1, &end, &n) || *end) {
        snprintf(err, errlen, "'%s': expected i/n, e.g. 0/3 for the first of three", text);
        return -1;
    }
    if (n < 1 || n > SEGMENT_MAX) {
        snprintf(err, errlen, "'%s': n must be 1..%d", text, SEGMENT_MAX);
        return -1;
    }
    if (i >= n) {
        snprintf(err, errlen, "'%s': i counts from 0 and must be below n (0/%lu .. %lu/%lu)", text,
                 n, n - 1, n);
        return -1;
    }
    *out = (struct segment){(uint32_t)i, (uint32_t)n};
    return 0;
}

uint64_t segment_nth(struct segment s, uint64_t j)
{
    return s.index + (uint64_t)s.count * j;
}

uint64_t segment_arrival_stride(struct segment s, uint32_t lanes)
{
    return (uint64_t)s.count * lanes;
}

int segment_owns(struct segment s, uint64_t k)
{
    return k % s.count == s.index;
}

uint64_t segment_share(struct segment s, uint64_t total)
{
    return total / s.count + (s.index < total % s.count ? 1 : 0);
}
