/*
 * The load result JSON reads back exactly: a saved result (a segment, the result of
 * `storecheck merge`) holds the rates, means and counts the run measured, bit for bit, not
 * the 15 significant digits cJSON prints by default. A result written, read and written again
 * is the same text, and merging a single segment gives back that segment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/oom.h"
#include "reports/load_json.h"
#include "reports/load_json_read.h"
#include "tests/scenarios/sc_cli.h"
#include "tests/support/check.h"

/* 2^53 - 1: the largest count a JSON number holds exactly, and 16 digits long. */
#define BIG_COUNT 9007199254740991ull

static int read_text(const char *text, cJSON **doc, struct load_result *r,
                     struct load_json_source *src)
{
    char err[256];
    int rc = load_json_read(text, strlen(text), doc, r, src, err, sizeof err);
    if (rc)
        fprintf(stderr, "load_json_read: %s\n", err);
    return rc;
}

static struct load_json_meta meta_of(const struct load_json_source *src)
{
    return (struct load_json_meta){.urls = src->urls,
                                   .url_count = src->url_count,
                                   .method = src->method,
                                   .headers = (const char *const *)src->headers,
                                   .header_count = src->header_count,
                                   .profile = src->profile};
}

/* The load result of the reports' golden run, its numbers replaced by ones 15 digits do not
 * hold, and a threshold. */
static int measured(cJSON **doc, struct load_result *r, struct load_json_source *src)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/reports/golden/report.json",
             getenv("STORECHECK_SOURCE_DIR"));
    char *text = sc_read(path);
    CHECK(text != NULL);
    int rc = text ? read_text(text, doc, r, src) : -1;
    free(text);
    CHECK(rc == 0);
    if (rc)
        return -1;
    r->segment = (struct segment){0, 1};
    free(r->thresholds); /* the golden run has none */
    r->thresholds = xcalloc(1, sizeof *r->thresholds);
    r->threshold_count = 1;
    r->thresholds[0] = (struct lg_threshold_outcome){
        .expr = xstrdup("error_rate < 0.5%"), .line = xstrdup("error_rate = 0.8, allowed < 0.33")};
    r->achieved_rate = 0.1 + 0.2; /* 0.30000000000000004: "0.3" at 15 digits */
    r->requested_rate = 100.0 / 3;
    r->start_target = 2.0 / 3;
    r->stages[0].target = 1e6 / 7;
    r->seconds[0].mean = 1234.5678901234567;
    r->totals.bytes_in = BIG_COUNT;
    r->seconds[0].bytes_out = BIG_COUNT - 2;
    r->latency->sum = BIG_COUNT - 4; /* the mean is then no short decimal either */
    r->thresholds[0].observed = 0.1 + 0.7;
    r->thresholds[0].limit = 1.0 / 3;
    return 0;
}

/* Every number measured() replaced, bit for bit. */
static void same_numbers(const struct load_result *a, const struct load_result *b)
{
    CHECK(a->achieved_rate == b->achieved_rate);
    CHECK(a->requested_rate == b->requested_rate);
    CHECK(a->start_target == b->start_target);
    CHECK(a->stages[0].target == b->stages[0].target);
    CHECK(a->seconds[0].mean == b->seconds[0].mean);
    CHECK(a->totals.bytes_in == b->totals.bytes_in);
    CHECK(a->seconds[0].bytes_out == b->seconds[0].bytes_out);
    CHECK(a->latency->sum == b->latency->sum);
    CHECK(hist_mean(a->latency) == hist_mean(b->latency));
}

static void test_write_read_write(void)
{
    cJSON *doc0, *doc1, *doc2;
    struct load_result r0, r1, r2;
    struct load_json_source src0, src1, src2;
    if (measured(&doc0, &r0, &src0))
        return;
    struct load_json_meta meta = meta_of(&src0);
    char *first = load_json_render(&r0, &meta);
    CHECK(read_text(first, &doc1, &r1, &src1) == 0);
    same_numbers(&r0, &r1);
    CHECK(r1.thresholds[0].observed == r0.thresholds[0].observed);
    CHECK(r1.thresholds[0].limit == r0.thresholds[0].limit);
    struct load_json_meta meta1 = meta_of(&src1);
    char *second = load_json_render(&r1, &meta1);
    CHECK_STR_EQ(second, first);
    CHECK(read_text(second, &doc2, &r2, &src2) == 0);
    same_numbers(&r0, &r2);
    free(first);
    free(second);
    load_result_free(&r2);
    load_json_source_free(&src2);
    cJSON_Delete(doc2);
    load_result_free(&r1);
    load_json_source_free(&src1);
    cJSON_Delete(doc1);
    load_result_free(&r0);
    load_json_source_free(&src0);
    cJSON_Delete(doc0);
}

/* `storecheck merge` of the one segment of a run: the segment's text, merged. */
static void test_merge_of_one_segment(void)
{
    cJSON *doc0, *doc1;
    struct load_result r0, r1;
    struct load_json_source src0, src1;
    if (measured(&doc0, &r0, &src0))
        return;
    for (size_t i = 0; i < r0.threshold_count; i++) {
        free(r0.thresholds[i].expr);
        free(r0.thresholds[i].line);
    }
    r0.threshold_count = 0; /* merge judges them again; this test is about the numbers */
    struct load_json_meta meta = meta_of(&src0);
    char dir[] = "/tmp/sc-exact-XXXXXX", seg[64], merged[64], cmd[512];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(seg, sizeof seg, "%s/seg.json", dir);
    snprintf(merged, sizeof merged, "%s/merged.json", dir);
    char err[256];
    CHECK(load_json_write(seg, &r0, &meta, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "'%s' -q merge '%s' --json '%s'", getenv("STORECHECK_BIN"), seg,
             merged);
    int status = system(cmd);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *text = sc_read(merged);
    CHECK(text != NULL);
    if (text && read_text(text, &doc1, &r1, &src1) == 0) {
        same_numbers(&r0, &r1);
        r0.segments_merged = 1; /* what a merged result says it is */
        char *expected = load_json_render(&r0, &meta);
        size_t n = strlen(text);
        if (n && text[n - 1] == '\n')
            text[n - 1] = '\0'; /* a file ends its last line */
        CHECK_STR_EQ(text, expected);
        free(expected);
        load_result_free(&r1);
        load_json_source_free(&src1);
        cJSON_Delete(doc1);
    }
    free(text);
    remove(seg);
    remove(merged);
    rmdir(dir);
    load_result_free(&r0);
    load_json_source_free(&src0);
    cJSON_Delete(doc0);
}

int main(void)
{
    RUN(test_write_read_write);
    RUN(test_merge_of_one_segment);
    return check_summary();
}
