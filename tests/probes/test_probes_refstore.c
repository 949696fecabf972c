/*
 * Every Security and Traffic probe against the reference store over real HTTP and TLS on
 * loopback: all pass (or skip/warn where the good store has nothing to show) on the good store,
 * and each fails, with the deciding evidence, on the broken variant made for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config_load.h"
#include "tests/probes/support.h"
#include "tests/support/check.h"

static void test_good_store(void)
{
    struct refstore rs;
    if (sup_refstore_start(&rs, NULL, NULL, NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    struct config cfg;
    CHECK(sup_config(&cfg, rs.https, rs.http, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "S,T", &rep);
    CHECK_INT_EQ(rep.count, 50);
    /* What the good store cannot show: no cache in front, HTTP/1.1 only, no GraphQL API; a
     * certificate from the test CA (no OCSP responder, no must-staple, no SCTs) for an IP
     * address (no CAA). */
    for (size_t i = 0; i < rep.count; i++) {
        const char *id = rep.items[i].probe->id;
        if (strcmp(id, "T-CACHE-HIT") == 0)
            CHECK(sup_expect(&rep, id, PROBE_SKIP, "no cache signal"));
        else if (strcmp(id, "T-HTTP2") == 0)
            CHECK(sup_expect(&rep, id, PROBE_WARN, "ALPN selected: http/1.1"));
        else if (strstr(id, "-GRAPHQL-"))
            CHECK(sup_expect(&rep, id, PROBE_SKIP, "target.graphql.path"));
        else if (strcmp(id, "S-TLS-OCSP") == 0)
            CHECK(sup_expect(&rep, id, PROBE_SKIP, "names no OCSP responder"));
        else if (strcmp(id, "S-TLS-MUST-STAPLE") == 0)
            CHECK(sup_expect(&rep, id, PROBE_SKIP, "does not demand stapling"));
        else if (strcmp(id, "S-TLS-CT") == 0)
            CHECK(sup_expect(&rep, id, PROBE_WARN, "does not chain to the system's trust store"));
        else if (strcmp(id, "S-CAA") == 0)
            CHECK(sup_expect(&rep, id, PROBE_SKIP, "is an IP address"));
        else
            CHECK(sup_expect(&rep, id, PROBE_PASS, NULL));
    }
    /* The whole audit, concurrency included, in well under the 10 s budget. */
    CHECK(rep.elapsed_ms < 10000);
    printf("good store: %zu probes in %llu ms\n", rep.count, (unsigned long long)rep.elapsed_ms);
    CHECK(sup_expect(&rep, "S-HTTPS-REDIRECT", PROBE_PASS, "301 to HTTPS"));
    CHECK(sup_expect(&rep, "S-TLS-VERSIONS", PROBE_PASS, "refused: alert protocol version"));
    /* The product page was found through the catalog, and cookies came from a real cart. */
    CHECK(sup_expect(&rep, "S-CSP", PROBE_PASS, "/products/"));
    CHECK(sup_expect(&rep, "S-CSP", PROBE_PASS, "restricts scripts, plugins and form targets"));
    CHECK(sup_expect(&rep, "S-X-FRAME-OPTIONS", PROBE_PASS, "frame-ancestors 'none'"));
    CHECK(sup_expect(&rep, "S-CORP", PROBE_PASS, "Cross-Origin-Resource-Policy same-origin"));
    CHECK(sup_expect(&rep, "S-HSTS", PROBE_PASS, "not ready for the preload list (needs preload)"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, "without a __Host- or __Secure- prefix"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, "POST https://127.0.0.1"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, "Set-Cookie: cart=[value hidden]"));
    CHECK(sup_expect(&rep, "T-RATE-LIMIT", PROBE_PASS, "Retry-After"));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_refstore_stop(&rs);
}

struct variant_case {
    const char *broken; /* --broken NAME; NULL with cert set */
    const char *cert;   /* make-certs.sh name; NULL: the good one */
    const char *probe;
    enum probe_status status;
    const char *text; /* in the reason or the evidence */
};

