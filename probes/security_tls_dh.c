/* S-TLS-DH-PARAMS: the key-exchange groups (LOGJAM): the DHE prime size from the
 * ServerKeyExchange, export-grade DHE accepted, and which ECDHE curves the server accepts. */
#include <stdio.h>
#include <string.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"
#include "probes/tls_session.h"

enum { DH_FAIL_BITS = 1024, DH_WARN_BITS = 2048, CURVE_WARN_BITS = 256 };

static int dhe_suite(const struct tls_suite *su)
{
    return strcmp(su->kx, "DHE") == 0;
}

static int export_dhe_suite(const struct tls_suite *su)
{
    return strcmp(su->kx, "DHE(512)") == 0;
}

static int ecdhe_suite(const struct tls_suite *su)
{
    return strcmp(su->kx, "ECDHE") == 0;
}

static const struct curve {
    uint16_t id;
    const char *name;
    unsigned bits; /* security-equivalent size for judging */
} curves[] = {
    {0x001d, "x25519", 256},          {0x001e, "x448", 448},
    {0x0017, "secp256r1", 256},       {0x0018, "secp384r1", 384},
    {0x0019, "secp521r1", 521},       {0x001a, "brainpoolP256r1", 256},
    {0x001b, "brainpoolP384r1", 384}, {0x001c, "brainpoolP512r1", 512},
    {0x0015, "secp224r1", 224},       {0x0013, "secp192r1", 192},
};
enum { NCURVES = sizeof curves / sizeof *curves };

/* Curves only, no RFC 7919 ffdhe group: a DHE suite then runs on the server's own configured
 * group, the one every client without ffdhe support gets. */
static const uint16_t no_ffdhe[] = {0x001d, 0x0017, 0x0018};

/* A hello at version with the suites keep accepts and the ngroups groups in supported_groups,
 * read through ServerHelloDone. Returns the flight's kind. */
static enum tls_reply_kind flight_for(struct tls_scan *s, uint16_t version,
                                      int (*keep)(const struct tls_suite *), const uint16_t *group,
                                      size_t ngroups, struct tls_flight *f)
{
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    struct tls_hello h;
    tls_probe_hello(&h, s, version, keep, suites);
    h.groups = group;
    h.ngroups = ngroups;
    if (!h.nsuites) {
        memset(f, 0, sizeof *f);
        return f->kind = TLS_REPLY_ALERT; /* nothing to offer at this version: refused */
    }
    struct tls_session t;
    enum tls_reply_kind k = tls_session_open(&t, s, &h, f);
    tls_session_close(&t);
    return k;
}

