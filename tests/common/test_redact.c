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

int main(void)
{
    RUN(test_redact_copy);
    RUN(test_secret_headers);
    return check_summary();
}
