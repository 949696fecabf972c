#include "common/allowlist.h"
#include "common/url.h"
#include "tests/support/check.h"

static void test_parse(void)
{
    struct url u;
    char err[128];
    CHECK(url_parse("https://127.0.0.1:8443/api?x=1#frag", &u, err, sizeof err) == 0);
    CHECK(u.tls == 1 && u.port == 8443 && !u.ipv6);
    CHECK_STR_EQ(u.host, "127.0.0.1");
    CHECK_STR_EQ(u.path, "/api?x=1");
    CHECK(url_parse("http://[::1]:8080", &u, err, sizeof err) == 0);
    CHECK(u.ipv6 && u.port == 8080);
    CHECK_STR_EQ(u.host, "::1");
    CHECK_STR_EQ(u.path, "/");
    char hh[300];
    url_host_header(&u, hh, sizeof hh);
    CHECK_STR_EQ(hh, "[::1]:8080");
    CHECK(url_parse("http://shop.test", &u, err, sizeof err) == 0 && u.port == 80);
    url_origin(&u, hh, sizeof hh);
    CHECK_STR_EQ(hh, "http://shop.test");
}

static void test_errors(void)
{
    struct url u;
    char err[128];
    CHECK(url_parse("ftp://x", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://a:0/", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://a:70000/", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://a:x/", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://user:pw@a/", &u, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "credentials");
    CHECK(url_parse("http://[::1/", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://a b/", &u, err, sizeof err) == -1);
    CHECK(url_parse("http://a/x y", &u, err, sizeof err) == -1);
}

static void test_allowlist(void)
{
    const char *hosts[] = {"127.0.0.1", "LocalHost", "[::1]"};
    struct strv allowed = {hosts, 3};
    char err[128];
    CHECK(allowlist_has(&allowed, "localhost"));
    CHECK(allowlist_has(&allowed, "::1"));
    CHECK(!allowlist_has(&allowed, "10.0.0.1"));
    CHECK(allowlist_url_ok(&allowed, "http://[::1]:9/x", err, sizeof err));
    CHECK(!allowlist_url_ok(&allowed, "https://evil.test/", err, sizeof err));
    CHECK_CONTAINS(err, "allowed_hosts");
}

/* The hosts a command contacts without --allow-host. */
static void test_loopback(void)
{
    CHECK(allowlist_is_loopback("127.0.0.1"));
    CHECK(allowlist_is_loopback("127.255.0.9"));
    CHECK(allowlist_is_loopback("::1"));
    CHECK(allowlist_is_loopback("::ffff:127.0.0.1"));
    CHECK(allowlist_is_loopback("LocalHost"));
    CHECK(!allowlist_is_loopback("128.0.0.1"));
    CHECK(!allowlist_is_loopback("::2"));
    CHECK(!allowlist_is_loopback("::ffff:10.0.0.1"));
    CHECK(!allowlist_is_loopback("localhost.evil.test"));
    CHECK(!allowlist_is_loopback("127.0.0.1.evil.test"));
    CHECK(!allowlist_is_loopback(""));
}

int main(void)
{
    RUN(test_parse);
    RUN(test_errors);
    RUN(test_allowlist);
    RUN(test_loopback);
    return check_summary();
}
