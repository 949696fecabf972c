#include <stdio.h>

#include "probes/tls_hello.h"
#include "probes/tls_probe.h"

void tls_probe_undecided(struct probe_ctx *ctx, const char *sent, const char *class_name)
{
    probe_set(ctx, PROBE_ERROR, "cannot decide: the answer to %s was %s", sent, class_name);
}

int tls_probe_start(struct probe_ctx *ctx, struct tls_scan *s, struct tls_offered *o)
{
    char err[256], label[400], why[128];
    if (!needs_tls(ctx))
        return -1;
    if (scan_begin(ctx, s, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_ERROR, "cannot connect: %s", err);
        return -1;
    }
    tls_survey_offered(s, o);
    char list[96] = "";
    size_t w = 0;
    for (int i = 0; i < TLS_SURVEY_VERSIONS && w < sizeof list; i++)
        if (o->offered[i])
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", w ? ", " : "",
                                  tls_wire_version_name(tls_survey_wire[i]));
    tls_reply_describe(&o->why, why, sizeof why);
    handshake_label(ctx, "versions answered", label, sizeof label);
    probe_evidence(ctx, label, 0, "a ClientHello per version SSL 3.0-TLS 1.2: %s",
                   list[0] ? list : "none");
    if (o->highest)
        return 0;
    if (tls_reply_undecided(&o->why))
        tls_probe_undecided(ctx, "a TLS 1.2 ClientHello", why);
    else
        probe_set(ctx, PROBE_SKIP,
                  "no version from SSL 3.0 to TLS 1.2 answered (TLS 1.2: %s): nothing to test",
                  why);
    scan_end(ctx, s, 1, 1);
    return -1;
}

void tls_probe_hello(struct tls_hello *h, const struct tls_scan *s, uint16_t version,
                     int (*keep)(const struct tls_suite *), uint16_t suites[TLS_SCAN_MAX_SUITES])
{
    *h = (struct tls_hello){
        .version = version,
        .sni = s->sni,
        .suites = suites,
        .nsuites = tls_suites_at(version, keep, suites, TLS_SCAN_MAX_SUITES),
        .reneg = TLS_RENEG_SCSV,
        .extensions = 1,
    };
}

int tls_probe_open(struct probe_ctx *ctx, struct tls_scan *s, struct tls_hello *h, const char *sent,
                   const char *label, struct tls_session *t, struct tls_flight *f)
{
    if (tls_session_open(t, s, h, f) == TLS_REPLY_HELLO)
        return 0;
    char why[160];
    tls_flight_describe(f, why, sizeof why);
    probe_evidence(ctx, label, 0, "sent %s; answer: %s", sent, why);
    tls_probe_undecided(ctx, sent, why);
    tls_session_close(t);
    scan_end(ctx, s, 1, 1);
    return -1;
}

void tls_probe_survey(struct probe_ctx *ctx, struct tls_scan *s, int with_sslv2,
                      struct tls_survey *sv)
{
    struct tls_scan_pool pool = {
        .held = 1, .most = TLS_SURVEY_IN_FLIGHT, .take = take_slots, .arg = ctx};
    tls_survey_run(s, &pool, with_sslv2, sv);
    scan_end(ctx, s, pool.held, pool.peak);
}
