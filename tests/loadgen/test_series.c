/* The per-second series: each step's share of a second is summed over the workers like the
 * totals, and a URL run's seconds carry no steps. */
#include <stdlib.h>

#include "loadgen/series.h"
#include "tests/support/check.h"

static void share(struct series_interval *iv, size_t step, uint64_t responses, uint64_t s5xx,
                  uint64_t s503, uint64_t errors)
{
    iv->steps[step] = (struct lg_step_second){responses, s5xx, s503, errors};
    iv->responses += responses;
    iv->status_5xx += s5xx;
    iv->status_503 += s503;
    iv->errors += errors;
}

static void free_rows(struct lg_second *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].steps);
    free(rows);
}

static void test_steps_merge(void)
{
    struct series s;
    series_init(&s, 2, 2);
    struct series_interval a, b;
    series_interval_init(&a, 2);
    series_interval_init(&b, 2);
    share(&a, 0, 3, 2, 2, 0);
    share(&a, 1, 5, 0, 0, 0);
    share(&b, 0, 1, 0, 0, 1);
    series_submit(&s, 0, &a);
    struct lg_second latest;
    CHECK(series_latest(&s, &latest) == -1); /* one worker's share does not finish it */
    series_submit(&s, 0, &b);
    CHECK(series_latest(&s, &latest) == 0 && latest.responses == 9 && latest.steps == NULL);

    /* A reset interval counts from zero again in the same arrays. */
    series_interval_reset(&a);
    CHECK(a.step_count == 2 && a.steps[0].responses == 0 && a.steps[1].responses == 0);
    share(&a, 1, 7, 1, 0, 0);
    series_submit(&s, 1, &a);
    /* b is late for second 0, which is finished: its share lands in second 1. */
    series_submit(&s, 0, &b);
    series_finish(&s);

    size_t n;
    struct lg_second *rows = series_take(&s, &n);
    CHECK(n == 2);
    if (n == 2) {
        const struct lg_step_second *r0 = rows[0].steps, *r1 = rows[1].steps;
        CHECK(r0[0].responses == 4 && r0[0].status_5xx == 2 && r0[0].status_503 == 2 &&
              r0[0].errors == 1);
        CHECK(r0[1].responses == 5 && r0[1].status_5xx == 0 && r0[1].errors == 0);
        CHECK(rows[1].second == 1 && r1[0].responses == 1 && r1[0].errors == 1);
        CHECK(r1[1].responses == 7 && r1[1].status_5xx == 1 && r1[1].status_503 == 0);
    }
    free_rows(rows, n);
    series_interval_free(&a);
    series_interval_free(&b);
    series_free(&s);
}

static void test_url_run_has_no_steps(void)
{
    struct series s;
    series_init(&s, 1, 0);
    struct series_interval iv;
    series_interval_init(&iv, 0);
    iv.responses = 3;
    series_submit(&s, 0, &iv);
    size_t n;
    struct lg_second *rows = series_take(&s, &n);
    CHECK(n == 1 && rows[0].responses == 3 && rows[0].steps == NULL);
    free_rows(rows, n);
    series_interval_free(&iv);
    series_free(&s);
}

int main(void)
{
    RUN(test_steps_merge);
    RUN(test_url_run_has_no_steps);
    return check_summary();
}
