/*
 * A live output of a load run, as `--out KIND=TARGET` or an item of load.outputs names it:
 * json=FILE and csv=FILE stream one line a second, prometheus-rw=URL pushes to a Prometheus
 * remote-write endpoint (docs/outputs.md). And what came of it, for the result.
 */
#ifndef STORECHECK_COMMON_OUT_SPEC_H
#define STORECHECK_COMMON_OUT_SPEC_H

#include <stddef.h>
#include <stdint.h>

enum out_kind { OUT_JSON, OUT_CSV, OUT_PROMETHEUS_RW, OUT_KIND_COUNT };

/* "json", "csv", "prometheus-rw". */
extern const char *const out_kind_names[OUT_KIND_COUNT];

struct out_spec {
    enum out_kind kind;
    const char *target; /* the file or URL: points into the parsed text */
};

/* Parse "KIND=TARGET". A URL must be an absolute http(s) URL. 0, or -1 with err. */
int out_spec_parse(const char *text, struct out_spec *out, char *err, size_t errlen);

/* What an output did in a run. Files: lines written; prometheus-rw: pushes accepted. */
struct out_stats {
    enum out_kind kind;
    const char *target;
    uint64_t sent;
    uint64_t dropped; /* prometheus-rw: pushes dropped because the queue was full */
    uint64_t failed;  /* lines not written, pushes refused or not delivered */
    char error[256];  /* the first failure, "" if none */
};

#endif
