/*
 * A minimal test harness for plain CTest programs:
 *
 *   static void test_x(void) { CHECK(1 + 1 == 2); CHECK_STR_EQ(a, "b"); }
 *   int main(void) { RUN(test_x); return check_summary(); }
 *
 * A failed CHECK prints file:line and the expression, marks the program failed and goes on.
 */
#ifndef STORECHECK_TESTS_CHECK_H
#define STORECHECK_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures_;
static int check_tests_failed_;
static int check_tests_run_;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                  \
    do {                                                                                    \
        long long a_ = (long long)(a), b_ = (long long)(b);                                 \
        if (a_ != b_) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__,     \
                    __LINE__, #a, #b, a_, b_);                                              \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                  \
    do {                                                                                    \
        const char *a_ = (a), *b_ = (b);                                                    \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", __FILE__, \
                    __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");              \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                         \
    do {                                                                                    \
        const char *h_ = (hay), *n_ = (needle);                                             \
        if (!h_ || !strstr(h_, n_)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: \"%s\" in %s (got \"%s\")\n", __FILE__,   \
                    __LINE__, n_, #hay, h_ ? h_ : "(null)");                                \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define RUN(fn)                                                                             \
    do {                                                                                    \
        int before_ = check_failures_;                                                      \
        fn();                                                                               \
        check_tests_run_++;                                                                 \
        if (check_failures_ != before_) {                                                   \
            check_tests_failed_++;                                                          \
            fprintf(stderr, "FAIL %s\n", #fn);                                              \
        }                                                                                   \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_tests_run_ - check_tests_failed_,
           check_tests_failed_);
    return check_tests_failed_ ? 1 : 0;
}

#endif
