#include "probes/cert_probe.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/url.h"

int cert_probe_handshake(struct probe_ctx *ctx, struct tls_outcome *o, char *label, size_t labellen)
{
    const struct url *u = &ctx->cfg->target.base;
    memset(o, 0, sizeof *o);
    if (!u->tls) {
        probe_set(ctx, PROBE_SKIP, "target.base_url is plain http: no certificate to inspect");
        ctx->result->cause = CAUSE_NO_TLS;
        return -1;
    }
    char hostport[URL_HOST_MAX + 16];
    url_host_header(u, hostport, sizeof hostport);
    snprintf(label, labellen, "TLS handshake %s (status_request, signed_certificate_timestamp)",
             hostport);
    struct tls_attempt a = {.status_request = 1};
    if (tls_try(ctx, &a, o) == 0 && o->cert)
        return 0;
    const char *why = o->error[0] ? o->error : "the server sent no certificate";
    probe_evidence(ctx, label, 0, "%s", why);
    probe_set(ctx, PROBE_ERROR, "no certificate to inspect: %s", why);
    tls_outcome_free(o);
    return -1;
}

X509_STORE *cert_probe_trust(const struct probe_ctx *ctx, char *err, size_t errlen)
{
    const char *file = ctx->cfg->target.ca_file;
    X509_STORE *store = X509_STORE_new();
    int ok = store && (file ? X509_STORE_load_file(store, file) == 1
                            : X509_STORE_set_default_paths(store) == 1);
    ERR_clear_error();
    if (ok)
        return store;
    snprintf(err, errlen, "cannot load the trust anchors from %s",
             file ? file : "the system store");
    X509_STORE_free(store);
    return NULL;
}

static int signed_by(X509 *cert, X509 *issuer)
{
    EVP_PKEY *key = X509_get0_pubkey(issuer);
    int ok = key && X509_check_issued(issuer, cert) == X509_V_OK && X509_verify(cert, key) == 1;
    ERR_clear_error();
    return ok;
}

int cert_probe_self_issued(X509 *cert)
{
    return signed_by(cert, cert);
}

X509 *cert_probe_issuer(X509 *cert, const STACK_OF(X509) * sent, X509_STORE *store, int *owned)
{
    *owned = 0;
    for (int i = 0; i < sk_X509_num(sent); i++) {
        X509 *c = sk_X509_value(sent, i);
        if (X509_cmp(c, cert) != 0 && signed_by(cert, c))
            return c;
    }
    if (!store)
        return NULL;
    X509 *found = NULL;
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    if (sctx && X509_STORE_CTX_init(sctx, store, cert, NULL) == 1 &&
        X509_STORE_CTX_get1_issuer(&found, sctx, cert) == 1 && !signed_by(cert, found)) {
        X509_free(found);
        found = NULL;
    }
    X509_STORE_CTX_free(sctx);
    ERR_clear_error();
    *owned = found != NULL;
    return found;
}

/* Everything printed into b, as a C string in buf; frees b. */
static void drain(BIO *b, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!b)
        return;
    int r = BIO_read(b, buf, (int)len - 1);
    buf[r > 0 ? r : 0] = '\0';
    BIO_free(b);
}

void cert_probe_subject(X509 *cert, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (b)
        X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
                           XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    drain(b, buf, len);
}

void cert_probe_time(const ASN1_TIME *t, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (b)
        ASN1_TIME_print(b, t);
    drain(b, buf, len);
}

void cert_probe_add(char *buf, size_t len, const char *text)
{
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? "; " : "", text);
}

void cert_probe_verdict(struct probe_ctx *ctx, const char *fail, const char *warn,
                        const char *pass_text)
{
    if (fail[0])
        probe_set(ctx, PROBE_FAIL, "%s%s%s", fail, warn[0] ? "; " : "", warn);
    else if (warn[0])
        probe_set(ctx, PROBE_WARN, "%s", warn);
    else
        probe_set(ctx, PROBE_PASS, "%s", pass_text);
}
