/*
 * Recognising the stack from the headers each product documents, one header set per stack
 * (and the mixes stores run: a CDN in front of a server in front of an application), the
 * product-token reader, and the fixes table: a fix for the stack recognised, edge inward.
 */
#include <string.h>

#include "probes/stack.h"
#include "probes/stack_fixes.h"
#include "tests/support/check.h"

/* Recognise from "Name: value" lines; returns the keys found, space-separated. */
static const char *recognise(const char *const *lines, struct stack_report *st)
{
    static char keys[256];
    struct http_header h[16];
    char names[16][64], values[16][256];
    size_t n = 0;
    for (; lines[n] && n < 16; n++) {
        const char *colon = strchr(lines[n], ':');
        size_t k = (size_t)(colon - lines[n]);
        memcpy(names[n], lines[n], k);
        names[n][k] = '\0';
        strcpy(values[n], colon + 2);
        h[n] = (struct http_header){names[n], values[n]};
    }
    memset(st, 0, sizeof *st);
    stack_recognise(h, n, st);
    keys[0] = '\0';
    for (size_t i = 0; i < st->count; i++) {
        if (i)
            strcat(keys, " ");
        strcat(keys, stack_key(st->components[i].id));
    }
    return keys;
}

static void test_each_stack(void)
{
    static const struct {
        const char *lines[6];
        const char *keys;
        const char *evidence; /* of the first component */
    } cases[] = {
        {{"Server: nginx/1.25.3", "Content-Type: text/html", NULL},
         "nginx",
         "Server: nginx/1.25.3"},
        {{"Server: nginx", NULL}, "nginx", "Server: nginx"},
        {{"Server: Apache/2.4.57 (Debian)", NULL}, "apache", "Server: Apache/2.4.57 (Debian)"},
        {{"Server: Apache", NULL}, "apache", NULL},
        {{"Server: Caddy", NULL}, "caddy", "Server: Caddy"},
        {{"server: envoy", NULL}, "envoy", "server: envoy"},
        {{"x-envoy-upstream-service-time: 3", NULL}, "envoy", NULL},
        {{"X-Powered-By: Express", NULL}, "express", "X-Powered-By: Express"},
        {{"X-Powered-By: PHP/8.2.7", NULL}, "php", "X-Powered-By: PHP/8.2.7"},
        {{"Set-Cookie: PHPSESSID=9a8b7c6d5e; path=/", NULL}, "php", "Set-Cookie: PHPSESSID=..."},
        {{"Server: cloudflare", "CF-Ray: 8c1f2e3d4a5b6c7d-FRA", NULL},
         "cloudflare",
         "Server: cloudflare"},
        {{"CF-Ray: 8c1f2e3d4a5b6c7d-FRA", NULL}, "cloudflare", NULL},
        {{"Via: 1.1 varnish", "X-Served-By: cache-fra-eddf8230062-FRA", "X-Cache: HIT",
          "X-Varnish: 123 456", "X-Timer: S1700000000.1,VS0,VE0", NULL},
         "fastly",
         "X-Served-By: cache-fra-eddf8230062-FRA"},
        {{"X-Cache: Hit from cloudfront", "Via: 1.1 0a1b.cloudfront.net (CloudFront)",
          "X-Amz-Cf-Pop: FRA56-P1", "X-Amz-Cf-Id: abc==", NULL},
         "cloudfront",
         "X-Amz-Cf-Id: abc=="},
        {{"Akamai-GRN: 0.05313217.1567801841.1457a3", NULL}, "akamai", NULL},
        {{"X-Akamai-Transformed: 9 - 0 pmb=mRUM,1", NULL}, "akamai", NULL},
        {{"Server: AkamaiGHost", NULL}, "akamai", NULL},
        {{"X-Varnish: 32770 3", "Via: 1.1 varnish (Varnish/7.1)", "Age: 4", NULL},
         "varnish",
         "Via: 1.1 varnish (Varnish/7.1)"},
        {{"X-Varnish: 32770", NULL}, "varnish", "X-Varnish: 32770"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct stack_report st;
        CHECK_STR_EQ(recognise(cases[i].lines, &st), cases[i].keys);
        if (cases[i].evidence && st.count)
            CHECK_STR_EQ(st.components[0].evidence, cases[i].evidence);
    }
}

/* Stores run several at once: the components come edge inward, each once. */
static void test_mixes(void)
{
    struct stack_report st;
    const char *const front[] = {
        "Server: nginx/1.24.0", "X-Powered-By: Express", "Via: 1.1 varnish (Varnish/7.5)",
        "X-Varnish: 98306 3",   "Server: nginx",         NULL};
    CHECK_STR_EQ(recognise(front, &st), "varnish nginx express");
    const char *const edge[] = {"Server: cloudflare", "CF-Ray: 1-FRA", "X-Powered-By: PHP/8.3.1",
                                "Set-Cookie: PHPSESSID=abc", NULL};
    CHECK_STR_EQ(recognise(edge, &st), "cloudflare php");
    CHECK_STR_EQ(st.components[1].evidence, "X-Powered-By: PHP/8.3.1");
    /* Apache with PHP named in its Server product list. */
    const char *const full[] = {"Server: Apache/2.4.41 (Ubuntu) PHP/7.4.3 OpenSSL/1.1.1f", NULL};
    CHECK_STR_EQ(recognise(full, &st), "apache php");
}

/* Names that merely look alike are not the product: nothing is guessed. */
static void test_not_recognised(void)
{
    struct stack_report st;
    const char *const others[] = {"Server: refstore",
                                  "Server: Apache-Coyote/1.1",
                                  "X-Powered-By: Next.js",
                                  "Server: nginxish",
                                  "Via: 1.1 proxy.example (squid/5.7)",
                                  "X-Served-By: web-01",
                                  "Set-Cookie: PHPSESSIDX=1",
                                  "X-Cache: HIT",
                                  NULL};
    CHECK_STR_EQ(recognise(others, &st), "");
    const char *const none[] = {NULL};
    CHECK_STR_EQ(recognise(none, &st), "");
}

static void test_products(void)
{
    const char *p = " (c) nginx/1.2 (a (nested) \\) comment) Apache,PHP/8 /9 ( open";
    char name[8];
    const char *want[] = {"nginx", "Apache", "PHP", "", NULL};
    size_t i = 0;
    while (stack_next_product(&p, name, sizeof name) == 0) {
        CHECK(want[i] != NULL);
        if (!want[i])
            break;
        CHECK_STR_EQ(name, want[i]);
        i++;
    }
    CHECK_INT_EQ(i, 4);
    const char *longer = "AkamaiGHostExtra/1";
    CHECK_INT_EQ(stack_next_product(&longer, name, sizeof name), 0);
    CHECK_STR_EQ(name, "AkamaiG"); /* cut to the buffer, never past it */
    CHECK_INT_EQ(*longer, '\0');
}

/* The fix for the stack in front: Express's, not nginx's, for an Express store, and both,
 * edge inward, where nginx proxies Express. */
static void test_fixes(void)
{
    struct stack_report st;
    struct stack_fix fx[STACK_COUNT];
    const char *const express[] = {"X-Powered-By: Express", NULL};
    recognise(express, &st);
    CHECK_INT_EQ(stack_fixes_for("S-VERSION-LEAK", &st, fx, STACK_COUNT), 1);
    CHECK_CONTAINS(fx[0].text, "app.disable(\"x-powered-by\")");
    CHECK(!strstr(fx[0].text, "server_tokens"));

    const char *const proxied[] = {"Server: nginx/1.24.0", "X-Powered-By: Express", NULL};
    recognise(proxied, &st);
    CHECK_INT_EQ(stack_fixes_for("S-VERSION-LEAK", &st, fx, STACK_COUNT), 2);
    CHECK_INT_EQ(fx[0].stack, STACK_NGINX);
    CHECK_CONTAINS(fx[0].text, "server_tokens off;");
    CHECK_INT_EQ(fx[1].stack, STACK_EXPRESS);
    CHECK_INT_EQ(stack_fixes_for("S-VERSION-LEAK", &st, fx, 1), 1); /* never past cap */

    /* A header probe: each stack's own directive, with the header in it. */
    char buf[STACK_FIX_MAX];
    CHECK_INT_EQ(stack_fix("S-NOSNIFF", STACK_NGINX, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "add_header X-Content-Type-Options \"nosniff\" always;");
    CHECK_INT_EQ(stack_fix("S-PERMISSIONS-POLICY", STACK_APACHE, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "Header always set Permissions-Policy \"camera=()");
    CHECK_INT_EQ(stack_fix("S-HSTS", STACK_CLOUDFLARE, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "Edge Certificates");
    CHECK_INT_EQ(stack_fix("S-NOSNIFF", STACK_EXPRESS, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "helmet");
    CHECK_INT_EQ(stack_fix("S-CORP", STACK_NGINX, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "add_header Cross-Origin-Resource-Policy \"same-origin\" always;");
    CHECK_INT_EQ(stack_fix("S-X-FRAME-OPTIONS", STACK_EXPRESS, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "X-Frame-Options: SAMEORIGIN");

    /* A shared cache keeping carts is fixed in the cache, and T-SESSION-ISOLATION (the same
     * cause seen from a second session) gets the same fix. */
    char same[STACK_FIX_MAX];
    CHECK_INT_EQ(stack_fix("T-PRIVATE-CACHE", STACK_VARNISH, buf, sizeof buf), 0);
    CHECK_CONTAINS(buf, "vcl_backend_response");
    CHECK_INT_EQ(stack_fix("T-SESSION-ISOLATION", STACK_VARNISH, same, sizeof same), 0);
    CHECK_STR_EQ(same, buf);

    /* No stack-specific fix: the generic remediation stands alone. */
    CHECK_INT_EQ(stack_fix("R-IDEMPOTENCY", STACK_NGINX, buf, sizeof buf), -1);
    CHECK_INT_EQ(stack_fix("S-COOKIE-FLAGS", STACK_CLOUDFLARE, buf, sizeof buf), -1);
    CHECK_INT_EQ(stack_fixes_for("S-VERSION-LEAK", NULL, fx, STACK_COUNT), 0);

    /* Every stack has a fix for the probes where stacks differ most. */
    static const char *const covered[] = {"S-VERSION-LEAK", "S-HSTS", "S-CSP", "S-NOSNIFF"};
    for (size_t p = 0; p < sizeof covered / sizeof *covered; p++)
        for (int s = 0; s < STACK_COUNT; s++)
            CHECK(stack_fix(covered[p], (enum stack_id)s, buf, sizeof buf) == 0);
}

int main(void)
{
    RUN(test_each_stack);
    RUN(test_mixes);
    RUN(test_not_recognised);
    RUN(test_products);
    RUN(test_fixes);
    return check_summary();
}
