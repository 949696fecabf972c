/* load.fault in the config: read, defaults, and its errors with file:line:col. */
#include "tests/config/config_test.h"

#define FAULTS                                                                                     \
    "target:\n"                                                                                    \
    "  base_url: https://127.0.0.1\n"                                                              \
    "  faults:\n"                                                                                  \
    "    orders_down:\n"                                                                           \
    "      start: { url: \"http://127.0.0.1:9100/faults/orders_down\" }\n"                         \
    "      stop: { method: DELETE, url: \"http://127.0.0.1:9100/faults/orders_down\" }\n"

static void test_read(void)
{
    struct config cfg;
    struct diag_list d;
    int rc = test_load(&cfg, &d,
                       FAULTS "load: { fault: { name: orders_down, at: 10s, "
                              "duration: 1.5s } }\n");
    CHECK_INT_EQ(rc, 0);
    test_print_diags(&d);
    CHECK_STR_EQ(cfg.load.fault.name, "orders_down");
    CHECK_INT_EQ(cfg.load.fault.at_ms, 10000);
    CHECK_INT_EQ(cfg.load.fault.duration_ms, 1500);
    CHECK_INT_EQ(cfg.load.fault.pos.line, 7);
    diag_list_free(&d);
    config_free(&cfg);

    rc = test_load(&cfg, &d, FAULTS);
    CHECK_INT_EQ(rc, 0);
    CHECK(cfg.load.fault.name == NULL);
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_errors(void)
{
    CHECK_ONE_ERROR(FAULTS "load: { fault: { name: orders_up, at: 1s, duration: 1s } }\n",
                    "dir/t.yaml:7:16: load.fault: fault 'orders_up' is not one of "
                    "target.faults");
    CHECK_ONE_ERROR(FAULTS "load: { fault: { name: orders_down, duration: 1s } }\n",
                    "dir/t.yaml:7:16: load.fault.at: missing required key 'at'");
    CHECK_ONE_ERROR(FAULTS "load: { fault: { name: orders_down, at: 1s, duration: 1s, x: 1 } }\n",
                    "dir/t.yaml:7:59: load.fault.x: unknown key 'x'");
    CHECK_ONE_ERROR(FAULTS "load: { fault: { name: orders_down, at: soon, duration: 1s } }\n",
                    "dir/t.yaml:7:41: load.fault.at: 'soon' is not a number with a unit");
}

int main(void)
{
    RUN(test_read);
    RUN(test_errors);
    return check_summary();
}
