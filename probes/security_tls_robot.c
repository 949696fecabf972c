/* S-TLS-ROBOT: Bleichenbacher's padding oracle on RSA key exchange (ROBOT), where the server
 * offers RSA key exchange at all. As the ROBOT paper's test does: five handshakes, each sending a
 * ClientKeyExchange whose premaster secret is encrypted to the server's key (raw RSA, the
 * padding built here) in one of five shapes, one correct and four malformed, then
 * ChangeCipherSpec and a Finished the server cannot verify. A server without an oracle reacts
 * the same way to all five; any difference is an oracle. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "probes/catalog.h"
#include "probes/tls_probe.h"
#include "probes/tls_session.h"

enum {
    CONTENT_CCS = 20,
    CONTENT_HANDSHAKE = 22,
    HS_CLIENT_KEY_EXCHANGE = 16,
    PMS_LEN = 48,
    MAX_MODULUS = 1024, /* bytes: 8192-bit keys */
    ANSWER_WAIT_MS = 3000,
    NSHAPES = 5,
};

static int rsa_kx_suite(const struct tls_suite *su)
{
    return strncmp(su->kx, "RSA", 3) == 0;
}

static const char *const shape_names[NSHAPES] = {
    "correct padding", "wrong first bytes (0x41 0x17)", "0x00 in the padding (wrong length)",
    "no 0x00 separator", "wrong version bytes (0x0202)"};

/* The k-byte block PKCS#1 v1.5 would encrypt for a premaster secret, in the given shape. */
static int padded(int shape, uint16_t version, uint8_t *block, size_t k)
{
    if (k < PMS_LEN + 11 || RAND_bytes(block, (int)k) != 1)
        return -1;
    for (size_t i = 2; i < k - PMS_LEN - 1; i++)
        if (block[i] == 0)
            block[i] = 0x5a; /* PKCS#1 padding bytes are never zero */
    block[0] = 0x00;
    block[1] = 0x02;
    block[k - PMS_LEN - 1] = 0x00;
    block[k - PMS_LEN] = (uint8_t)(version >> 8);
    block[k - PMS_LEN + 1] = (uint8_t)version;
    if (shape == 1) {
        block[0] = 0x41;
        block[1] = 0x17;
    } else if (shape == 2) {
        block[k - PMS_LEN - 9] = 0x00;
    } else if (shape == 3) {
        block[k - PMS_LEN - 1] = 0x11;
    } else if (shape == 4) {
        block[k - PMS_LEN] = 0x02;
        block[k - PMS_LEN + 1] = 0x02;
    }
    return 0;
}

/* Raw RSA (no padding: the block is already padded) with the leaf's key. Returns the
 * ciphertext length, 0 when the leaf has no RSA key. */
static size_t encrypt_raw(const uint8_t *leaf, size_t leaf_len, int shape, uint16_t version,
                          uint8_t *out, size_t cap)
{
    const unsigned char *p = leaf;
    X509 *cert = d2i_X509(NULL, &p, (long)leaf_len);
    EVP_PKEY *pk = cert ? X509_get0_pubkey(cert) : NULL;
    EVP_PKEY_CTX *pctx =
        pk && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA ? EVP_PKEY_CTX_new(pk, NULL) : NULL;
    size_t k = pk ? (size_t)EVP_PKEY_get_size(pk) : 0, n = cap;
    uint8_t block[MAX_MODULUS];
    int ok = pctx && k <= sizeof block && k <= cap && padded(shape, version, block, k) == 0 &&
             EVP_PKEY_encrypt_init(pctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_NO_PADDING) == 1 &&
             EVP_PKEY_encrypt(pctx, out, &n, block, k) == 1;
    EVP_PKEY_CTX_free(pctx);
    X509_free(cert);
    return ok ? n : 0;
}

/* One handshake with the premaster secret in the given shape: the server's reaction into why
 * ("alert bad record mac (20)", "connection closed", ...). 0, or -1 when the exchange could not
 * be made (why says what happened instead). */
