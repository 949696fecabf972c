/* CSV feeders: RFC 4180 parsing, located errors, and the three ways of picking rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/feeder.h"
#include "tests/support/check.h"

/* The text is copied to the heap without a NUL so that a read past its end is caught. */
static struct feeder_data *parse(const char *text, struct parse_error *err)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    struct feeder_data *f = feeder_parse(copy, len, err);
    free(copy);
    return f;
}

static const char *cell(const struct feeder_data *f, size_t row, size_t col)
{
    size_t n;
    const char *s = feeder_cell(f, row, col, &n);
    return strlen(s) == n ? s : "(length mismatch)";
}

static void test_parse(void)
{
    struct parse_error err;
    struct feeder_data *f = parse("sku,name,price\r\n"
                                  "A-1,Mug,9.50\r\n"
                                  "B-2,\"Tea, green\",4\r\n"
                                  "C-3,\"say \"\"hi\"\"\",\r\n"
                                  "D-4,\"two\r\nlines\",\"\"\r\n",
                                  &err);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT_EQ(f->ncols, 3);
    CHECK_INT_EQ(f->nrows, 4);
    CHECK_STR_EQ(f->names[0], "sku");
    CHECK_STR_EQ(f->names[2], "price");
    CHECK_INT_EQ(feeder_column(f, "name"), 1);
    CHECK_INT_EQ(feeder_column(f, "nope"), -1);
    CHECK_STR_EQ(cell(f, 0, 1), "Mug");
    CHECK_STR_EQ(cell(f, 1, 1), "Tea, green");
    CHECK_STR_EQ(cell(f, 2, 1), "say \"hi\"");
    CHECK_STR_EQ(cell(f, 2, 2), "");
    CHECK_STR_EQ(cell(f, 3, 1), "two\r\nlines");
    CHECK_STR_EQ(cell(f, 3, 2), "");
    feeder_free(f);

    /* LF endings, no final newline, a BOM, empty lines skipped, a bare CR kept as data. */
    f = parse("\xef\xbb\xbfid\n\n1\n\n2\r3", &err);
    CHECK(f && f->nrows == 2);
    if (f) {
        CHECK_STR_EQ(f->names[0], "id");
        CHECK_STR_EQ(cell(f, 0, 0), "1");
        CHECK_STR_EQ(cell(f, 1, 0), "2\r3");
    }
    feeder_free(f);
    f = parse("a,b\n,\n", &err);
    CHECK(f && f->nrows == 1 && cell(f, 0, 0)[0] == '\0' && cell(f, 0, 1)[0] == '\0');
    feeder_free(f);
    /* Nothing but empty cells: the parser never copies from or into a missing buffer. */
    f = parse(",\n", &err);
    feeder_free(f);
}

static void expect_error(const char *text, int line, int col, const char *msg)
{
    struct parse_error err = {0};
    struct feeder_data *f = parse(text, &err);
    CHECK(f == NULL);
    feeder_free(f);
    CHECK_INT_EQ(err.line, line);
    CHECK_INT_EQ(err.col, col);
    CHECK_CONTAINS(err.msg, msg);
}

static void test_errors(void)
{
    expect_error("", 1, 1, "empty file");
    expect_error("\n\r\n", 1, 1, "empty file");
    expect_error("a,b\n", 2, 1, "no data rows");
    expect_error("a,b\n1,2\n3\n", 3, 1, "row has 1 field, the header has 2");
    expect_error("a,b\n1,2,3\n", 2, 1, "row has 3 fields");
    expect_error("a,b\n1,\"2\n3,4\n", 2, 3, "quoted field is not closed");
    expect_error("a,b\n1,\"2\"x\n", 2, 6, "unexpected 'x' after a closing quote");
    expect_error("a,b\n1,2\"3\n", 2, 4, "a quote inside an unquoted field");
    expect_error("a,\"x\ny\",b\n1,\"2\"3,4\n", 3, 6, "after a closing quote");
    expect_error("a,,c\n1,2,3\n", 1, 1, "column 2 has an empty name");
    expect_error("a,b,a\n1,2,3\n", 1, 1, "column 'a' is named twice");
}

