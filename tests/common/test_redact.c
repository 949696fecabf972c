#include <stdlib.h>

#include "common/redact.h"
#include "tests/support/check.h"

static void test_redact_copy(void)
{
    const char *secrets[] = {"s3cr3t-token", "abc"};
    struct strv sv = {secrets, 2};
    char *out = redact_copy(&sv, "Authorization: Bearer s3cr3t-token; again s3cr3t-token abc");
    CHECK_STR_EQ(out, "Authorization: Bearer [redacted]; again [redacted] abc");
    free(out);
    out = redact_copy(NULL, "plain");
    CHECK_STR_EQ(out, "plain");
    free(out);
}

static void test_secret_headers(void)
{
    CHECK(redact_header_is_secret("Authorization"));
    CHECK(redact_header_is_secret("cookie"));
    CHECK(redact_header_is_secret("X-Shopify-Access-Token"));
    CHECK(redact_header_is_secret("webhook-signature"));
    CHECK(!redact_header_is_secret("Accept"));
}

static void test_url_userinfo(void)
{
    char *out = redact_url_userinfo("http://user:SECRET@127.0.0.1:1/path?q=a@b");
    CHECK_STR_EQ(out, "http://[redacted]@127.0.0.1:1/path?q=a@b");
    free(out);
    out = redact_url_userinfo("https://u:p@ss@host/");
    CHECK_STR_EQ(out, "https://[redacted]@host/");
    free(out);
    out = redact_url_userinfo("https://host/a@b");
    CHECK_STR_EQ(out, "https://host/a@b");
    free(out);
    out = redact_url_userinfo("not a url @ all");
    CHECK_STR_EQ(out, "not a url @ all");
    free(out);
}

int main(void)
{
    RUN(test_redact_copy);
    RUN(test_secret_headers);
    RUN(test_url_userinfo);
    return check_summary();
}
