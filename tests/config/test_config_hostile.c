/* Inputs that are not a config at all: each gets one clear error, quickly, and no crash. */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "config/cfg_walk.h"
#include "common/oom.h"
#include "tests/config/config_test.h"

/* CPU time, so a loaded machine does not fail the "never hangs" bounds. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load len bytes and expect a single error that contains want, within a few seconds. */
static void expect_refused(const char *what, const char *text, size_t len, const char *want)
{
    struct config cfg;
    struct diag_list d;
    diag_list_init(&d);
    double t0 = now();
    int rc = config_load_buffer(&cfg, text, len, "h.yaml", &test_env, &d);
    double took = now() - t0;
    CHECK_INT_EQ(rc, -1);
    CHECK_INT_EQ(d.count, 1);
    if (d.count) {
        CHECK_CONTAINS(d.items[0].message, want);
    }
    if (took > 5.0) {
        fprintf(stderr, "%s took %.1f s\n", what, took);
        check_failures_++;
    }
    diag_list_free(&d);
    config_free(&cfg);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = xmalloc(hl + ul * n + tl + 1), *p = s;
    memcpy(p, head, hl);
    p += hl;
    for (size_t i = 0; i < n; i++, p += ul)
        memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    return s;
}

static void test_not_yaml(void)
{
    const char *t = "target: { base_url: http://x\n  audit: [\n";
    expect_refused("not yaml", t, strlen(t), "not valid YAML");
    CHECK_ONE_ERROR("target:\n  base_url: x\n bad: 1\n",
                    "dir/t.yaml:3:2: not valid YAML: did not find expected key while parsing a "
                    "block mapping");
    t = "<html><body>not a config</body></html>\n";
    expect_refused("html", t, strlen(t), "expected a mapping with target");
}

static void test_alias_bomb(void)
{
    const char *t =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    expect_refused("alias bomb", t, strlen(t), "YAML aliases (*a) are not supported");
    CHECK_ONE_ERROR("x: &x 1\ntarget: *x\n",
                    "dir/t.yaml:2:9: YAML aliases (*x) are not supported: write the value out");
}

static void test_oversized(void)
{
    /* A buffer one byte over the limit is refused before parsing. */
    size_t len = CONFIG_MAX_BYTES + 1;
    char *big = xmalloc(len);
    memset(big, '#', len);
    expect_refused("oversized buffer", big, len, "larger than 4 MiB");
    free(big);

    /* A 100 MB file is refused without reading it all. */
    char path[] = "/tmp/storecheck-big-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 100 << 20) == 0);
    close(fd);
    struct config cfg;
    struct diag_list d;
    diag_list_init(&d);
    CHECK_INT_EQ(config_load_file(&cfg, path, &test_env, &d), -1);
    CHECK_INT_EQ(d.count, 1);
    CHECK_CONTAINS(d.items[0].message, "larger than 4 MiB");
    unlink(path);
    diag_list_free(&d);
    config_free(&cfg);
}

static void test_binary_and_encoding(void)
{
    static const char elf[] = "\x7f"
                              "ELF\x02\x01\x01\x00\x00\x00";
    expect_refused("binary", elf, sizeof elf - 1, "control character 0x7f");
    expect_refused("nul", "a: b\0c\n", 7, "NUL byte in the file");
    CHECK_ONE_ERROR("target:\n  base_url: \"http://x\xff\"\n",
                    "dir/t.yaml:2:22: invalid UTF-8 (byte 0xff): a config is UTF-8 text");
    static const char utf16[] = "\xff\xfet\0a\0r\0";
    expect_refused("utf-16", utf16, sizeof utf16 - 1, "invalid UTF-8");
    expect_refused("overlong", "a: \xc0\xaf\n", 6, "invalid UTF-8");
    expect_refused("surrogate", "a: \xed\xa0\x80\n", 7, "invalid UTF-8");
    expect_refused("truncated", "a: \xe2\x82", 5, "invalid UTF-8");
    CHECK_ONE_ERROR("target: { base_url: \"http://x\\0y\" }\n",
                    "dir/t.yaml:1:21: a NUL character is not allowed in a value");
    CHECK_ONE_ERROR(
        "a: \x01\n",
        "dir/t.yaml:1:4: control character 0x01: a config is YAML text, not binary data");
    /* Multi-byte characters count as one column. */
    CHECK_ONE_ERROR("target: { base_url: http://127.0.0.1, \xc3\xa9t\xc3\xa9: 1 }\n",
                    "dir/t.yaml:1:39: target.\xc3\xa9t\xc3\xa9: unknown key '\xc3\xa9t\xc3\xa9'");
}

