#include "common/units.h"
#include "tests/support/check.h"

static void test_durations(void)
{
    uint64_t v;
    char err[128];
    CHECK(units_parse_duration_ms("90s", &v, err, sizeof err) == 0 && v == 90000);
    CHECK(units_parse_duration_ms("2m", &v, err, sizeof err) == 0 && v == 120000);
    CHECK(units_parse_duration_ms("250ms", &v, err, sizeof err) == 0 && v == 250);
    CHECK(units_parse_duration_ms("1.5s", &v, err, sizeof err) == 0 && v == 1500);
    CHECK(units_parse_duration_ms("1h", &v, err, sizeof err) == 0 && v == 3600000);
    CHECK(units_parse_duration_ms("2m30s", &v, err, sizeof err) == 0 && v == 150000);
    CHECK(units_parse_duration_us("500us", &v, err, sizeof err) == 0 && v == 500);
    CHECK(units_parse_duration_ms("90", &v, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "needs a unit");
    CHECK(units_parse_duration_ms("90x", &v, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "unknown unit");
    CHECK(units_parse_duration_ms("-5s", &v, err, sizeof err) == -1);
    CHECK(units_parse_duration_ms("", &v, err, sizeof err) == -1);
    CHECK(units_parse_duration_ms("abc", &v, err, sizeof err) == -1);
    CHECK(units_parse_duration_ms("1e300h", &v, err, sizeof err) == -1);
}

static void test_counts_sizes_rates(void)
{
    uint64_t v;
    double r;
    char err[128];
    CHECK(units_parse_count("10k", &v, err, sizeof err) == 0 && v == 10000);
    CHECK(units_parse_count("200", &v, err, sizeof err) == 0 && v == 200);
    CHECK(units_parse_count("1.5", &v, err, sizeof err) == -1);
    CHECK(units_parse_size("10k", &v, err, sizeof err) == 0 && v == 10240);
    CHECK(units_parse_size("10KB", &v, err, sizeof err) == 0 && v == 10000);
    CHECK(units_parse_size("2MiB", &v, err, sizeof err) == 0 && v == 2097152);
    CHECK(units_parse_size("3X", &v, err, sizeof err) == -1);
    CHECK(units_parse_rate("200/s", &r, err, sizeof err) == 0 && r == 200);
    CHECK(units_parse_rate("600/m", &r, err, sizeof err) == 0 && r == 10);
    CHECK(units_parse_rate("10k", &r, err, sizeof err) == 0 && r == 10000);
    CHECK(units_parse_rate("5/d", &r, err, sizeof err) == -1);
}

static void test_format(void)
{
    char buf[32];
    units_format_duration_us(250, buf, sizeof buf);
    CHECK_STR_EQ(buf, "250us");
    units_format_duration_us(1500, buf, sizeof buf);
    CHECK_STR_EQ(buf, "1.5ms");
    units_format_duration_us(150000000, buf, sizeof buf);
    CHECK_STR_EQ(buf, "2m30s");
}

int main(void)
{
    RUN(test_durations);
    RUN(test_counts_sizes_rates);
    RUN(test_format);
    return check_summary();
}
