#include "probes/tls.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "probes/conn_gate.h"
#include "probes/net.h"

enum { DEFAULT_TIMEOUT_MS = 10000 };

/* Everything OpenSSL can negotiate; PSK and SRP need credentials a prober does not have. */
#define ALL_SUITES "ALL:COMPLEMENTOFALL:!PSK:!SRP:@SECLEVEL=0"

const char *tls_version_name(int version)
{
    switch (version) {
    case SSL3_VERSION:
        return "SSL 3.0";
    case TLS1_VERSION:
        return "TLS 1.0";
    case TLS1_1_VERSION:
        return "TLS 1.1";
    case TLS1_2_VERSION:
        return "TLS 1.2";
    case TLS1_3_VERSION:
        return "TLS 1.3";
    default:
        return "unknown";
    }
}

static void ssl_error(char *buf, size_t len, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    if (e) {
        char es[200];
        ERR_error_string_n(e, es, sizeof es);
        /* "error:0A000410:SSL routines::sslv3 alert handshake failure" -> after the last ':' */
        const char *short_reason = strrchr(es, ':');
        snprintf(buf, len, "%s: %s", what, short_reason ? short_reason + 1 : es);
    } else {
        snprintf(buf, len, "%s", what);
    }
    ERR_clear_error();
}

static int set_alpn(SSL *ssl, const char *list)
{
    unsigned char wire[64];
    size_t w = 0;
    while (*list) {
        size_t n = strcspn(list, ",");
        if (n == 0 || n > 255 || w + 1 + n > sizeof wire)
            return -1;
        wire[w++] = (unsigned char)n;
        memcpy(wire + w, list, n);
        w += n;
        list += n;
        if (*list == ',')
            list++;
    }
    return SSL_set_alpn_protos(ssl, wire, (unsigned)w) == 0 ? 0 : -1;
}

int tls_host_is_ip(const char *host)
{
    return strspn(host, "0123456789.") == strlen(host) || strchr(host, ':');
}

/* A client-initiated renegotiation on the finished handshake: the server completes it, refuses
 * (no_renegotiation alert, a close), or does not answer by the deadline. */
static void renegotiate(SSL *ssl, int fd, uint64_t deadline, atomic_int *cancel,
                        struct tls_outcome *out)
{
    if (SSL_renegotiate(ssl) != 1) {
        ssl_error(out->reneg_error, sizeof out->reneg_error, "not sent");
        return;
    }
    for (;;) {
        int r = SSL_do_handshake(ssl);
        if (r == 1 && !SSL_renegotiate_pending(ssl)) {
            out->renegotiation = TLS_RENEG_ACCEPTED;
            return;
        }
        int e = SSL_get_error(ssl, r);
        if (r == 1 || e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (!net_wait(fd, e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline, cancel)) {
                out->renegotiation = TLS_RENEG_NO_ANSWER;
                snprintf(out->reneg_error, sizeof out->reneg_error, "no answer by the timeout");
                return;
            }
            continue;
        }
        out->renegotiation = TLS_RENEG_REFUSED;
        if (e == SSL_ERROR_ZERO_RETURN)
            snprintf(out->reneg_error, sizeof out->reneg_error, "connection closed (close_notify)");
        else if (e == SSL_ERROR_SYSCALL && !ERR_peek_error())
            snprintf(out->reneg_error, sizeof out->reneg_error, "connection closed");
        else
            ssl_error(out->reneg_error, sizeof out->reneg_error, "refused");
        return;
    }
}

/* The stapled OCSP response and the SCTs, copied out of the connection before it is freed.
 * An SCT is copied through its wire form: OpenSSL has no SCT_dup. */
static void keep_status(SSL *ssl, struct tls_outcome *out)
{
    const unsigned char *resp = NULL;
    long n = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
    if (resp && n > 0 && (out->ocsp = OPENSSL_memdup(resp, (size_t)n)) != NULL)
        out->ocsp_len = (size_t)n;
    const STACK_OF(SCT) *scts = SSL_get0_peer_scts(ssl);
    for (int i = 0; i < sk_SCT_num(scts); i++) {
        const SCT *sct = sk_SCT_value(scts, i);
        unsigned char *wire = NULL;
        int len = i2o_SCT(sct, &wire);
        const unsigned char *p = wire;
        SCT *copy = len > 0 ? o2i_SCT(NULL, &p, (size_t)len) : NULL;
        OPENSSL_free(wire);
        if (!copy)
            continue;
        SCT_set_source(copy, SCT_get_source(sct));
        if (!out->scts)
            out->scts = sk_SCT_new_null();
        if (!out->scts || !sk_SCT_push(out->scts, copy))
            SCT_free(copy);
    }
}