static void test_deep_nesting(void)
{
    char *flow = repeat("", "[", 100000, "");
    expect_refused("deep flow", flow, strlen(flow), "nested more than 64 levels deep");
    free(flow);
    char *block = xmalloc(200 * 200);
    block[0] = '\0';
    for (int i = 0; i < 100; i++) {
        char line[256];
        snprintf(line, sizeof line, "%*sk:\n", i * 2, "");
        strcat(block, line);
    }
    expect_refused("deep block", block, strlen(block), "nested more than 64 levels deep");
    free(block);
}

static void test_too_many_values(void)
{
    char *many = repeat("target: [", "1,", 150000, "1]\n");
    expect_refused("many values", many, strlen(many), "more than 100000 keys and values");
    free(many);
    /* Below the limit, a long list of wrong values is still fast and capped in errors. */
    char *wide =
        repeat("target: { base_url: http://127.0.0.1 }\naudit: { only: [", "x,", 40000, "x] }\n");
    struct config cfg;
    struct diag_list d;
    double t0 = now();
    CHECK_INT_EQ(test_load(&cfg, &d, wide), -1);
    CHECK(now() - t0 < 5.0);
    CHECK_INT_EQ(d.count, CFG_WALK_MAX_ERRORS + 1);
    diag_list_free(&d);
    config_free(&cfg);
    free(wide);
}

static void test_many_unknown_keys(void)
{
    /* 40000 distinct long unknown keys: suggestions stop with the errors. */
    char *yaml = xmalloc(40000 * 80 + 64);
    char *p = yaml + sprintf(yaml, "target:\n");
    for (int i = 0; i < 40000; i++)
        p += sprintf(p, "  k%060d: 1\n", i);
    struct config cfg;
    struct diag_list d;
    double t0 = now();
    CHECK_INT_EQ(test_load(&cfg, &d, yaml), -1);
    CHECK(now() - t0 < 5.0);
    CHECK_INT_EQ(d.count, CFG_WALK_MAX_ERRORS + 1);
    diag_list_free(&d);
    config_free(&cfg);
    free(yaml);
}

static void test_many_duplicates_and_steps(void)
{
    /* Duplicate detection sorts: a mapping of 30000 equal keys is quick. */
    char *dups = repeat("target:\n", "  k: 1\n", 30000, "");
    struct config cfg;
    struct diag_list d;
    double t0 = now();
    CHECK_INT_EQ(test_load(&cfg, &d, dups), -1);
    CHECK(now() - t0 < 5.0);
    CHECK(d.count == 29999);
    diag_list_free(&d);
    config_free(&cfg);
    free(dups);

    char *steps = repeat("target: { base_url: http://127.0.0.1 }\nload:\n  scenarios:\n    s:\n",
                         "      - { name: a, path: / }\n", 15000, "");
    t0 = now();
    CHECK_INT_EQ(test_load(&cfg, &d, steps), -1);
    CHECK(now() - t0 < 5.0);
    CHECK_INT_EQ(d.count, CFG_WALK_MAX_ERRORS + 1);
    diag_list_free(&d);
    config_free(&cfg);
    free(steps);
}

static void test_other_shapes(void)
{
    CHECK_ONE_ERROR("target: { base_url: http://127.0.0.1 }\n---\ntarget: {}\n",
                    "dir/t.yaml:2:1: more than one YAML document: a config is a single document");
    CHECK_ONE_ERROR("? [a, b]\n: c\n",
                    "dir/t.yaml:1:3: a mapping key must be a plain string, not a list or "
                    "mapping");
    char *longkey = repeat("target: { base_url: http://127.0.0.1 }\n", "k", 1000000, ": 1\n");
    /* libyaml limits a plain key to 1024 characters. */
    expect_refused("long key", longkey, strlen(longkey), "not valid YAML");
    free(longkey);
    char *longval = repeat("target: { base_url: \"http://127.0.0.1/", "a", 3000000, "\" }\n");
    expect_refused("long value", longval, strlen(longval), "bad URL: path too long");
    free(longval);
}

int main(void)
{
    RUN(test_not_yaml);
    RUN(test_alias_bomb);
    RUN(test_oversized);
    RUN(test_binary_and_encoding);
    RUN(test_deep_nesting);
    RUN(test_too_many_values);
    RUN(test_many_unknown_keys);
    RUN(test_many_duplicates_and_steps);
    RUN(test_other_shapes);
    return check_summary();
}
