/* The security header readers on any bytes: CSP judgement (header and <meta>), framing,
 * HSTS and Set-Cookie parsing never read past the input, and every verdict is one a probe
 * can report. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/csp_judge.h"
#include "probes/embedding.h"
#include "probes/hsts.h"
#include "probes/html.h"
#include "probes/set_cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void verdict_ok(enum probe_status st, const char *why)
{
    if (st != PROBE_PASS && st != PROBE_WARN && st != PROBE_FAIL)
        abort();
    if (!why[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char why[512], meta[2048];
    struct csp_set policies = {0};
    csp_set_add(&policies, s, CSP_FROM_HEADER);
    if (html_meta_http_equiv(s, "Content-Security-Policy", meta, sizeof meta)) {
        if (strlen(meta) >= sizeof meta)
            abort();
        csp_set_add(&policies, meta, CSP_FROM_META);
    }
    if (policies.n + policies.ignored == 0 && strspn(s, " \t,") != strlen(s))
        abort(); /* a field with more than blanks and commas holds a policy */
    if (policies.n)
        verdict_ok(csp_judge(&policies, why, sizeof why), why);
    verdict_ok(framing_judge(&policies, s, why, sizeof why), why);
    csp_set_free(&policies);
    verdict_ok(corp_judge(s, why, sizeof why), why);
    struct hsts h;
    if (hsts_parse(s, &h, why, sizeof why) == 0) {
        if (h.max_age < 0)
            abort();
        verdict_ok(hsts_judge(&h, why, sizeof why), why);
    }
    struct set_cookie c;
    set_cookie_parse(s, &c);
    if (strlen(c.name) >= sizeof c.name || strlen(c.path) >= sizeof c.path)
        abort();
    const char *v = set_cookie_prefix_violation(&c);
    if (v && !set_cookie_has_prefix(&c))
        abort();
    free(s);
    return 0;
}
