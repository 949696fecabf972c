/* S-TLS-KNOWN-ATTACKS: the named attacks that follow from the protocol versions and suites the
 * server accepts (the handshake scanner's full survey): DROWN, POODLE, FREAK, SWEET32, BEAST,
 * LUCKY13. No attack is carried out; each line names the versions and suites it is judged on. */
#include <stdio.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"

struct attack {
    const char *name;
    enum probe_status status; /* when it applies */
    const char *why;
    int from_version, to_version; /* indexes into tls_survey_wire */
    int (*applies)(const struct tls_suite *);
};

static int cbc(const struct tls_suite *su)
{
    return (su->flags & SUITE_CBC) != 0;
}

static int rsa_export(const struct tls_suite *su)
{
    return strcmp(su->kx, "RSA(512)") == 0;
}

/* 64-bit block ciphers: DES, 3DES, IDEA, RC2. */
static int block64(const struct tls_suite *su)
{
    return (su->flags & (SUITE_3DES | SUITE_DES)) || strncmp(su->enc, "IDEA", 4) == 0 ||
           strncmp(su->enc, "RC2", 3) == 0;
}

enum { SSL3 = 0, TLS10 = 1, TLS11 = 2, TLS12 = 3 };

static const struct attack attacks[] = {
    {"POODLE", PROBE_FAIL, "SSL 3.0 with CBC suites: padding oracle (CVE-2014-3566)", SSL3, SSL3,
     cbc},
    {"FREAK", PROBE_FAIL, "RSA export suites: 512-bit keys (CVE-2015-0204)", SSL3, TLS12,
     rsa_export},
    {"SWEET32", PROBE_WARN, "64-bit block ciphers: birthday collisions (CVE-2016-2183)", SSL3,
     TLS12, block64},
    {"BEAST", PROBE_WARN, "CBC suites at SSL 3.0/TLS 1.0: predictable IVs (CVE-2011-3389)", SSL3,
     TLS10, cbc},
    {"LUCKY13", PROBE_WARN, "CBC suites: MAC-then-encrypt timing (CVE-2013-0169)", SSL3, TLS12,
     cbc},
};
enum { NATTACKS = sizeof attacks / sizeof *attacks };

static void run_attacks(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    struct tls_survey sv;
    tls_probe_survey(ctx, &s, 1, &sv);
    char label[400], fails[512] = "", warns[512] = "";
    handshake_label(ctx, "DROWN", label, sizeof label);
    if (sv.sslv2_accepted) {
        probe_evidence(ctx, label, 0,
                       "SSL 2.0, whose key decrypts TLS sessions (CVE-2016-0800): sent an SSLv2 "
                       "CLIENT-HELLO, accepted with %zu cipher kinds",
                       sv.sslv2.sslv2_nkinds);
        snprintf(fails, sizeof fails, "DROWN");
    } else {
        char why[128];
        tls_reply_describe(&sv.sslv2, why, sizeof why);
        probe_evidence(ctx, label, 0,
                       "SSL 2.0, whose key decrypts TLS sessions (CVE-2016-0800): sent an SSLv2 "
                       "CLIENT-HELLO: %s (the same key on another host is not checked)",
                       why);
    }
    for (int a = 0; a < NATTACKS; a++) {
        char seen[1024] = "";
        size_t w = 0;
        for (int v = attacks[a].from_version; v <= attacks[a].to_version; v++) {
            const struct tls_version_result *r = &sv.v[v];
            uint16_t hit[TLS_SCAN_MAX_SUITES];
            size_t nhit = 0;
            for (size_t k = 0; k < r->nsuites; k++) {
                const struct tls_suite *su = tls_suite_find(r->suites[k]);
                if (su && attacks[a].applies(su))
                    hit[nhit++] = r->suites[k];
            }
            if (!nhit || w >= sizeof seen)
                continue;
            char names[768];
            tls_suite_names(hit, nhit, names, sizeof names);
            w += (size_t)snprintf(seen + w, sizeof seen - w, "%s%s: %s", w ? "; " : "",
                                  tls_wire_version_name(tls_survey_wire[v]), names);
        }
        handshake_label(ctx, attacks[a].name, label, sizeof label);
        probe_evidence(ctx, label, 0, "%s: %s", attacks[a].why, seen[0] ? seen : "none accepted");
        if (!seen[0])
            continue;
        char *list = attacks[a].status == PROBE_FAIL ? fails : warns;
        size_t n = strlen(list);
        snprintf(list + n, 512 - n, "%s%s", n ? ", " : "", attacks[a].name);
    }
    if (fails[0])
        probe_set(ctx, PROBE_FAIL, "exposed to %s%s%s", fails, warns[0] ? "; weaker: " : "", warns);
    else if (warns[0])
        probe_set(ctx, PROBE_WARN,
                  "exposed to %s (mitigated by clients today, but removable "
                  "by dropping the suites named)",
                  warns);
    else if (!sv.v[SSL3].nsuites && !sv.v[TLS10].nsuites && !sv.v[TLS11].nsuites &&
             !sv.v[TLS12].nsuites)
        probe_set(ctx, PROBE_ERROR,
                  "cannot decide: no suite was accepted at any version the "
                  "server answered at");
    else
        probe_set(ctx, PROBE_PASS,
                  "none of DROWN, POODLE, FREAK, SWEET32, BEAST, LUCKY13 "
                  "applies to the versions and suites accepted");
}

const struct probe probe_s_tls_known_attacks = {
    .id = "S-TLS-KNOWN-ATTACKS",
    .group = GROUP_S,
    .title = "Named attacks from versions and suites: DROWN, POODLE, FREAK, SWEET32, BEAST, "
             "LUCKY13",
    .severity = SEV_HIGH,
    .rationale = "Each of these attacks needs only a protocol version or suite the server "
                 "still accepts; the scanner's survey shows which.",
    .remediation = "Accept only TLS 1.2 and 1.3 with AEAD suites (Mozilla intermediate): that "
                   "removes every one of them.",
    .references = "https://drownattack.com/ https://www.openssl.org/~bodo/ssl-poodle.pdf "
                  "https://sweet32.info/ https://www.rfc-editor.org/rfc/rfc7457",
    .run = run_attacks,
};
