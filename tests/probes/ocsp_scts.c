/*
 * Writes a good OCSP response for a leaf that carries SCTs in its single response's
 * extension (1.3.6.1.4.1.11129.2.4.5, RFC 6962 3.3), which `openssl ocsp` cannot add: the
 * third place a server can deliver SCTs from, for S-TLS-CT's test. Signed by the issuer,
 * thisUpdate now, nextUpdate in a day; one v1 SCT per log id byte given, with a filler
 * signature (no client here checks it).
 *
 * Usage: ocsp_scts ISSUER.pem ISSUER.key LEAF.pem OUT.der LOGBYTE...   (LOGBYTE in hex)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ct.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static void *load(const char *path, int key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    void *v = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
                  : (void *)PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return v;
}

static SCT *filler_sct(unsigned char log_byte)
{
    unsigned char log_id[32], sig[64];
    memset(log_id, log_byte, sizeof log_id);
    memset(sig, 0x5a, sizeof sig);
    SCT *sct = SCT_new();
    if (!sct || SCT_set_version(sct, SCT_VERSION_V1) != 1 ||
        SCT_set1_log_id(sct, log_id, sizeof log_id) != 1 ||
        SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256) != 1 ||
        SCT_set1_signature(sct, sig, sizeof sig) != 1) {
        SCT_free(sct);
        return NULL;
    }
    SCT_set_timestamp(sct, (uint64_t)time(NULL) * 1000);
    return sct;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s ISSUER.pem ISSUER.key LEAF.pem OUT.der LOGBYTE...\n", argv[0]);
        return 2;
    }
    X509 *issuer = load(argv[1], 0), *leaf = load(argv[3], 0);
    EVP_PKEY *key = load(argv[2], 1);
    STACK_OF(SCT) *scts = sk_SCT_new_null();
    for (int i = 5; i < argc && scts; i++) {
        SCT *sct = filler_sct((unsigned char)strtoul(argv[i], NULL, 16));
        if (!sct || !sk_SCT_push(scts, sct)) {
            SCT_free(sct);
            SCT_LIST_free(scts);
            scts = NULL; /* reported below */
        }
    }
    OCSP_BASICRESP *basic = OCSP_BASICRESP_new();
    OCSP_CERTID *id = issuer && leaf ? OCSP_cert_to_id(NULL, leaf, issuer) : NULL;
    ASN1_TIME *now = X509_gmtime_adj(NULL, 0), *next = X509_gmtime_adj(NULL, 86400);
    OCSP_SINGLERESP *single =
        basic && id ? OCSP_basic_add1_status(basic, id, V_OCSP_CERTSTATUS_GOOD, 0, NULL, now, next)
                    : NULL;
    OCSP_RESPONSE *resp = NULL;
    int ok = key && scts && single &&
             OCSP_SINGLERESP_add1_ext_i2d(single, NID_ct_cert_scts, scts, 0, 0) == 1 &&
             OCSP_basic_sign(basic, issuer, key, EVP_sha256(), NULL, 0) == 1 &&
             (resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic)) != NULL;
    unsigned char *der = NULL;
    int len = ok ? i2d_OCSP_RESPONSE(resp, &der) : -1;
    FILE *out = len > 0 ? fopen(argv[4], "wb") : NULL;
    ok = out && fwrite(der, 1, (size_t)len, out) == (size_t)len;
    if (out && fclose(out) != 0)
        ok = 0;
    OPENSSL_free(der);
    if (!ok)
        fprintf(stderr, "%s: cannot make the OCSP response\n", argv[0]);
    OCSP_RESPONSE_free(resp);
    ASN1_TIME_free(now);
    ASN1_TIME_free(next);
    OCSP_CERTID_free(id);
    OCSP_BASICRESP_free(basic);
    SCT_LIST_free(scts);
    EVP_PKEY_free(key);
    X509_free(issuer);
    X509_free(leaf);
    return ok ? 0 : 1;
}