static void run_dh(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    char label[400], why[160], problems[512] = "", warnings[512] = "";
    const char *version = tls_wire_version_name(o.highest);
    int undecided = 0;
    unsigned dh_bits = 0;

    struct tls_flight f;
    enum tls_reply_kind k =
        flight_for(&s, o.highest, dhe_suite, no_ffdhe, sizeof no_ffdhe / sizeof *no_ffdhe, &f);
    tls_flight_describe(&f, why, sizeof why);
    handshake_label(ctx, "DHE", label, sizeof label);
    const struct tls_suite *su = tls_suite_find(f.hello.suite);
    if (k == TLS_REPLY_HELLO && f.dh_bits) {
        dh_bits = f.dh_bits;
        probe_evidence(ctx, label, 0,
                       "sent a %s ClientHello offering only DHE suites and no ffdhe group; the "
                       "server chose %s with a %u-bit prime",
                       version, su ? su->name : "?", f.dh_bits);
        if (f.dh_bits <= DH_FAIL_BITS)
            snprintf(problems, sizeof problems,
                     "DHE with a %u-bit prime (LOGJAM: <= %d bits "
                     "is within reach of precomputation)",
                     f.dh_bits, DH_FAIL_BITS);
        else if (f.dh_bits < DH_WARN_BITS)
            snprintf(warnings, sizeof warnings, "DHE with a %u-bit prime (under %d bits)",
                     f.dh_bits, DH_WARN_BITS);
    } else {
        probe_evidence(ctx, label, 0, "sent a %s ClientHello offering only DHE suites: %s", version,
                       k == TLS_REPLY_HELLO ? "no DH parameters in the answer" : why);
        undecided += tls_reply_undecided(&(struct tls_reply){.kind = k});
    }

    /* Export DHE at the lowest version offered: where an old server still has it. */
    uint16_t lowest = o.highest;
    for (int i = TLS_SURVEY_VERSIONS - 1; i >= 0; i--)
        if (o.offered[i])
            lowest = tls_survey_wire[i];
    k = flight_for(&s, lowest, export_dhe_suite, no_ffdhe, sizeof no_ffdhe / sizeof *no_ffdhe, &f);
    tls_flight_describe(&f, why, sizeof why);
    handshake_label(ctx, "EXPORT DHE", label, sizeof label);
    su = tls_suite_find(f.hello.suite);
    if (f.hello.kind == TLS_REPLY_HELLO && su && export_dhe_suite(su)) {
        probe_evidence(ctx, label, 0,
                       "sent a %s ClientHello offering only EXPORT DHE suites; "
                       "the server chose %s",
                       tls_wire_version_name(lowest), su->name);
        size_t n = strlen(problems);
        snprintf(problems + n, sizeof problems - n, "%sexport-grade DHE accepted (%s)",
                 n ? "; " : "", su->name);
    } else {
        probe_evidence(ctx, label, 0,
                       "sent a %s ClientHello offering only EXPORT DHE suites: "
                       "%s",
                       tls_wire_version_name(lowest),
                       k == TLS_REPLY_HELLO ? "accepted "
                                              "another suite"
                                            : why);
        undecided += tls_reply_undecided(&(struct tls_reply){.kind = k});
    }

    /* ECDHE: one hello per curve, only that curve in supported_groups. */
    char accepted[256] = "", weak[128] = "";
    size_t wa = 0, ww = 0;
    for (size_t i = 0; i < NCURVES && !probe_should_stop(ctx); i++) {
        k = flight_for(&s, o.highest, ecdhe_suite, &curves[i].id, 1, &f);
        if (k == TLS_REPLY_HELLO && f.curve == curves[i].id) {
            wa += (size_t)snprintf(accepted + wa, sizeof accepted - wa, "%s%s", wa ? " " : "",
                                   curves[i].name);
            if (curves[i].bits < CURVE_WARN_BITS)
                ww += (size_t)snprintf(weak + ww, sizeof weak - ww, "%s%s", ww ? " " : "",
                                       curves[i].name);
        }
        undecided += tls_reply_undecided(&(struct tls_reply){.kind = k});
        if (wa >= sizeof accepted || ww >= sizeof weak)
            break;
    }
    handshake_label(ctx, "ECDHE groups", label, sizeof label);
    probe_evidence(ctx, label, 0,
                   "sent a %s ClientHello offering only ECDHE suites per curve (%d curves): "
                   "accepted %s",
                   version, NCURVES, accepted[0] ? accepted : "none");
    if (weak[0]) {
        size_t n = strlen(warnings);
        snprintf(warnings + n, sizeof warnings - n, "%sECDHE curves under %d bits: %s",
                 n ? "; " : "", CURVE_WARN_BITS, weak);
    }
    scan_end(ctx, &s, 1, 1);
    if (problems[0])
        probe_set(ctx, PROBE_FAIL, "%s", problems);
    else if (warnings[0])
        probe_set(ctx, PROBE_WARN, "%s", warnings);
    else if (undecided)
        probe_set(ctx, PROBE_ERROR,
                  "cannot decide: %d of the key-exchange hellos got an "
                  "answer that is not TLS or none (evidence names them)",
                  undecided);
    else if (dh_bits)
        probe_set(ctx, PROBE_PASS, "no weak key exchange: DHE with %u bits, ECDHE curves %s",
                  dh_bits, accepted[0] ? accepted : "none");
    else
        probe_set(ctx, PROBE_PASS, "no weak key exchange: no DHE, ECDHE curves %s",
                  accepted[0] ? accepted : "none");
}

const struct probe probe_s_tls_dh_params = {
    .id = "S-TLS-DH-PARAMS",
    .group = GROUP_S,
    .title = "Key exchange: DH parameter size, export DH (LOGJAM), ECDHE curves",
    .severity = SEV_HIGH,
    .rationale = "A 1024-bit (or export 512-bit) DH group can be broken by precomputation "
                 "(LOGJAM) and the recorded traffic decrypted; small curves give the same "
                 "weakness on ECDHE.",
    .remediation = "Use ECDHE with x25519/secp256r1 or DHE with a 2048-bit or larger group "
                   "(RFC 7919 ffdhe2048; nginx: ssl_dhparam with a 2048-bit file), and no "
                   "export suites.",
    .references = "https://weakdh.org/ https://www.rfc-editor.org/rfc/rfc7919",
    .run = run_dh,
};
