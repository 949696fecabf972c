/* S-TLS-CIPHER-ORDER: whether the server picks the suite by its own preference or the
 * client's, per version (the survey's reversed-offer check), judged by what a client's order
 * could land on: harmless when every accepted suite is strong. */
#include <stdio.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"

/* Forward secret, AEAD, nothing weak: no client preference can make it worse. */
static int strong(const struct tls_suite *su)
{
    return (su->flags & SUITE_FS) && (su->flags & SUITE_AEAD) && !(su->flags & SUITE_WEAK_FLAGS);
}

static void run_order(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    struct tls_survey sv;
    tls_probe_survey(ctx, &s, 0, &sv);
    char label[400], client_weak[320] = "", client_strong[128] = "", server[128] = "";
    int judged = 0;
    for (int i = 0; i < TLS_SURVEY_VERSIONS; i++) {
        const struct tls_version_result *r = &sv.v[i];
        if (!r->offered)
            continue;
        const char *v = tls_wire_version_name(tls_survey_wire[i]);
        uint16_t weaker[TLS_SCAN_MAX_SUITES];
        size_t nweaker = 0;
        for (size_t k = 0; k < r->nsuites; k++) {
            const struct tls_suite *su = tls_suite_find(r->suites[k]);
            if (su && !strong(su))
                weaker[nweaker++] = r->suites[k];
        }
        char names[1024];
        tls_suite_names(r->suites, r->nsuites, names, sizeof names);
        char what[48];
        snprintf(what, sizeof what, "%s order", v);
        handshake_label(ctx, what, label, sizeof label);
        probe_evidence(ctx, label, 0,
                       "offered the %zu accepted suites in the server's first-choice order, "
                       "then reversed: %s (%s)",
                       r->nsuites,
                       r->server_order == 1   ? "the server kept its choice: server's order"
                       : r->server_order == 0 ? "the server took the client's first: client's order"
                                              : "not known (fewer than 2 suites)",
                       names);
        if (r->server_order < 0)
            continue;
        judged++;
        char *list = r->server_order == 1 ? server : nweaker ? client_weak : client_strong;
        size_t n = strlen(list), cap = r->server_order == 1 ? sizeof server
                                       : nweaker            ? sizeof client_weak
                                                            : sizeof client_strong;
        if (list == client_weak)
            snprintf(list + n, cap - n, "%s%s (%zu weaker suites, first %s)", n ? ", " : "", v,
                     nweaker, tls_suite_find(weaker[0])->name);
        else
            snprintf(list + n, cap - n, "%s%s", n ? ", " : "", v);
    }
    if (client_weak[0])
        probe_set(ctx, PROBE_FAIL,
                  "the client's order decides at %s: a client preferring a weaker suite "
                  "(not forward secret, not AEAD or weak) gets it",
                  client_weak);
    else if (judged && client_strong[0])
        probe_set(ctx, PROBE_PASS,
                  "the client's order decides at %s, but every suite there is "
                  "forward secret and AEAD",
                  client_strong);
    else if (judged)
        probe_set(ctx, PROBE_PASS, "the server picks by its own order (%s)", server);
    else
        probe_set(ctx, PROBE_SKIP, "no version with two or more suites: nothing to order");
}

const struct probe probe_s_tls_cipher_order = {
    .id = "S-TLS-CIPHER-ORDER",
    .group = GROUP_S,
    .title = "Cipher order: the server's preference decides",
    .severity = SEV_MEDIUM,
    .rationale = "When the client's order decides, an old or misconfigured client lands on the "
                 "weakest suite the server still accepts.",
    .remediation = "Prefer the server's order (nginx: ssl_prefer_server_ciphers on;) or accept "
                   "only strong suites.",
    .references = "https://wiki.mozilla.org/Security/Server_Side_TLS",
    .run = run_order,
};