int tls_try(struct probe_ctx *ctx, const struct tls_attempt *a, struct tls_outcome *out)
{
    memset(out, 0, sizeof *out);
    const struct target *t = &ctx->cfg->target;
    uint64_t timeout = t->timeout_ms ? t->timeout_ms : DEFAULT_TIMEOUT_MS;
    uint64_t deadline = probe_now_ms() + timeout;
    if (deadline > ctx->deadline_ms)
        deadline = ctx->deadline_ms;
    ERR_clear_error();

    SSL_CTX *sctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = NULL;
    int fd = -1, rc = -1;
    unsigned slot = 0;
    if (!sctx) {
        ssl_error(out->error, sizeof out->error, "cannot create a TLS context");
        goto out;
    }
    SSL_CTX_set_security_level(sctx, 0);
    SSL_CTX_set_options(sctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF);
    /* Verification is recorded (SSL_get_verify_result), never enforced: the probe judges. */
    SSL_CTX_set_verify(sctx, SSL_VERIFY_NONE, NULL);
    /* With status_request nothing is trusted, so nothing verifies: OpenSSL checks SCTs only
     * on a verified chain, and that check queues an error for an SCT list it cannot parse,
     * which fails the handshake under way. The probes asking for status judge the chain with
     * their own store (probes/cert_probe.h). */
    if (t->ca_file && !a->status_request) {
        if (SSL_CTX_load_verify_locations(sctx, t->ca_file, NULL) != 1) {
            ssl_error(out->error, sizeof out->error, "cannot load target.tls.ca_file");
            goto out;
        }
    } else if (!a->status_request) {
        SSL_CTX_set_default_verify_paths(sctx);
    }
    if (a->version) {
        SSL_CTX_set_min_proto_version(sctx, a->version);
        SSL_CTX_set_max_proto_version(sctx, a->version);
    } else {
        SSL_CTX_set_min_proto_version(sctx, TLS1_VERSION);
    }
    if (SSL_CTX_set_cipher_list(sctx, a->cipher_list ? a->cipher_list : ALL_SUITES) != 1 ||
        (a->ciphersuites && SSL_CTX_set_ciphersuites(sctx, a->ciphersuites) != 1)) {
        ssl_error(out->error, sizeof out->error, "cipher list not supported by this OpenSSL");
        goto out;
    }
    ssl = SSL_new(sctx);
    if (!ssl || (a->alpn && set_alpn(ssl, a->alpn) != 0)) {
        ssl_error(out->error, sizeof out->error, "cannot set up the TLS session");
        goto out;
    }
    if (!tls_host_is_ip(t->base.host))
        SSL_set_tlsext_host_name(ssl, t->base.host);
    /* Enabling CT makes OpenSSL send the status_request and signed_certificate_timestamp
     * extensions and collect the SCTs; its check itself never runs (nothing verifies, above),
     * and would not end the handshake in permissive mode anyway. */
    if (a->status_request && (SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) != 1 ||
                              SSL_enable_ct(ssl, SSL_CT_VALIDATION_PERMISSIVE) != 1)) {
        ssl_error(out->error, sizeof out->error, "cannot ask for OCSP stapling and SCTs");
        goto out;
    }

    slot = conn_gate_take_socket(ctx, t->base.host, deadline, out->error, sizeof out->error);
    if (!slot)
        goto out;
    fd = net_connect(t->base.host, t->base.port, deadline, ctx->cancelled, out->error,
                     sizeof out->error);
    if (fd < 0)
        goto out;
    out->connected = 1;
    SSL_set_fd(ssl, fd);
    for (;;) {
        int r = SSL_connect(ssl);
        if (r == 1)
            break;
        int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (!net_wait(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline,
                          ctx->cancelled)) {
                snprintf(out->error, sizeof out->error, "TLS handshake timed out");
                goto out;
            }
            continue;
        }
        if (e == SSL_ERROR_SYSCALL && !ERR_peek_error())
            snprintf(out->error, sizeof out->error, "handshake refused: connection closed");
        else
            ssl_error(out->error, sizeof out->error, "handshake refused");
        goto out;
    }
    out->ok = 1;
    out->version = SSL_version(ssl);
    out->cipher = SSL_get_current_cipher(ssl);
    const unsigned char *proto = NULL;
    unsigned plen = 0;
    SSL_get0_alpn_selected(ssl, &proto, &plen);
    if (plen && plen < sizeof out->alpn) {
        memcpy(out->alpn, proto, plen);
        out->alpn[plen] = '\0';
    }
    out->verify_result = SSL_get_verify_result(ssl);
    out->cert = SSL_get1_peer_certificate(ssl);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    if (chain)
        out->chain = X509_chain_up_ref(chain);
    if (a->renegotiate && out->version <= TLS1_2_VERSION)
        renegotiate(ssl, fd, deadline, ctx->cancelled, out);
    if (a->status_request)
        keep_status(ssl, out);
    rc = 0;
out:
    if (ssl) {
        if (out->ok)
            SSL_shutdown(ssl); /* best effort close_notify; the socket is non-blocking */
        SSL_free(ssl);
    }
    SSL_CTX_free(sctx);
    if (fd >= 0)
        close(fd);
    conn_gate_give(t->base.host, slot);
    ERR_clear_error();
    return rc;
}

void tls_outcome_free(struct tls_outcome *o)
{
    X509_free(o->cert);
    if (o->chain)
        sk_X509_pop_free(o->chain, X509_free);
    OPENSSL_free(o->ocsp);
    SCT_LIST_free(o->scts);
    o->cert = NULL;
    o->chain = NULL;
    o->ocsp = NULL;
    o->ocsp_len = 0;
    o->scts = NULL;
}
