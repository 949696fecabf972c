#include "config/suggest.h"
#include "tests/support/check.h"

static const char *const keys[] = {"checkout", "checkout_page", "cart",   "cart_items",
                                   "catalog",  "timeout",       "method", "metrics"};
enum { NKEYS = sizeof keys / sizeof *keys };

static void test_distance(void)
{
    CHECK_INT_EQ(suggest_distance("checkout", "checkout"), 0);
    CHECK_INT_EQ(suggest_distance("chekout", "checkout"), 1);  /* deletion */
    CHECK_INT_EQ(suggest_distance("checkuot", "checkout"), 1); /* swap */
    CHECK_INT_EQ(suggest_distance("Timeout", "timeout"), 0);   /* case */
    CHECK_INT_EQ(suggest_distance("kitten", "sitting"), 3);
    CHECK_INT_EQ(suggest_distance("", "abc"), 3);
    char longword[SUGGEST_MAX_LEN + 2];
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    CHECK(suggest_distance(longword, "a") == (size_t)-1);
}

static void test_closest(void)
{
    CHECK_STR_EQ(suggest_closest("chekout", keys, NKEYS), "checkout");
    CHECK_STR_EQ(suggest_closest("timout", keys, NKEYS), "timeout");
    CHECK_STR_EQ(suggest_closest("methd", keys, NKEYS), "method");
    CHECK_STR_EQ(suggest_closest("cat", keys, NKEYS), "cart");
    CHECK_STR_EQ(suggest_closest("checkout_pgae", keys, NKEYS), "checkout_page");
    CHECK(suggest_closest("colour", keys, NKEYS) == NULL);
    CHECK(suggest_closest("xy", keys, NKEYS) == NULL);
    CHECK(suggest_closest("zzzzzzzz", keys, NKEYS) == NULL);
    CHECK(suggest_closest("anything", keys, 0) == NULL);
}

int main(void)
{
    RUN(test_distance);
    RUN(test_closest);
    return check_summary();
}
