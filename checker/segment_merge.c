#include "checker/segment_merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "loadgen/result_merge.h"

enum { MAX_FILE = 256 << 20 };

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read it: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > MAX_FILE) {
            snprintf(err, errlen, "larger than 256 MiB");
            fclose(f);
            free(buf);
            return NULL;
        }
        if (n == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read it");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int segment_result_read(struct segment_result *s, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = slurp(s->path, &len, err, errlen);
    int rc = text ? load_json_read(text, len, &s->doc, &s->r, &s->src, err, errlen) : -1;
    free(text);
    return rc;
}

void segment_result_free(struct segment_result *s)
{
    load_result_free(&s->r);
    load_json_source_free(&s->src);
    cJSON_Delete(s->doc);
    s->doc = NULL;
}

/* Each of the n results has the run id, config hash and segment count of the first. */
static int same_run(const struct segment_result *s, size_t n, char *err, size_t errlen)
{
    const struct load_result *a = &s[0].r;
    for (size_t i = 0; i < n; i++) {
        const struct load_result *r = &s[i].r;
        if (r->segments_merged) {
            snprintf(err, errlen, "%s is already a merged result", s[i].path);
            return -1;
        }
        if (strcmp(r->run_id, a->run_id) != 0) {
            snprintf(err, errlen,
                     "%s is of run '%s', %s of run '%s': give the segments of one run "
                     "(--run-id)",
                     s[i].path, r->run_id, s[0].path, a->run_id);
            return -1;
        }
        if (r->http != a->http) {
            snprintf(err, errlen,
                     "%s asked for HTTP %s, %s for HTTP %s: run every segment with the same "
                     "--http (load.http)",
                     s[0].path, lg_http_names[a->http], s[i].path, lg_http_names[r->http]);
            return -1;
        }
        if (strcmp(r->config_hash, a->config_hash) != 0) {
            snprintf(err, errlen,
                     "%s and %s ran different schedules (config hash %s and %s): the config, "
                     "profile or options that shape the run differ",
                     s[0].path, s[i].path, a->config_hash, r->config_hash);
            return -1;
        }
        if (r->segment.count != a->segment.count) {
            snprintf(err, errlen, "%s is a segment of %u, %s of %u", s[i].path, r->segment.count,
                     s[0].path, a->segment.count);
            return -1;
        }
    }
    return 0;
}

int segment_results_check(struct segment_result *s, size_t n, char *err, size_t errlen)
{
    if (same_run(s, n, err, errlen))
        return -1;
    uint32_t count = s[0].r.segment.count;
    struct segment_result **by = xcalloc(count, sizeof *by);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        uint32_t k = s[i].r.segment.index;
        if (by[k]) {
            snprintf(err, errlen, "%s and %s are both segment %u/%u", by[k]->path, s[i].path, k,
                     count);
            rc = -1;
        }
        by[k] = &s[i];
    }
    size_t missing = 0;
    for (uint32_t k = 0; k < count && !rc; k++)
        missing += !by[k];
    if (!rc && missing) {
        int at = snprintf(err, errlen, "%zu of %u segments of run '%s' missing:", missing, count,
                          s[0].r.run_id);
        for (uint32_t k = 0, shown = 0; k < count && shown < 10 && at > 0 && (size_t)at < errlen;
             k++)
            if (!by[k]) {
                at += snprintf(err + at, errlen - (size_t)at, " %u/%u", k, count);
                shown++;
            }
        if (missing > 10 && at > 0 && (size_t)at < errlen)
            snprintf(err + at, errlen - (size_t)at, " ...");
        rc = -1;
    }
    if (!rc) {
        struct segment_result *sorted = xcalloc(n, sizeof *sorted);
        for (uint32_t k = 0; k < count; k++)
            sorted[k] = *by[k];
        memcpy(s, sorted, n * sizeof *s);
        free(sorted);
    }
    free(by);
    return rc;
}

int segment_results_merge(struct segment_result *s, size_t n, char *err, size_t errlen)
{
    int64_t start = s[0].r.started_unix_ms;
    for (size_t i = 1; i < n; i++)
        if (s[i].r.started_unix_ms < start)
            start = s[i].r.started_unix_ms;
    struct load_result *m = &s[0].r;
    int64_t off0 = m->started_unix_ms - start;
    load_result_shift_seconds(m, (uint32_t)((off0 + 500) / 1000));
    m->elapsed_us += (uint64_t)off0 * 1000;
    m->started_unix_ms = start;
    for (size_t i = 1; i < n; i++) {
        int64_t off = s[i].r.started_unix_ms - start;
        char why[256];
        if (load_result_add(m, &s[i].r, (uint32_t)((off + 500) / 1000), off, why, sizeof why)) {
            snprintf(err, errlen, "%s and %s cannot be added up: %s", s[0].path, s[i].path, why);
            return -1;
        }
    }
    m->segment = (struct segment){0, (uint32_t)n};
    m->segments_merged = (uint32_t)n;
    return 0;
}

size_t segment_results_outputs(const struct segment_result *s, size_t n, struct out_stats **outputs,
                               uint32_t **segments)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        total += s[i].src.output_count;
    *outputs = xcalloc(total + 1, sizeof **outputs);
    *segments = xcalloc(total + 1, sizeof **segments);
    /* Checked: s[i] is segment i. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < s[i].src.output_count; j++) {
            (*outputs)[k] = s[i].src.outputs[j];
            (*segments)[k++] = (uint32_t)i;
        }
    return total;
}
