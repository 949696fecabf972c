/* Shared by the config tests: load YAML from a string with a fixed environment, and look for
 * one exact diagnostic line. */
#ifndef STORECHECK_TESTS_CONFIG_TEST_H
#define STORECHECK_TESTS_CONFIG_TEST_H

#include <stdio.h>
#include <string.h>

#include "config/config_load.h"
#include "tests/support/check.h"

static const char *const test_env_vars[][2] = {
    {"STORE_TOKEN", "tok-s3cr3t-value"},
    {"WEBHOOK_SECRET", "whsec_abcdef123456"},
    {"EMPTY", ""},
    {"PORT", "8443"},
};

static const char *test_env_lookup(const char *name, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof test_env_vars / sizeof *test_env_vars; i++)
        if (strcmp(test_env_vars[i][0], name) == 0)
            return test_env_vars[i][1];
    return NULL;
}

static const struct env_source test_env = {test_env_lookup, NULL};

/* Load yaml as "dir/t.yaml"; diags is initialised here. */
static inline int test_load(struct config *cfg, struct diag_list *diags, const char *yaml)
{
    diag_list_init(diags);
    return config_load_buffer(cfg, yaml, strlen(yaml), "dir/t.yaml", &test_env, diags);
}

/* 1 if some diagnostic formats exactly as line. */
static inline int test_has_diag(const struct diag_list *diags, const char *line)
{
    char buf[2048];
    for (size_t i = 0; i < diags->count; i++) {
        diag_format(&diags->items[i], buf, sizeof buf);
        if (strcmp(buf, line) == 0)
            return 1;
    }
    return 0;
}

static inline void test_print_diags(const struct diag_list *diags)
{
    diag_list_print(diags, stderr);
}

/* Loading yaml fails with exactly one error, formatted as line. */
#define CHECK_ONE_ERROR(yaml, line)                                                                \
    do {                                                                                           \
        struct config c_;                                                                          \
        struct diag_list d_;                                                                       \
        CHECK(test_load(&c_, &d_, (yaml)) == -1);                                                  \
        CHECK_INT_EQ(d_.count, 1);                                                                 \
        if (!test_has_diag(&d_, (line))) {                                                         \
            fprintf(stderr, "%s:%d: expected \"%s\", got:\n", __FILE__, __LINE__, (line));         \
            test_print_diags(&d_);                                                                 \
            check_failures_++;                                                                     \
        }                                                                                          \
        diag_list_free(&d_);                                                                       \
        config_free(&c_);                                                                          \
    } while (0)

#endif
