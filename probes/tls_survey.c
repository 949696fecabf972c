#include "probes/tls_survey.h"

#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

const uint16_t tls_survey_wire[TLS_SURVEY_VERSIONS] = {TLS_WIRE_SSL3, TLS_WIRE_TLS10,
                                                       TLS_WIRE_TLS11, TLS_WIRE_TLS12};

int tls_reply_undecided(const struct tls_reply *r)
{
    return r->kind != TLS_REPLY_HELLO && r->kind != TLS_REPLY_ALERT && r->kind != TLS_REPLY_CLOSED;
}

enum tls_reply_kind tls_survey_hello(struct tls_scan *s, struct tls_hello *h, struct tls_reply *r)
{
    uint8_t hello[2048];
    if (RAND_bytes(h->random, sizeof h->random) != 1)
        memset(h->random, 0x5a, sizeof h->random);
    size_t n = tls_hello_build(h, hello, sizeof hello);
    if (!n) {
        memset(r, 0, sizeof *r);
        return r->kind = TLS_REPLY_LIMIT;
    }
    return tls_scan_exchange(s, hello, n, 0, r);
}

void tls_survey_offered(struct tls_scan *s, struct tls_offered *out)
{
    memset(out, 0, sizeof *out);
    for (int i = TLS_SURVEY_VERSIONS - 1; i >= 0; i--) {
        struct tls_reply r;
        tls_scan_offer(s, tls_survey_wire[i], &r);
        if (i == TLS_SURVEY_VERSIONS - 1)
            out->why = r;
        if (r.kind == TLS_REPLY_CONNECT || r.kind == TLS_REPLY_LIMIT)
            break;
        out->offered[i] = r.kind == TLS_REPLY_HELLO && r.version == tls_survey_wire[i];
        if (out->offered[i] && !out->highest)
            out->highest = tls_survey_wire[i];
    }
}

void tls_survey_run(struct tls_scan *s, struct tls_scan_pool *pool, int with_sslv2,
                    struct tls_survey *out)
{
    memset(out, 0, sizeof *out);
    if (with_sslv2) {
        tls_scan_sslv2(s, &out->sslv2);
        out->sslv2_accepted =
            out->sslv2.kind == TLS_REPLY_HELLO && out->sslv2.version == TLS_WIRE_SSL2;
    }
    tls_scan_pool_versions(s, pool, tls_survey_wire, TLS_SURVEY_VERSIONS, out->v);
}

size_t tls_suites_at(uint16_t version, int (*keep)(const struct tls_suite *), uint16_t *out,
                     size_t cap)
{
    size_t nall, n = 0;
    const struct tls_suite *all = tls_suites(&nall);
    for (size_t i = 0; i < nall && n < cap; i++)
        if ((version >= TLS_WIRE_TLS12 || !(all[i].flags & SUITE_TLS12)) &&
            (!keep || keep(&all[i])))
            out[n++] = all[i].id;
    return n;
}

void tls_suite_names(const uint16_t *ids, size_t n, char *buf, size_t len)
{
    size_t w = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && w < len; i++) {
        const struct tls_suite *su = tls_suite_find(ids[i]);
        w += (size_t)snprintf(buf + w, len - w, "%s%s", i ? " " : "", su ? su->name : "?");
    }
}
