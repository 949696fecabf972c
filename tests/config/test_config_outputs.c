/* load.outputs: each item read as --out reads it, files resolved against the config's folder,
 * and every bad item an error with its position and key path. */
#include "tests/config/config_test.h"

#define BASE "target:\n  base_url: http://127.0.0.1\n"

static void test_outputs_read(void)
{
    struct config c;
    struct diag_list d;
    CHECK(test_load(&c, &d,
                    BASE "load:\n"
                         "  outputs:\n"
                         "    - json=live.jsonl\n"
                         "    - csv=/tmp/live.csv\n"
                         "    - prometheus-rw=http://127.0.0.1:9090/api/v1/write\n") == 0);
    test_print_diags(&d);
    CHECK_INT_EQ(c.load.output_count, 3);
    if (c.load.output_count == 3) {
        CHECK_INT_EQ(c.load.outputs[0].kind, OUT_JSON);
        CHECK_STR_EQ(c.load.outputs[0].target, "dir/live.jsonl");
        CHECK_INT_EQ(c.load.outputs[1].kind, OUT_CSV);
        CHECK_STR_EQ(c.load.outputs[1].target, "/tmp/live.csv");
        CHECK_INT_EQ(c.load.outputs[2].kind, OUT_PROMETHEUS_RW);
        CHECK_STR_EQ(c.load.outputs[2].target, "http://127.0.0.1:9090/api/v1/write");
    }
    diag_list_free(&d);
    config_free(&c);
    /* One item may stand without the list. */
    CHECK(test_load(&c, &d, BASE "load:\n  outputs: csv=a.csv\n") == 0);
    CHECK_INT_EQ(c.load.output_count, 1);
    diag_list_free(&d);
    config_free(&c);
}

static void test_outputs_errors(void)
{
    CHECK_ONE_ERROR(BASE "load:\n  outputs: [ xml=a ]\n",
                    "dir/t.yaml:4:14: load.outputs[0]: unknown output 'xml': use json, csv or "
                    "prometheus-rw");
    CHECK_ONE_ERROR(BASE "load:\n  outputs:\n    - json=a\n    - csv\n",
                    "dir/t.yaml:6:7: load.outputs[1]: 'csv': expected KIND=TARGET (json=FILE, "
                    "csv=FILE, prometheus-rw=URL)");
    CHECK_ONE_ERROR(BASE "load:\n  outputs: [ \"prometheus-rw=127.0.0.1:9090\" ]\n",
                    "dir/t.yaml:4:14: load.outputs[0]: prometheus-rw: not an http:// or "
                    "https:// URL");
    CHECK_ONE_ERROR(BASE "load:\n  outputs: [ json= ]\n",
                    "dir/t.yaml:4:14: load.outputs[0]: json= needs a file");
    CHECK_ONE_ERROR(BASE "load:\n  outputs: [ [ json=a ] ]\n",
                    "dir/t.yaml:4:14: load.outputs[0]: expected an output (json=FILE, csv=FILE, "
                    "prometheus-rw=URL), got a list");
    CHECK_ONE_ERROR(BASE "load:\n  outputs: { json: a }\n",
                    "dir/t.yaml:4:12: load.outputs: expected an output (json=FILE, csv=FILE, "
                    "prometheus-rw=URL), got a mapping");
}

int main(void)
{
    RUN(test_outputs_read);
    RUN(test_outputs_errors);
    return check_summary();
}
