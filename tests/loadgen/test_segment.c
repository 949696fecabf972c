/* --segment i/n: n segments run exactly the whole schedule, split the users, and choose what
 * one process would. */
#include <stdlib.h>
#include <string.h>

#include "loadgen/schedule.h"
#include "loadgen/segment.h"
#include "scenario/feeder.h"
#include "scenario/mix.h"
#include "tests/support/check.h"

enum { MAX_ARRIVALS = 4000 };

static void test_parse(void)
{
    struct segment s;
    char err[128];
    CHECK_INT_EQ(segment_parse("2/3", &s, err, sizeof err), 0);
    CHECK_INT_EQ(s.index, 2);
    CHECK_INT_EQ(s.count, 3);
    CHECK_INT_EQ(segment_parse("0/1", &s, err, sizeof err), 0);
    const char *bad[] = {"3/3", "1/0", "-1/3", "1/", "/3", "1/3x", "a/b", "1", "0/10001", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK_INT_EQ(segment_parse(bad[i], &s, err, sizeof err), -1);
        CHECK(err[0] != '\0');
    }
}

/* Walk every lane of a segment as the workers do and record the time of each arrival:
 * times[k] (UINT64_MAX where no lane sent k). Returns how many arrivals the segment has. */
static uint64_t walk(const struct schedule *s, struct segment seg, uint32_t lanes, uint64_t *times,
                     int *owner, int id)
{
    uint64_t n = 0;
    for (uint32_t lane = 0; lane < lanes; lane++) {
        size_t hint = 0;
        for (uint64_t k = segment_nth(seg, lane);;
             k += segment_arrival_stride(seg, lanes)) {
            uint64_t t = schedule_arrival_time(s, k, &hint);
            if (t == UINT64_MAX)
                break;
            CHECK(k < MAX_ARRIVALS);
            if (k >= MAX_ARRIVALS)
                break;
            CHECK(owner[k] == -1); /* nobody else sent it */
            owner[k] = id;
            times[k] = t;
            n++;
        }
    }
    return n;
}

/* n segments of `lanes` threads each send the same arrivals at the same times as one process
 * with one thread, and each segment gets an even share of every stage. */
static void check_split(const struct schedule *s, uint32_t n, uint32_t lanes)
{
    static uint64_t whole[MAX_ARRIVALS], split[MAX_ARRIVALS];
    static int owner_whole[MAX_ARRIVALS], owner_split[MAX_ARRIVALS];
    for (size_t k = 0; k < MAX_ARRIVALS; k++) {
        whole[k] = split[k] = UINT64_MAX;
        owner_whole[k] = owner_split[k] = -1;
    }
    uint64_t total = walk(s, SEGMENT_WHOLE, 1, whole, owner_whole, 0);
    CHECK(total > 100);
    uint64_t sum = 0, counts[16] = {0};
    for (uint32_t i = 0; i < n; i++) {
        counts[i] = walk(s, (struct segment){i, n}, lanes, split, owner_split, (int)i);
        sum += counts[i];
    }
    CHECK_INT_EQ(sum, total);
    for (size_t k = 0; k < MAX_ARRIVALS; k++) {
        CHECK_INT_EQ(split[k], whole[k]);
        if (owner_split[k] >= 0)
            CHECK_INT_EQ((uint64_t)owner_split[k], k % n);
    }
    for (uint32_t i = 0; i < n; i++) /* interleaved: no segment is more than one ahead */
        CHECK(counts[i] + 1 >= total / n && counts[i] <= total / n + 1);
    /* The rate's shape: in every half second each segment has a third of the arrivals (+-1). */
    for (uint64_t from = 0; from < s->duration_us; from += 500000) {
        uint64_t in_whole = 0, in_seg[16] = {0};
        for (size_t k = 0; k < MAX_ARRIVALS; k++)
            if (whole[k] != UINT64_MAX && whole[k] >= from && whole[k] < from + 500000) {
                in_whole++;
                in_seg[k % n]++;
            }
        for (uint32_t i = 0; i < n; i++)
            CHECK(in_seg[i] * n + n >= in_whole && in_seg[i] * n <= in_whole + n);
    }
}

static void test_constant_schedule_split(void)
{
    struct schedule s;
    CHECK(schedule_init(&s, 300, NULL, 0, 5000000) == 0);
    check_split(&s, 3, 1);
    check_split(&s, 3, 4);
    check_split(&s, 7, 2);
}

