/* The security header judgements without a network: CSP (header and <meta>), framing,
 * Cross-Origin-Resource-Policy, HSTS with preload readiness, and Set-Cookie prefixes. */
#include <string.h>

#include "probes/csp_judge.h"
#include "probes/embedding.h"
#include "probes/hsts.h"
#include "probes/html.h"
#include "probes/set_cookie.h"
#include "tests/support/check.h"

static char why[512];

/* The verdict on the policies of header field values (NULL-terminated) and a <meta> one. */
static enum probe_status judge_fields(const char *const *fields, const char *meta)
{
    struct csp_set s = {0};
    for (size_t i = 0; fields[i]; i++)
        csp_set_add(&s, fields[i], CSP_FROM_HEADER);
    if (meta)
        csp_set_add(&s, meta, CSP_FROM_META);
    enum probe_status st = csp_judge(&s, why, sizeof why);
    csp_set_free(&s);
    return st;
}

static enum probe_status csp(const char *policy)
{
    const char *fields[] = {policy, NULL};
    return judge_fields(fields, NULL);
}

static enum probe_status framing(const char *policy, const char *xfo, const char *meta)
{
    struct csp_set s = {0};
    if (policy)
        csp_set_add(&s, policy, CSP_FROM_HEADER);
    if (meta)
        csp_set_add(&s, meta, CSP_FROM_META);
    enum probe_status st = framing_judge(&s, xfo, why, sizeof why);
    csp_set_free(&s);
    return st;
}

#define GOOD_TAIL "; object-src 'none'; base-uri 'self'; form-action 'self'"

static void test_csp_scripts(void)
{
    CHECK_INT_EQ(csp("script-src 'self' https://pay.example.test" GOOD_TAIL), PROBE_PASS);
    CHECK_INT_EQ(csp("img-src 'self'" GOOD_TAIL), PROBE_FAIL);
    CHECK_CONTAINS(why, "scripts are unrestricted");
    CHECK_INT_EQ(csp("script-src 'self' 'unsafe-inline'" GOOD_TAIL), PROBE_FAIL);
    CHECK_CONTAINS(why, "'unsafe-inline'");
    /* A nonce or a hash makes browsers ignore 'unsafe-inline'. */
    CHECK_INT_EQ(csp("script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'" GOOD_TAIL), PROBE_PASS);
    CHECK_INT_EQ(csp("script-src 'self' 'unsafe-inline' 'SHA256-abc='" GOOD_TAIL), PROBE_PASS);
    CHECK_INT_EQ(csp("script-src 'self' data:" GOOD_TAIL), PROBE_FAIL);
    CHECK_CONTAINS(why, "data:");
    CHECK_INT_EQ(csp("script-src 'self' http://cdn.example.test" GOOD_TAIL), PROBE_FAIL);
    CHECK_CONTAINS(why, "plain http");
    CHECK_INT_EQ(csp("script-src https:" GOOD_TAIL), PROBE_FAIL);
    CHECK_CONTAINS(why, "any host");
    CHECK_INT_EQ(csp("default-src *" GOOD_TAIL), PROBE_FAIL);
    CHECK_INT_EQ(csp("script-src 'self' 'unsafe-eval'" GOOD_TAIL), PROBE_WARN);
    CHECK_CONTAINS(why, "'unsafe-eval'");
}

static void test_csp_strict_dynamic(void)
{
    /* 'strict-dynamic' with a nonce: hosts, schemes and 'unsafe-inline' are ignored. */
    CHECK_INT_EQ(csp("script-src 'nonce-abc' 'strict-dynamic' https: 'unsafe-inline'" GOOD_TAIL),
                 PROBE_PASS);
    CHECK_CONTAINS(why, "'strict-dynamic'");
    CHECK_INT_EQ(csp("script-src 'nonce-abc' 'strict-dynamic' data:" GOOD_TAIL), PROBE_PASS);
    /* Without 'strict-dynamic', a nonce does not excuse any-host sources. */
    CHECK_INT_EQ(csp("script-src 'nonce-abc' https:" GOOD_TAIL), PROBE_FAIL);
    /* With a nonce, base-uri matters: a <base> moves the trusted relative scripts. */
    CHECK_INT_EQ(csp("script-src 'nonce-abc' 'strict-dynamic'; object-src 'none'; "
                     "form-action 'self'"),
                 PROBE_WARN);
    CHECK_CONTAINS(why, "no base-uri");
    /* An allow-list of hosts is not moved by <base>. */
    CHECK_INT_EQ(csp("script-src 'self'; object-src 'none'; form-action 'self'"), PROBE_PASS);
}