static const struct variant_case cases[] = {
    {"no-hsts", NULL, "S-HSTS", PROBE_FAIL, "Strict-Transport-Security: (none)"},
    {"no-https-redirect", NULL, "S-HTTPS-REDIRECT", PROBE_FAIL, "answers 200"},
    {"weak-headers", NULL, "S-CSP", PROBE_FAIL, "Content-Security-Policy"},
    {"weak-headers", NULL, "S-CSP", PROBE_FAIL, "'unsafe-inline' without a nonce or hash"},
    {"weak-headers", NULL, "S-X-FRAME-OPTIONS", PROBE_FAIL, "no frame-ancestors and no X-Frame"},
    {"weak-headers", NULL, "S-CORP", PROBE_WARN, "Cross-Origin-Resource-Policy: (none)"},
    {"weak-headers", NULL, "S-NOSNIFF", PROBE_FAIL, "X-Content-Type-Options: (none)"},
    {"weak-headers", NULL, "S-REFERRER-POLICY", PROBE_FAIL, "Referrer-Policy: (none)"},
    {"weak-headers", NULL, "S-PERMISSIONS-POLICY", PROBE_FAIL, "Permissions-Policy: (none)"},
    {"insecure-cookies", NULL, "S-COOKIE-FLAGS", PROBE_FAIL, "missing Secure HttpOnly"},
    {"bad-cookie-prefix", NULL, "S-COOKIE-FLAGS", PROBE_FAIL, "a __Host- cookie with a Domain"},
    {"hsts-bad-preload", NULL, "S-HSTS", PROBE_WARN, "preload list would refuse it"},
    {"server-version", NULL, "S-VERSION-LEAK", PROBE_FAIL, "Server: nginx/1.18.0"},
    {"server-version", NULL, "S-VERSION-LEAK", PROBE_FAIL, "X-Powered-By: PHP/7.4.3"},
    {"leak-git", NULL, "S-EXPOSED-VCS", PROBE_FAIL, "[core]"},
    {"leak-env", NULL, "S-EXPOSED-ENV", PROBE_FAIL, "GET https://127.0.0.1"},
    {"leak-env", NULL, "S-EXPOSED-ENV", PROBE_FAIL, "/.env (dotenv file)"},
    {"leak-backup", NULL, "S-EXPOSED-BACKUP", PROBE_FAIL, "/backup.sql"},
    {"admin-exposed", NULL, "S-ADMIN-SURFACE", PROBE_FAIL, "/admin (admin page)"},
    {"cors-reflect", NULL, "S-CORS", PROBE_FAIL, "Access-Control-Allow-Credentials: true"},
    {"no-sri", NULL, "S-SRI", PROBE_FAIL, "integrity: (none)"},
    {"tls-legacy", NULL, "S-TLS-VERSIONS", PROBE_FAIL, "accepts TLS 1.0 and TLS 1.1"},
    {"tls-legacy", NULL, "S-TLS-CIPHERS", PROBE_FAIL, "without forward secrecy"},
    {NULL, "expired", "S-TLS-CERT", PROBE_FAIL, "expired on"},
    {NULL, "wrong-host", "S-TLS-CERT", PROBE_FAIL, "not valid for 127.0.0.1"},
    {NULL, "self-signed", "S-TLS-CERT", PROBE_FAIL, "untrusted chain"},
    /* The other probes look past a certificate no client accepts, and say so. */
    {NULL, "self-signed", "S-HSTS", PROBE_PASS, "sent again with verification off"},
    {NULL, "self-signed", "S-NOSNIFF", PROBE_PASS, "sent again with verification off"},
    {NULL, "expiring", "S-TLS-CERT", PROBE_WARN, "certificate expires in"},
    {NULL, "weak-key", "S-TLS-CERT", PROBE_FAIL, "RSA key of 1024 bits"},
    {"no-gzip", NULL, "T-COMPRESSION", PROBE_FAIL, "Content-Encoding: (none)"},
    {"no-cache-headers", NULL, "T-STATIC-CACHE", PROBE_FAIL, "Cache-Control: (none)"},
    {"no-cache-headers", NULL, "T-CONDITIONAL-GET", PROBE_FAIL, "no ETag or Last-Modified"},
    {"public-cart-cache", NULL, "T-PRIVATE-CACHE", PROBE_FAIL, "public, max-age=300"},
    {"no-rate-limit", NULL, "T-RATE-LIMIT", PROBE_WARN, "none throttled"},
    {"rate-limit-500", NULL, "T-RATE-LIMIT", PROBE_FAIL, "got 5xx"},
    {"slow", NULL, "T-LATENCY", PROBE_FAIL, "over the 800 ms budget"},
};
enum { NCASES = sizeof cases / sizeof *cases };

static int same_server(const struct variant_case *a, const struct variant_case *b)
{
    return ((!a->broken && !b->broken) ||
            (a->broken && b->broken && !strcmp(a->broken, b->broken))) &&
           ((!a->cert && !b->cert) || (a->cert && b->cert && !strcmp(a->cert, b->cert)));
}