static int one_shape(struct tls_scan *s, uint16_t version, int shape, char *why, size_t len)
{
    uint16_t suites[TLS_SCAN_MAX_SUITES];
    struct tls_hello h;
    tls_probe_hello(&h, s, version, rsa_kx_suite, suites);
    struct tls_session t;
    struct tls_flight f;
    int rc = -1;
    if (tls_session_open(&t, s, &h, &f) != TLS_REPLY_HELLO) {
        tls_flight_describe(&f, why, len);
    } else {
        uint8_t msg[11 + MAX_MODULUS + 6 + 5 + 64];
        size_t n = encrypt_raw(f.leaf, f.leaf_len, shape, version, msg + 11, MAX_MODULUS);
        if (!n) {
            snprintf(why, len, "no RSA key in the server's first certificate");
        } else {
            /* ClientKeyExchange (encrypted secret with its 2-byte length), ChangeCipherSpec,
             * and 64 bytes where the encrypted Finished would be. */
            tls_record_header(msg, CONTENT_HANDSHAKE, version, n + 6);
            msg[5] = HS_CLIENT_KEY_EXCHANGE;
            msg[6] = 0;
            msg[7] = (uint8_t)((n + 2) >> 8);
            msg[8] = (uint8_t)(n + 2);
            msg[9] = (uint8_t)(n >> 8);
            msg[10] = (uint8_t)n;
            size_t w = 11 + n;
            tls_record_header(msg + w, CONTENT_CCS, version, 1);
            msg[w + 5] = 1;
            w += 6;
            tls_record_header(msg + w, CONTENT_HANDSHAKE, version, 64);
            if (RAND_bytes(msg + w + 5, 64) != 1)
                memset(msg + w + 5, 0x5a, 64);
            w += 5 + 64;
            struct tls_after a = {.kind = TLS_AFTER_CLOSED};
            if (tls_session_send(&t, msg, w) == 0) {
                tls_session_after(&t, ANSWER_WAIT_MS, &a);
                rc = 0;
            }
            tls_after_describe(&a, why, len);
        }
    }
    tls_session_close(&t);
    return rc;
}