static void test_csp_objects_and_forms(void)
{
    CHECK_INT_EQ(csp("script-src 'self'; base-uri 'self'; form-action 'self'"), PROBE_FAIL);
    CHECK_CONTAINS(why, "object-src");
    /* default-src restricts object-src when it is not named. */
    CHECK_INT_EQ(csp("default-src 'self'; base-uri 'self'; form-action 'self'"), PROBE_PASS);
    CHECK_INT_EQ(csp("default-src 'self'; object-src *; form-action 'self'"), PROBE_FAIL);
    CHECK_CONTAINS(why, "object-src allows");
    /* form-action does not fall back to default-src. */
    CHECK_INT_EQ(csp("default-src 'none'; script-src 'self'"), PROBE_WARN);
    CHECK_CONTAINS(why, "no form-action");
}

static void test_csp_from_meta(void)
{
    const char *page = "<html><head><meta charset=utf-8>"
                       "<META HTTP-EQUIV=\"content-security-policy\" content=\"script-src "
                       "'self'; object-src 'none'; form-action 'self'\"></head></html>";
    char policy[512];
    CHECK(html_meta_http_equiv(page, "Content-Security-Policy", policy, sizeof policy));
    CHECK_STR_EQ(policy, "script-src 'self'; object-src 'none'; form-action 'self'");
    const char *none[] = {NULL};
    CHECK_INT_EQ(judge_fields(none, policy), PROBE_PASS);
    CHECK_CONTAINS(why, "<meta> tag");
    CHECK(!html_meta_http_equiv("<meta name=x content=y><meta http-equiv=refresh content=1>",
                                "Content-Security-Policy", policy, sizeof policy));
    CHECK(!html_meta_http_equiv("<meta http-equiv=\"Content-Security-Policy\">",
                                "Content-Security-Policy", policy, sizeof policy));
}

/* Every policy a page enforces counts: repeated fields, a comma-separated list in one field,
 * and a <meta> policy beside the header; a hole is open only when every policy leaves it. */
static void test_csp_several_policies(void)
{
    /* Scripts restricted by the first, plugins and forms by the second: together a pass. */
    const char *split[] = {"script-src 'self'", "object-src 'none'; base-uri 'self'; "
                                                "form-action 'self'",
                           NULL};
    CHECK_INT_EQ(judge_fields(split, NULL), PROBE_PASS);
    CHECK_CONTAINS(why, "2 policies together");
    /* The same two as one field's list. */
    CHECK_INT_EQ(csp("script-src 'self', object-src 'none'; form-action 'self'"), PROBE_PASS);
    /* A weak first policy is closed by a strict second one. */
    const char *weak_first[] = {"script-src * 'unsafe-inline'",
                                "script-src 'self'" GOOD_TAIL, NULL};
    CHECK_INT_EQ(judge_fields(weak_first, NULL), PROBE_PASS);
    /* Both leave 'unsafe-inline' open: fail, and said for both. */
    const char *both_inline[] = {"script-src 'self' 'unsafe-inline'" GOOD_TAIL,
                                 "default-src 'unsafe-inline' 'self'", NULL};
    CHECK_INT_EQ(judge_fields(both_inline, NULL), PROBE_FAIL);
    CHECK_CONTAINS(why, "'unsafe-inline'");
    CHECK_CONTAINS(why, "every one of the 2 policies");
    /* A policy that does not govern scripts leaves the script holes to the other. */
    const char *img_only[] = {"img-src 'self'", "script-src 'self' data:" GOOD_TAIL, NULL};
    CHECK_INT_EQ(judge_fields(img_only, NULL), PROBE_FAIL);
    CHECK_CONTAINS(why, "data:");
    /* A <meta> policy is enforced beside the header's. */
    const char *inline_header[] = {"script-src 'unsafe-inline'" GOOD_TAIL, NULL};
    CHECK_INT_EQ(judge_fields(inline_header, "script-src 'self'"), PROBE_PASS);
    /* Empty list members are no policies. */
    CHECK_INT_EQ(csp(" , script-src 'self'" GOOD_TAIL ", "), PROBE_PASS);
    CHECK(strstr(why, "policies") == NULL);
}

