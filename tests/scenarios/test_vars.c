/* Variables of a virtual user and the PRNG: fixed memory, replacement, compaction, streams. */
#include <string.h>

#include "scenario/rng.h"
#include "scenario/vars.h"
#include "tests/support/check.h"

static const char *get(const struct vars *v, int id)
{
    static char buf[256];
    size_t n = 0;
    const char *s = vars_get(v, id, &n);
    if (!s)
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static void test_schema(void)
{
    struct vars_schema s;
    vars_schema_init(&s);
    int a = vars_schema_intern(&s, "cart_id", 7);
    int b = vars_schema_intern(&s, "token_xyz", 5); /* "token" */
    CHECK_INT_EQ(a, 0);
    CHECK_INT_EQ(b, 1);
    CHECK_INT_EQ(vars_schema_intern(&s, "cart_id", 7), a);
    CHECK_INT_EQ(vars_schema_find(&s, "token", 5), b);
    CHECK_INT_EQ(vars_schema_find(&s, "cart", 4), -1);
    CHECK_INT_EQ(vars_schema_find(&s, "cart_idx", 8), -1);
    CHECK_STR_EQ(s.names[1], "token");
    vars_schema_free(&s);
}

static void test_set_get(void)
{
    struct vars *v = vars_create(4, 32);
    CHECK(get(v, 0) == NULL);
    CHECK(vars_set(v, 0, "hello", 5) == 0);
    CHECK_STR_EQ(get(v, 0), "hello");
    CHECK(vars_set(v, 0, "hi", 2) == 0); /* in place */
    CHECK_STR_EQ(get(v, 0), "hi");
    CHECK_INT_EQ(v->used, 5);
    CHECK(vars_set(v, 0, "", 0) == 0); /* empty, but set */
    CHECK(get(v, 0) != NULL && get(v, 0)[0] == '\0');
    CHECK(vars_set(v, 4, "x", 1) == -1);
    CHECK(vars_set(v, -1, "x", 1) == -1);
    CHECK(get(v, 4) == NULL && get(v, -1) == NULL);
    vars_reset(v);
    CHECK(get(v, 0) == NULL);
    CHECK_INT_EQ(v->used, 0);
    vars_destroy(v);
}

static void test_compaction(void)
{
    struct vars *v = vars_create(3, 16);
    CHECK(vars_set(v, 0, "aaaaaa", 6) == 0);
    CHECK(vars_set(v, 1, "bbbbbb", 6) == 0);
    /* Growing 0 leaves a 6-byte hole; 16 - 12 = 4 free: it needs compaction to fit 8. */
    CHECK(vars_set(v, 0, "AAAAAAAA", 8) == 0);
    CHECK_STR_EQ(get(v, 0), "AAAAAAAA");
    CHECK_STR_EQ(get(v, 1), "bbbbbb");
    CHECK_INT_EQ(v->used, 14);
    CHECK(vars_set(v, 2, "cc", 2) == 0);
    CHECK(vars_set(v, 2, "ccc", 3) == -1); /* 17 bytes would be needed */
    CHECK(get(v, 2) == NULL);              /* a failed set leaves the variable unset */
    CHECK_STR_EQ(get(v, 0), "AAAAAAAA");
    CHECK_STR_EQ(get(v, 1), "bbbbbb");
    vars_destroy(v);
}

static void test_copy_between_variables(void)
{
    struct vars *v = vars_create(2, 64);
    CHECK(vars_set(v, 0, "value-0", 7) == 0);
    size_t n = 0;
    const char *s = vars_get(v, 0, &n);
    CHECK(vars_set(v, 1, s, n) == 0);
    CHECK_STR_EQ(get(v, 1), "value-0");
    CHECK(vars_create(1, (size_t)UINT32_MAX + 1) == NULL);
    vars_destroy(v);
}

static void test_rng(void)
{
    struct rng a, b;
    rng_seed(&a, 42, 0);
    rng_seed(&b, 42, 0);
    int same = 1;
    for (int i = 0; i < 100; i++)
        same &= rng_next(&a) == rng_next(&b);
    CHECK(same);
    rng_seed(&b, 42, 1);
    CHECK(rng_next(&a) != rng_next(&b));
    CHECK(rng_hash(1, 5) == rng_hash(1, 5));
    CHECK(rng_hash(1, 5) != rng_hash(1, 6));
    CHECK(rng_hash(1, 5) != rng_hash(2, 5));

    /* rng_below stays in range and is near uniform (chi-square, 9 degrees of freedom). */
    int counts[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t x = rng_below(&a, 10);
        CHECK(x < 10);
        if (x < 10)
            counts[x]++;
    }
    double chi = 0;
    for (int i = 0; i < 10; i++)
        chi += (counts[i] - 10000.0) * (counts[i] - 10000.0) / 10000.0;
    CHECK(chi < 30); /* p < 0.001 for 9 dof is 27.9 */
    CHECK_INT_EQ(rng_below(&a, 0), 0);
    CHECK_INT_EQ(rng_below(&a, 1), 0);
    for (int i = 0; i < 1000; i++) {
        int64_t r = rng_range(&a, -3, 3);
        CHECK(r >= -3 && r <= 3);
        double d = rng_double(&a);
        CHECK(d >= 0 && d < 1);
    }
    CHECK(rng_range(&a, INT64_MIN, INT64_MIN) == INT64_MIN);
    CHECK(rng_range(&a, INT64_MAX, INT64_MAX) == INT64_MAX);
}

int main(void)
{
    RUN(test_schema);
    RUN(test_set_get);
    RUN(test_compaction);
    RUN(test_copy_between_variables);
    RUN(test_rng);
    return check_summary();
}
