/*
 * The CAA reader on DNS answers captured from a real server — dnsmasq 2.90 serving
 * `--dns-rr=NAME,257,HEX` records with `--local=/test/`, each answer saved byte for byte in
 * tests/probes/caa/NAME.bin — and on hand-made RDATA: fields that do not add up, tags that are
 * not letters and digits, values with bytes that are not printable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/caa.h"
#include "tests/support/check.h"

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/probes/caa/%s.bin", getenv("STORECHECK_SOURCE_DIR"),
             name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static int parse(const char *name, struct caa_set *set, size_t cut)
{
    uint8_t msg[4096];
    char err[256];
    size_t n = load(name, msg, sizeof msg);
    return caa_parse_answer(msg, cut && cut < n ? cut : n, set, err, sizeof err);
}

/* The value of the record with tag (an RRset has no order: dnsmasq answers last first). */
static const char *value_of(const struct caa_set *set, const char *tag)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->records[i].tag, tag) == 0)
            return set->records[i].value;
    return "(none)";
}

static void test_captured(void)
{
    struct caa_set set;
    CHECK_INT_EQ(parse("shop.test", &set, 0), 0);
    CHECK_INT_EQ(set.total, 3);
    CHECK_STR_EQ(value_of(&set, "issue"), "letsencrypt.org");
    CHECK_STR_EQ(value_of(&set, "issuewild"), ";");
    CHECK_STR_EQ(value_of(&set, "iodef"), "mailto:security@shop.test");
    CHECK_INT_EQ(set.records[0].flags, 0);

    /* A CNAME to shop.test: the CNAME record is passed over, the target's three are read. */
    CHECK_INT_EQ(parse("alias.test", &set, 0), 0);
    CHECK_INT_EQ(set.total, 3);
    CHECK_STR_EQ(value_of(&set, "issue"), "letsencrypt.org");

    CHECK_INT_EQ(parse("critical.test", &set, 0), 0);
    CHECK_INT_EQ(set.total, 1);
    CHECK_INT_EQ(set.records[0].flags, 128);
    CHECK_STR_EQ(set.records[0].tag, "tbs");

    CHECK_INT_EQ(parse("inherit.test", &set, 0), 0);
    CHECK_STR_EQ(set.records[0].value, "pki.goog; cansignhttpexchanges=yes");

    /* NXDOMAIN and NODATA answers parse, with no records. */
    CHECK_INT_EQ(parse("www.shop.test", &set, 0), 0);
    CHECK_INT_EQ(set.total, 0);
    CHECK_INT_EQ(parse("test", &set, 0), 0);
    CHECK_INT_EQ(set.total, 0);

    /* Cut anywhere inside the answer section: an error, never a read past the end. */
    uint8_t msg[4096];
    size_t n = load("shop.test", msg, sizeof msg);
    for (size_t cut = 12; cut < n; cut++) {
        uint8_t *copy = malloc(cut);
        memcpy(copy, msg, cut);
        char err[256];
        int rc = caa_parse_answer(copy, cut, &set, err, sizeof err);
        CHECK(rc == -1 || set.total < 3);
        free(copy);
    }
}

static void test_rdata(void)
{
    struct caa_record r;
    static const uint8_t good[] = {0x80, 5, 'I', 's', 's', 'u', 'e', 'c', 'a', 0x01, '.'};
    CHECK_INT_EQ(caa_parse_rdata(good, sizeof good, &r), 0);
    CHECK_INT_EQ(r.flags, 0x80);
    CHECK_STR_EQ(r.tag, "issue");
    CHECK_STR_EQ(r.value, "ca?.");
    static const uint8_t empty_value[] = {0, 5, 'i', 's', 's', 'u', 'e'};
    CHECK_INT_EQ(caa_parse_rdata(empty_value, sizeof empty_value, &r), 0);
    CHECK_STR_EQ(r.value, "");
    static const uint8_t no_tag[] = {0, 0, 'x'};
    CHECK_INT_EQ(caa_parse_rdata(no_tag, sizeof no_tag, &r), -1);
    static const uint8_t long_tag[] = {0, 6, 'i', 's', 's', 'u', 'e'};
    CHECK_INT_EQ(caa_parse_rdata(long_tag, sizeof long_tag, &r), -1);
    static const uint8_t bad_tag[] = {0, 3, 'i', '-', 'x'};
    CHECK_INT_EQ(caa_parse_rdata(bad_tag, sizeof bad_tag, &r), -1);
    CHECK_INT_EQ(caa_parse_rdata(good, 1, &r), -1);
    uint8_t big[2 + 5 + 400];
    memcpy(big, good, 7);
    memset(big + 7, 'a', 400);
    CHECK_INT_EQ(caa_parse_rdata(big, sizeof big, &r), 0);
    CHECK_INT_EQ(strlen(r.value), CAA_VALUE_MAX);
}

static void test_issuer(void)
{
    char ca[64];
    caa_issuer("pki.goog; cansignhttpexchanges=yes", ca, sizeof ca);
    CHECK_STR_EQ(ca, "pki.goog");
    caa_issuer(";", ca, sizeof ca);
    CHECK_STR_EQ(ca, "");
    caa_issuer("  letsencrypt.org  ", ca, sizeof ca);
    CHECK_STR_EQ(ca, "letsencrypt.org");
    caa_issuer("", ca, sizeof ca);
    CHECK_STR_EQ(ca, "");
}

int main(void)
{
    RUN(test_captured);
    RUN(test_rdata);
    RUN(test_issuer);
    return check_summary();
}