static void test_framing(void)
{
    CHECK_INT_EQ(framing("default-src 'self'; frame-ancestors 'none'", NULL, NULL), PROBE_PASS);
    CHECK_CONTAINS(why, "frame-ancestors 'none'");
    /* frame-ancestors decides; X-Frame-Options beside it is ignored by browsers. */
    CHECK_INT_EQ(framing("frame-ancestors *", "DENY", NULL), PROBE_FAIL);
    CHECK_INT_EQ(framing("frame-ancestors 'self' https://shop.example.test", "ALLOW-FROM x", NULL),
                 PROBE_PASS);
    CHECK_INT_EQ(framing("default-src 'self'", " sameorigin ", NULL), PROBE_PASS);
    CHECK_INT_EQ(framing(NULL, "DENY", NULL), PROBE_PASS);
    CHECK_INT_EQ(framing(NULL, "ALLOW-FROM https://a.example.test", NULL), PROBE_FAIL);
    CHECK_CONTAINS(why, "ALLOW-FROM is ignored");
    CHECK_INT_EQ(framing(NULL, "DENY, SAMEORIGIN", NULL), PROBE_FAIL);
    CHECK_CONTAINS(why, "not recognised");
    CHECK_INT_EQ(framing("default-src 'self'", NULL, "frame-ancestors 'none'"), PROBE_FAIL);
    CHECK_CONTAINS(why, "<meta> policy is ignored");
    /* One policy that restricts framing is enough, wherever it stands in the list. */
    CHECK_INT_EQ(framing("frame-ancestors *, frame-ancestors 'self'", NULL, NULL), PROBE_PASS);
    CHECK_CONTAINS(why, "frame-ancestors 'self'");
}

static void test_corp(void)
{
    CHECK_INT_EQ(corp_judge("same-origin", why, sizeof why), PROBE_PASS);
    CHECK_INT_EQ(corp_judge(" same-site", why, sizeof why), PROBE_PASS);
    CHECK_INT_EQ(corp_judge("cross-origin", why, sizeof why), PROBE_WARN);
    CHECK_INT_EQ(corp_judge(NULL, why, sizeof why), PROBE_WARN);
    CHECK_CONTAINS(why, "no Cross-Origin-Resource-Policy");
    /* Values compare exactly: browsers ignore anything else. */
    CHECK_INT_EQ(corp_judge("Same-Origin", why, sizeof why), PROBE_FAIL);
    CHECK_INT_EQ(corp_judge("same-origin, same-site", why, sizeof why), PROBE_FAIL);
}

static enum probe_status hsts(const char *value)
{
    struct hsts h;
    if (hsts_parse(value, &h, why, sizeof why) != 0)
        return PROBE_ERROR;
    return hsts_judge(&h, why, sizeof why);
}

static void test_hsts_parse(void)
{
    struct hsts h;
    CHECK_INT_EQ(hsts_parse("max-age=\"63072000\" ; INCLUDESUBDOMAINS; preload; foo=bar", &h,
                            why, sizeof why),
                 0);
    CHECK(h.max_age == 63072000 && h.include_subdomains && h.preload);
    CHECK_INT_EQ(hsts_parse("includeSubDomains", &h, why, sizeof why), -1);
    CHECK_CONTAINS(why, "no max-age");
    CHECK_INT_EQ(hsts_parse("max-age=1; max-age=2", &h, why, sizeof why), -1);
    CHECK_CONTAINS(why, "twice");
    /* A lifetime longer than any clock is still a valid header. */
    CHECK_INT_EQ(hsts_parse("max-age=99999999999999999999999; includeSubDomains", &h, why,
                            sizeof why),
                 0);
    CHECK(h.max_age == HSTS_MAX_AGE_CAP);
    CHECK_INT_EQ(hsts_parse("max-age=-5", &h, why, sizeof why), -1);
    CHECK_INT_EQ(hsts_parse("max-age=1y", &h, why, sizeof why), -1);
    CHECK_INT_EQ(hsts_parse("max-age=\"31536000", &h, why, sizeof why), -1);
    CHECK_INT_EQ(hsts_parse("max-age=31536000 includeSubDomains", &h, why, sizeof why), -1);
}