static void test_ramping_schedule_split(void)
{
    /* 0 -> 400/s over 2 s, hold 1 s, down to 50/s over 2 s; the run ends in the hold after. */
    struct lg_stage st[] = {{2000000, 400}, {1000000, 400}, {2000000, 50}};
    struct schedule s;
    CHECK(schedule_init(&s, 0, st, 3, 6000000) == 0);
    check_split(&s, 3, 1);
    check_split(&s, 3, 2);
    check_split(&s, 5, 3);
}

static void test_users_split(void)
{
    for (uint64_t total = 0; total < 40; total++)
        for (uint32_t n = 1; n <= 6; n++) {
            int seen[40] = {0};
            uint64_t sum = 0;
            for (uint32_t i = 0; i < n; i++) {
                struct segment seg = {i, n};
                uint64_t share = segment_share(seg, total);
                sum += share;
                for (uint64_t local = 0; local < share; local++) {
                    uint64_t u = segment_nth(seg, local);
                    CHECK(u < total);
                    CHECK(segment_owns(seg, u));
                    if (u < total)
                        seen[u]++;
                }
            }
            CHECK_INT_EQ(sum, total);
            for (uint64_t u = 0; u < total; u++)
                CHECK_INT_EQ(seen[u], 1);
        }
}

/* The scenario and feeder row of every arrival are the same whoever runs it; a unique
 * feeder's rows go to one segment each. */
static void test_choices_equal_across_split(void)
{
    struct mix_entry items[] = {{.name = "browse", .weight = 70},
                                {.name = "search", .weight = 20},
                                {.name = "checkout", .weight = 10}};
    struct mix m = {items, 3, 0};
    CHECK_INT_EQ(mix_prepare(&m), 0);
    struct parse_error pe;
    const char csv[] = "n\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    struct feeder_data *f = feeder_parse(csv, strlen(csv), &pe);
    CHECK(f != NULL);
    if (!f)
        return;
    struct schedule s;
    CHECK(schedule_init(&s, 200, NULL, 0, 2000000) == 0);
    enum { N = 400 };
    size_t whole_mix[N], whole_row[N];
    int whole_unique[N];
    for (uint64_t k = 0; k < N; k++) {
        whole_mix[k] = mix_pick_at(&m, 42, k);
        feeder_pick(f, FEEDER_SEQUENTIAL, k, NULL, &whole_row[k]);
        size_t row;
        whole_unique[k] = feeder_pick(f, FEEDER_UNIQUE, k, NULL, &row) == FEEDER_OK ? (int)row : -1;
    }
    int unique_owner[10];
    memset(unique_owner, -1, sizeof unique_owner);
    size_t picked[3] = {0};
    for (uint32_t i = 0; i < 3; i++) {
        struct segment seg = {i, 3};
        for (uint32_t lane = 0; lane < 2; lane++)
            for (uint64_t k = segment_nth(seg, lane); k < N;
                 k += segment_arrival_stride(seg, 2)) {
                size_t pick = mix_pick_at(&m, 42, k), row;
                picked[pick]++;
                CHECK_INT_EQ(pick, whole_mix[k]);
                CHECK_INT_EQ(feeder_pick(f, FEEDER_SEQUENTIAL, k, NULL, &row), FEEDER_OK);
                CHECK_INT_EQ(row, whole_row[k]);
                if (feeder_pick(f, FEEDER_UNIQUE, k, NULL, &row) == FEEDER_OK) {
                    CHECK_INT_EQ((int)row, whole_unique[k]);
                    CHECK_INT_EQ(unique_owner[row], -1); /* no other segment used it */
                    unique_owner[row] = (int)i;
                } else {
                    CHECK_INT_EQ(whole_unique[k], -1);
                }
            }
    }
    for (int r = 0; r < 10; r++)
        CHECK(unique_owner[r] >= 0);
    /* The mix is honoured: with 400 draws browse is picked most. */
    CHECK(picked[0] > picked[1] && picked[1] > picked[2]);
    feeder_free(f);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_constant_schedule_split);
    RUN(test_ramping_schedule_split);
    RUN(test_users_split);
    RUN(test_choices_equal_across_split);
    return check_summary();
}