/* One store per variant; the probes of its consecutive cases run together. */
static void test_broken_variants(void)
{
    for (size_t i = 0; i < NCASES;) {
        size_t j = i;
        char only[512] = "";
        while (j < NCASES && same_server(&cases[i], &cases[j])) {
            if (!strstr(only, cases[j].probe))
                snprintf(only + strlen(only), sizeof only - strlen(only), "%s%s",
                         only[0] ? "," : "", cases[j].probe);
            j++;
        }
        struct refstore rs;
        if (sup_refstore_start(&rs, cases[i].cert, cases[i].broken, NULL) != 0) {
            CHECK(!"refstore started");
            i = j;
            continue;
        }
        struct config cfg;
        CHECK(sup_config(&cfg, rs.https, rs.http, NULL, NULL) == 0);
        struct engine_report rep;
        sup_run(&cfg, only, &rep);
        for (size_t k = i; k < j; k++)
            CHECK(sup_expect(&rep, cases[k].probe, cases[k].status, cases[k].text));
        engine_report_free(&rep);
        config_free(&cfg);
        sup_refstore_stop(&rs);
        i = j;
    }
}

/* A plain-http base_url: the TLS probes skip with the reason, the redirect probe fails. */
static void test_plain_http_target(void)
{
    struct refstore rs;
    if (sup_refstore_start(&rs, NULL, NULL, NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    struct config cfg;
    /* The redirect listener answers everything with 301: as a base_url it is a plain-http
     * store whose pages all move. */
    CHECK(sup_config(&cfg, 0, rs.http, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "S-TLS-VERSIONS,S-TLS-CIPHERS,S-TLS-CERT,S-HSTS,S-HTTPS-REDIRECT,T-HTTP2", &rep);
    CHECK(sup_expect(&rep, "S-TLS-VERSIONS", PROBE_SKIP, "plain http"));
    CHECK(sup_expect(&rep, "S-TLS-CIPHERS", PROBE_SKIP, "plain http"));
    CHECK(sup_expect(&rep, "S-TLS-CERT", PROBE_SKIP, "plain http"));
    CHECK(sup_expect(&rep, "S-HSTS", PROBE_SKIP, "plain http"));
    CHECK(sup_expect(&rep, "T-HTTP2", PROBE_SKIP, "plain http"));
    CHECK(sup_expect(&rep, "S-HTTPS-REDIRECT", PROBE_FAIL, "not on HTTPS"));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_refstore_stop(&rs);
}

/* The same judgments over IPv6 loopback: URLs with brackets, the certificate's IP SAN ::1. */
static void test_ipv6(void)
{
    sup_use_ipv6(1);
    struct refstore rs;
    if (sup_refstore_start(&rs, NULL, "no-hsts", NULL) != 0) {
        CHECK(!"refstore started on ::1");
        sup_use_ipv6(0);
        return;
    }
    struct config cfg;
    CHECK(sup_config(&cfg, rs.https, rs.http, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "S-TLS-VERSIONS,S-TLS-CERT,S-HTTPS-REDIRECT,S-HSTS,S-COOKIE-FLAGS", &rep);
    CHECK(sup_expect(&rep, "S-TLS-VERSIONS", PROBE_PASS, "[::1]:"));
    CHECK(sup_expect(&rep, "S-TLS-CERT", PROBE_PASS, "valid for ::1"));
    CHECK(sup_expect(&rep, "S-HTTPS-REDIRECT", PROBE_PASS, "301 to HTTPS on the same host"));
    CHECK(sup_expect(&rep, "S-HSTS", PROBE_FAIL, "GET https://[::1]:"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, NULL));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_refstore_stop(&rs);
    sup_use_ipv6(0);
}

/* Run the storecheck binary; returns its exit code, output in out. */
static int run_cli(char *const argv[], char *out, size_t len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/cli.out", sup_scratch());
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(path, "w", stdout);
        if (!f || !freopen(path, "a", stderr))
            _exit(99);
        execv(argv[0], argv);
        _exit(98);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(out, 1, len - 1, f) : 0;
    out[n] = '\0';
    if (f)
        fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_config(const char *path, int https, int http, const char *extra)
{
    FILE *f = fopen(path, "w");
    fprintf(f,
            "target:\n"
            "  base_url: https://127.0.0.1:%d\n"
            "  http_url: http://127.0.0.1:%d/\n"
            "  tls: { ca_file: %s }\n"
            "  headers: { Authorization: \"Bearer ${SC_PROBE_TEST_TOKEN}\" }\n"
            "  endpoints: { home: /, checkout_page: /checkout, catalog: /api/v1/products,\n"
            "               cart: /api/v1/carts, login: /api/v1/login }\n"
            "%s",
            https, http, sup_cert("ca.pem"), extra ? extra : "");
    fclose(f);
}

/* The gate and the exit codes: 0 passed, 1 a finding at or above --fail-on, 2 usage or config,
 * 3 unreachable; JSON written without secrets. */
static void test_cli_gate(void)
{
    setenv("SC_PROBE_TEST_TOKEN", "tok-9f8e7d6c5b4a-secret", 1);
    char *bin = getenv("STORECHECK_BIN");
    char cfgpath[4200], json[4200], out[65536];
    snprintf(cfgpath, sizeof cfgpath, "%s/gate.yaml", sup_scratch());
    snprintf(json, sizeof json, "%s/gate.json", sup_scratch());

    char *list[] = {bin, "audit", "--list", NULL};
    CHECK_INT_EQ(run_cli(list, out, sizeof out), 0);
    CHECK_CONTAINS(out, "S-TLS-VERSIONS");
    CHECK_CONTAINS(out, "T-RATE-LIMIT");

    struct refstore rs;
    if (sup_refstore_start(&rs, NULL, "no-hsts", NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    write_config(cfgpath, rs.https, rs.http, NULL);
    char *gate[] = {bin,      "--no-color", "audit", cfgpath, "--only", "S-HSTS,S-NOSNIFF,S-CORS",
                    "--json", json,         NULL};
    CHECK_INT_EQ(run_cli(gate, out, sizeof out), 1);
    CHECK_CONTAINS(out, "Security");
    CHECK_CONTAINS(out, "FAIL  high     S-HSTS");
    CHECK_CONTAINS(out, "verdict: failed (exit 1)");
    CHECK_CONTAINS(out, "  - S-HSTS (high) failed");
    FILE *f = fopen(json, "r");
    char doc[65536] = "";
    if (f) {
        doc[fread(doc, 1, sizeof doc - 1, f)] = '\0';
        fclose(f);
    }
    CHECK_CONTAINS(doc, "\"id\":\t\"S-HSTS\"");
    CHECK_CONTAINS(doc, "\"result\":\t\"failed\"");
    CHECK(!strstr(doc, "tok-9f8e7d6c5b4a-secret") && !strstr(out, "tok-9f8e7d6c5b4a-secret"));

    char *critical[] = {bin, "audit", cfgpath, "--only", "S-HSTS", "--fail-on", "critical", NULL};
    CHECK_INT_EQ(run_cli(critical, out, sizeof out), 0);
    /* The config raises S-HSTS to critical: the same run now fails the critical gate. */
    write_config(cfgpath, rs.https, rs.http, "audit: { severity: { S-HSTS: critical } }\n");
    CHECK_INT_EQ(run_cli(critical, out, sizeof out), 1);
    CHECK_CONTAINS(out, "FAIL  critical S-HSTS");
    write_config(cfgpath, rs.https, rs.http, NULL);
    char *skipped[] = {bin, "audit", cfgpath, "--only", "S", "--skip", "S-HSTS,S-TLS-CERT", NULL};
    CHECK_INT_EQ(run_cli(skipped, out, sizeof out), 0);
    CHECK(!strstr(out, "S-HSTS"));
    char *bad_only[] = {bin, "audit", cfgpath, "--only", "S-NOPE", NULL};
    CHECK_INT_EQ(run_cli(bad_only, out, sizeof out), 2);
    CHECK_CONTAINS(out, "S-NOPE");
    char *nothing[] = {bin, "audit", cfgpath, "--only", "S-HSTS", "--skip", "S", NULL};
    CHECK_INT_EQ(run_cli(nothing, out, sizeof out), 2);
    CHECK_CONTAINS(out, "no probe matches");
    char *bad_sev[] = {bin, "audit", cfgpath, "--fail-on", "severe", NULL};
    CHECK_INT_EQ(run_cli(bad_sev, out, sizeof out), 2);
    sup_refstore_stop(&rs);

    /* The store is gone: a run error, never a gate failure. */
    char *gone[] = {bin, "audit", cfgpath, NULL};
    CHECK_INT_EQ(run_cli(gone, out, sizeof out), 3);
    CHECK_CONTAINS(out, "unreachable");
    write_config(cfgpath, rs.https, rs.http, "audit: { fail_on: sometimes }\n");
    CHECK_INT_EQ(run_cli(gone, out, sizeof out), 2);
    CHECK_CONTAINS(out, "fail_on");
}

int main(void)
{
    engine_global_init();
    RUN(test_good_store);
    RUN(test_broken_variants);
    RUN(test_plain_http_target);
    RUN(test_ipv6);
    RUN(test_cli_gate);
    engine_global_cleanup();
    return check_summary();
}
