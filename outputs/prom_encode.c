#include "outputs/prom_encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <snappy-c.h>

#include "common/oom.h"
#include "remote_write.pb-c.h"

enum { SERIES_LABELS = LIVE_LABELS_MAX + 3 }; /* __name__, run_id, segment */

static int by_name(const void *a, const void *b)
{
    const Prometheus__Label *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

char *prom_encode(const struct live_samples *s, const struct line_context *c, size_t *len)
{
    char seg[16];
    snprintf(seg, sizeof seg, "%u", c->segment);
    size_t n = s->count;
    Prometheus__TimeSeries *ts = xcalloc(n ? n : 1, sizeof *ts);
    Prometheus__TimeSeries **tsp = xcalloc(n ? n : 1, sizeof *tsp);
    Prometheus__Label *labels = xcalloc((n ? n : 1) * SERIES_LABELS, sizeof *labels);
    Prometheus__Label **labelp = xcalloc((n ? n : 1) * SERIES_LABELS, sizeof *labelp);
    Prometheus__Sample *samples = xcalloc(n ? n : 1, sizeof *samples);
    Prometheus__Sample **samplep = xcalloc(n ? n : 1, sizeof *samplep);
    for (size_t i = 0; i < n; i++) {
        const struct live_sample *x = &s->items[i];
        Prometheus__Label *l = &labels[i * SERIES_LABELS];
        Prometheus__Label **lp = &labelp[i * SERIES_LABELS];
        /* protobuf-c's fields are not const; packing only reads them. */
        const char *pairs[SERIES_LABELS][2] = {
            {"__name__", x->name}, {"run_id", c->run_id}, {"segment", seg}};
        size_t k = 3;
        for (size_t j = 0; j < x->label_count; j++, k++) {
            pairs[k][0] = x->labels[j].name;
            pairs[k][1] = x->labels[j].value;
        }
        for (size_t j = 0; j < k; j++) {
            prometheus__label__init(&l[j]);
            l[j].name = (char *)pairs[j][0];
            l[j].value = (char *)pairs[j][1];
            lp[j] = &l[j];
        }
        qsort(lp, k, sizeof *lp, by_name);
        prometheus__sample__init(&samples[i]);
        samples[i].value = x->value;
        samples[i].timestamp = c->unix_ms;
        samplep[i] = &samples[i];
        prometheus__time_series__init(&ts[i]);
        ts[i].n_labels = k;
        ts[i].labels = lp;
        ts[i].n_samples = 1;
        ts[i].samples = &samplep[i];
        tsp[i] = &ts[i];
    }
    Prometheus__WriteRequest req;
    prometheus__write_request__init(&req);
    req.n_timeseries = n;
    req.timeseries = tsp;
    size_t packed_len = prometheus__write_request__get_packed_size(&req);
    uint8_t *packed = xmalloc(packed_len ? packed_len : 1);
    prometheus__write_request__pack(&req, packed);
    size_t cap = snappy_max_compressed_length(packed_len);
    char *out = xmalloc(cap);
    if (snappy_compress((const char *)packed, packed_len, out, &cap) != SNAPPY_OK) {
        free(out);
        out = NULL;
    }
    *len = cap;
    free(packed);
    free(samplep);
    free(samples);
    free(labelp);
    free(labels);
    free(tsp);
    free(ts);
    return out;
}