static void test_load(void)
{
    char path[] = "/tmp/storecheck-feeder-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char *text = "email,password\nu1@example.com,pw1\nu2@example.com,pw2\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct parse_error err;
    struct feeder_data *f = feeder_load(path, &err);
    CHECK(f && f->nrows == 2);
    if (f)
        CHECK_STR_EQ(cell(f, 1, 0), "u2@example.com");
    feeder_free(f);
    unlink(path);
    CHECK(feeder_load(path, &err) == NULL);
    CHECK_INT_EQ(err.line, 0);
    CHECK_CONTAINS(err.msg, "cannot open");
}

static void test_pick(void)
{
    struct parse_error err;
    struct feeder_data *f = parse("n\n0\n1\n2\n3\n4\n", &err);
    struct rng rng;
    rng_seed(&rng, 9, 0);
    size_t row;

    /* Sequential: uses 1, 3, 5, 7, 9, 11 (every other) take 1, 3, then wrap to 0, 2, 4, 1. */
    size_t want_seq[] = {1, 3, 0, 2, 4, 1};
    for (size_t i = 0; i < 6; i++) {
        CHECK_INT_EQ(feeder_pick(f, FEEDER_SEQUENTIAL, 1 + 2 * i, NULL, &row), FEEDER_OK);
        CHECK_INT_EQ(row, want_seq[i]);
    }

    /* Unique: the even and the odd uses together take every row once, then run out. */
    int taken[5] = {0};
    for (uint64_t start = 0; start < 2; start++)
        for (uint64_t seq = start; feeder_pick(f, FEEDER_UNIQUE, seq, NULL, &row) == FEEDER_OK;
             seq += 2)
            taken[row]++;
    for (int i = 0; i < 5; i++)
        CHECK_INT_EQ(taken[i], 1);
    CHECK_INT_EQ(feeder_pick(f, FEEDER_UNIQUE, 5, NULL, &row), FEEDER_EXHAUSTED);

    /* Random: every row comes up. */
    int seen[5] = {0};
    for (int i = 0; i < 500; i++) {
        CHECK_INT_EQ(feeder_pick(f, FEEDER_RANDOM, (uint64_t)i, &rng, &row), FEEDER_OK);
        if (row < 5)
            seen[row]++;
    }
    for (int i = 0; i < 5; i++)
        CHECK(seen[i] > 50);
    feeder_free(f);
}

static void test_vars(void)
{
    struct parse_error err;
    struct feeder_data *f = parse("sku,qty\nA,1\nB,2\n", &err);
    struct vars_schema schema;
    vars_schema_init(&schema);
    vars_schema_intern(&schema, "cart_id", 7);
    int ids[2], qualified[2];
    feeder_bind(f, NULL, &schema, ids);
    CHECK_INT_EQ(ids[0], 1);
    CHECK_INT_EQ(ids[1], 2);
    feeder_bind(f, "items", &schema, qualified);
    CHECK_INT_EQ(qualified[1], vars_schema_find(&schema, "items.qty", 9));
    CHECK_INT_EQ(qualified[1], 4);
    struct vars *v = vars_create(schema.count, 64);
    CHECK(feeder_set_vars(f, 1, ids, v) == 0);
    size_t n;
    const char *s = vars_get(v, ids[0], &n);
    CHECK(s && n == 1 && *s == 'B');
    s = vars_get(v, ids[1], &n);
    CHECK(s && n == 1 && *s == '2');
    struct vars *tiny = vars_create(schema.count, 1);
    CHECK(feeder_set_vars(f, 1, ids, tiny) == -1);
    vars_destroy(tiny);
    vars_destroy(v);
    vars_schema_free(&schema);
    feeder_free(f);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_errors);
    RUN(test_load);
    RUN(test_pick);
    RUN(test_vars);
    return check_summary();
}