static void run_robot(struct probe_ctx *ctx)
{
    struct tls_scan s;
    struct tls_offered o;
    if (tls_probe_start(ctx, &s, &o) != 0)
        return;
    char label[400], why[160], found[256] = "";
    size_t w = 0;
    int undecided = 0;
    uint16_t oracle_version = 0;
    for (int i = 0; i < TLS_SURVEY_VERSIONS; i++) {
        if (!o.offered[i])
            continue;
        uint16_t v = tls_survey_wire[i], suites[TLS_SCAN_MAX_SUITES];
        struct tls_hello h;
        tls_probe_hello(&h, &s, v, rsa_kx_suite, suites);
        struct tls_reply r;
        tls_survey_hello(&s, &h, &r);
        tls_reply_describe(&r, why, sizeof why);
        const struct tls_suite *su = r.kind == TLS_REPLY_HELLO ? tls_suite_find(r.suite) : NULL;
        char what[48];
        snprintf(what, sizeof what, "%s RSA key exchange", tls_wire_version_name(v));
        handshake_label(ctx, what, label, sizeof label);
        probe_evidence(ctx, label, 0,
                       "sent a ClientHello offering only the %zu RSA key-exchange suites: %s%s",
                       h.nsuites, su ? "accepted " : why, su ? su->name : "");
        if (su && rsa_kx_suite(su) && w < sizeof found) {
            w += (size_t)snprintf(found + w, sizeof found - w, "%s%s at %s", w ? ", " : "",
                                  su->name, tls_wire_version_name(v));
            if (v >= TLS_WIRE_TLS10)
                oracle_version = v; /* the highest TLS version with RSA key exchange */
        }
        undecided += tls_reply_undecided(&r);
    }
    if (!found[0]) {
        scan_end(ctx, &s, 1, 1);
        if (undecided)
            tls_probe_undecided(ctx, "the RSA key-exchange hellos", why);
        else
            probe_set(ctx, PROBE_PASS, "no RSA key exchange offered: ROBOT cannot apply");
        return;
    }
    if (!oracle_version) {
        scan_end(ctx, &s, 1, 1);
        probe_set(ctx, PROBE_WARN,
                  "RSA key exchange offered (%s), only at SSL 3.0: the oracle was not tested "
                  "(the test sends TLS 1.0-1.2 ClientKeyExchange messages)",
                  found);
        return;
    }
    char reactions[NSHAPES][160];
    int odd = -1, failed = -1;
    for (int shape = 0; shape < NSHAPES && failed < 0 && !probe_should_stop(ctx); shape++) {
        if (one_shape(&s, oracle_version, shape, reactions[shape], sizeof reactions[shape]) != 0)
            failed = shape;
        if (odd < 0 && strcmp(reactions[shape], reactions[0]) != 0)
            odd = shape;
        char what[96];
        snprintf(what, sizeof what, "ROBOT %s", shape_names[shape]);
        handshake_label(ctx, what, label, sizeof label);
        probe_evidence(ctx, label, 0,
                       "sent a %s handshake with a ClientKeyExchange (premaster secret with %s), "
                       "ChangeCipherSpec and a Finished it cannot verify; answer: %s",
                       tls_wire_version_name(oracle_version), shape_names[shape], reactions[shape]);
    }
    /* A difference counts once it repeats: the correct and the odd shape sent again. */
    int repeated = 0;
    if (failed < 0 && odd > 0 && !probe_should_stop(ctx)) {
        char again[2][160] = {"not sent", "not sent"};
        repeated = one_shape(&s, oracle_version, 0, again[0], sizeof again[0]) == 0 &&
                   one_shape(&s, oracle_version, odd, again[1], sizeof again[1]) == 0 &&
                   strcmp(again[0], reactions[0]) == 0 && strcmp(again[1], reactions[odd]) == 0;
        handshake_label(ctx, "ROBOT repeated", label, sizeof label);
        probe_evidence(ctx, label, 0, "sent correct padding and %s again; answers: %s, %s",
                       shape_names[odd], again[0], again[1]);
    }
    scan_end(ctx, &s, 1, 1);
    if (probe_should_stop(ctx))
        return;
    if (failed >= 0)
        probe_set(ctx, PROBE_ERROR,
                  "RSA key exchange offered (%s), but the oracle test could not be run: %s", found,
                  reactions[failed]);
    else if (odd > 0 && repeated)
        probe_set(ctx, PROBE_FAIL,
                  "ROBOT: the server tells RSA paddings apart (%s: %s; correct padding: %s, both "
                  "repeated), an oracle that decrypts recorded sessions or signs with its key",
                  shape_names[odd], reactions[odd], reactions[0]);
    else if (odd > 0)
        probe_set(ctx, PROBE_ERROR,
                  "cannot decide: the answers to the five paddings differed once but did not "
                  "repeat (%s: %s; correct padding: %s)",
                  shape_names[odd], reactions[odd], reactions[0]);
    else
        probe_set(ctx, PROBE_WARN,
                  "RSA key exchange offered (%s): no oracle, the same answer (%s) to all five "
                  "paddings, but RSA key exchange has no forward secrecy",
                  found, reactions[0]);
}

const struct probe probe_s_tls_robot = {
    .id = "S-TLS-ROBOT",
    .group = GROUP_S,
    .title = "ROBOT: Bleichenbacher's oracle on RSA key exchange",
    .severity = SEV_HIGH,
    .rationale = "With RSA key exchange, a server whose answers differ on bad PKCS#1 padding "
                 "(ROBOT) lets an attacker decrypt recorded sessions or sign with its key; "
                 "RSA key exchange also has no forward secrecy.",
    .remediation = "Offer only ECDHE (or DHE) suites: drop TLS_RSA_WITH_* (nginx: "
                   "ssl_ciphers with ECDHE suites only); patch the TLS library.",
    .references = "https://robotattack.org/",
    .run = run_robot,
};