static void test_hsts_verdicts(void)
{
    CHECK_INT_EQ(hsts("max-age=63072000; includeSubDomains; preload"), PROBE_PASS);
    CHECK_CONTAINS(why, "ready for the preload list");
    CHECK_INT_EQ(hsts("max-age=31536000; includeSubDomains"), PROBE_PASS);
    CHECK_CONTAINS(why, "not ready for the preload list (needs preload)");
    CHECK_INT_EQ(hsts("max-age=31536000"), PROBE_PASS);
    CHECK_CONTAINS(why, "subdomains not covered");
    CHECK_INT_EQ(hsts("max-age=31536000; preload"), PROBE_WARN);
    CHECK_CONTAINS(why, "preload list would refuse it");
    CHECK_CONTAINS(why, "includeSubDomains");
    CHECK_INT_EQ(hsts("max-age=20000000; includeSubDomains; preload"), PROBE_WARN);
    CHECK_INT_EQ(hsts("max-age=20000000"), PROBE_WARN);
    CHECK_CONTAINS(why, "under a year");
    CHECK_INT_EQ(hsts("max-age=86400; includeSubDomains; preload"), PROBE_FAIL);
    CHECK_INT_EQ(hsts("max-age=0"), PROBE_FAIL);
    CHECK_CONTAINS(why, "forget");
}

static void test_set_cookie(void)
{
    struct set_cookie c;
    set_cookie_parse(" sid=abc; path=/; SECURE ; httponly; SameSite = Lax; Max-Age=60", &c);
    CHECK_STR_EQ(c.name, "sid");
    CHECK(c.secure && c.http_only && c.has_path && !c.has_domain);
    CHECK_STR_EQ(c.path, "/");
    CHECK_STR_EQ(c.same_site, "Lax");
    CHECK(!set_cookie_deletes(&c) && !set_cookie_has_prefix(&c));
    CHECK(set_cookie_prefix_violation(&c) == NULL);
    set_cookie_parse("gone=; Max-Age=0", &c);
    CHECK(set_cookie_deletes(&c));
    set_cookie_parse("x=1; Max-Age=soon; Secureish", &c);
    CHECK(!set_cookie_deletes(&c) && !c.secure);
}

static void test_cookie_prefixes(void)
{
    struct set_cookie c;
    set_cookie_parse("__Host-sid=1; Path=/; Secure; HttpOnly", &c);
    CHECK(set_cookie_has_prefix(&c));
    CHECK(set_cookie_prefix_violation(&c) == NULL);
    set_cookie_parse("__Host-sid=1; Path=/; Domain=shop.example.test; Secure", &c);
    CHECK_CONTAINS(set_cookie_prefix_violation(&c), "with a Domain");
    set_cookie_parse("__host-sid=1; Path=/cart; Secure", &c);
    CHECK_CONTAINS(set_cookie_prefix_violation(&c), "without Path=/");
    set_cookie_parse("__Host-sid=1; Secure", &c);
    CHECK_CONTAINS(set_cookie_prefix_violation(&c), "without Path=/");
    set_cookie_parse("__Host-sid=1; Path=/", &c);
    CHECK_CONTAINS(set_cookie_prefix_violation(&c), "without Secure");
    set_cookie_parse("__Secure-cart=1; Domain=example.test; Path=/x", &c);
    CHECK_CONTAINS(set_cookie_prefix_violation(&c), "__Secure- cookie without Secure");
    set_cookie_parse("__Secure-cart=1; Domain=example.test; Secure", &c);
    CHECK(set_cookie_prefix_violation(&c) == NULL);
}

int main(void)
{
    RUN(test_csp_scripts);
    RUN(test_csp_strict_dynamic);
    RUN(test_csp_objects_and_forms);
    RUN(test_csp_from_meta);
    RUN(test_csp_several_policies);
    RUN(test_framing);
    RUN(test_corp);
    RUN(test_hsts_parse);
    RUN(test_hsts_verdicts);
    RUN(test_set_cookie);
    RUN(test_cookie_prefixes);
    return check_summary();
}
