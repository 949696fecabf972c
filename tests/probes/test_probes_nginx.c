/*
 * Real servers in front of the reference store, configured as stores configure them, and the
 * probes judging them: nginx terminating TLS with a modern config (TLS 1.2/1.3, AEAD + forward
 * secrecy, HTTP/2, HSTS, proxy_cache for static assets, limit_req answering 429) and with a
 * legacy one (TLS 1.0/1.1, nginx's default HIGH suites at security level 0, a cache that ignores
 * the store's Cache-Control and Set-Cookie, limit_req with its default 503); nginx serving a
 * static site with a forgotten config backup; and Varnish with its built-in VCL as the cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/probes/support.h"
#include "tests/support/check.h"

struct front {
    pid_t pid;
    int modern, legacy, plain, files; /* ports */
};

/* A document root as a careless deploy leaves it: a config backup and a Finder index next to
 * the site, and /admin behind basic auth. */
static void write_docroot(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/docroot", dir);
    mkdir(path, 0755);
    static const struct {
        const char *name;
        const char *text;
        size_t len;
    } files[] = {
        {"index.html", "<!doctype html><title>Shop</title><p>Welcome</p>", 0},
        {"wp-config.php.bak",
         "<?php\ndefine('DB_NAME', 'shop');\ndefine('DB_PASSWORD', 'hunter2-db-pass');\n", 0},
        {".DS_Store", "\0\0\0\1Bud1\0\0\x10\0\0\0\x08\0", 16},
        {"htpasswd", "admin:$apr1$abcdefgh$0123456789abcdefghijkl\n", 0},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/docroot/%s", dir, files[i].name);
        if (strcmp(files[i].name, "htpasswd") == 0)
            snprintf(path, sizeof path, "%s/htpasswd", dir); /* outside the root */
        FILE *f = fopen(path, "w");
        if (!f)
            continue;
        fwrite(files[i].text, 1, files[i].len ? files[i].len : strlen(files[i].text), f);
        fclose(f);
    }
}

/* Write the nginx config for the store on port store and start nginx with that many worker
 * connections (client and upstream together). */
static int nginx_start(struct front *f, int store, int worker_connections)
{
    const char *dir = sup_scratch();
    f->modern = sup_free_port();
    f->legacy = sup_free_port();
    f->plain = sup_free_port();
    f->files = sup_free_port();
    write_docroot(dir);
    char conf[4200];
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    FILE *c = fopen(conf, "w");
    if (!c)
        return -1;
    char cert[4096], key[4096];
    snprintf(cert, sizeof cert, "%s", sup_cert("server.pem"));
    snprintf(key, sizeof key, "%s", sup_cert("server.key"));
    fprintf(c,
            "worker_processes 1;\n"
            "daemon off;\n"
            "user root;\n"
            "pid %s/nginx.pid;\n"
            "error_log stderr error;\n"
            "events { worker_connections %d; }\n"
            "http {\n"
            "  access_log off;\n"
            "  server_tokens off;\n"
            "  client_body_temp_path %s/body;\n"
            "  proxy_temp_path %s/proxy;\n"
            "  fastcgi_temp_path %s/fastcgi;\n"
            "  uwsgi_temp_path %s/uwsgi;\n"
            "  scgi_temp_path %s/scgi;\n"
            "  proxy_cache_path %s/cache-static keys_zone=static:1m max_size=16m;\n"
            "  proxy_cache_path %s/cache-all keys_zone=all:1m max_size=16m;\n"
            "  limit_req_zone $binary_remote_addr zone=login:1m rate=5r/s;\n"
            "  upstream store { server 127.0.0.1:%d; keepalive 16; }\n"
            "  proxy_http_version 1.1;\n"
            "  proxy_set_header Connection \"\";\n"
            "  proxy_set_header Host $host;\n"
            "  ssl_certificate %s;\n"
            "  ssl_certificate_key %s;\n"
            /* modern: Mozilla intermediate */
            "  server {\n"
            "    listen 127.0.0.1:%d ssl http2;\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n"
            "    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;\n"
            "    ssl_prefer_server_ciphers off;\n"
            "    add_header Strict-Transport-Security \"max-age=63072000\" always;\n"
            "    proxy_cookie_flags ~ secure;\n"
            "    location / { proxy_pass http://store; }\n"
            "    location /static/ {\n"
            "      proxy_pass http://store;\n"
            "      proxy_cache static;\n"
            "      add_header X-Cache-Status $upstream_cache_status;\n"
            "      add_header Strict-Transport-Security \"max-age=63072000\" always;\n"
            "    }\n"
            "    location = /api/v1/login {\n"
            "      limit_req zone=login burst=10 nodelay;\n"
            "      limit_req_status 429;\n"
            "      add_header Retry-After 1 always;\n"
            "      add_header Strict-Transport-Security \"max-age=63072000\" always;\n"
            "      proxy_pass http://store;\n"
            "    }\n"
            "  }\n"
            "  server {\n"
            "    listen 127.0.0.1:%d;\n"
            "    return 301 https://$host:%d$request_uri;\n"
            "  }\n"
            /* legacy: old protocols, default suites, cache everything */
            "  server {\n"
            "    listen 127.0.0.1:%d ssl;\n"
            "    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n"
            "    ssl_ciphers HIGH:!aNULL:!MD5:@SECLEVEL=0;\n"
            "    location / {\n"
            "      proxy_pass http://store;\n"
            "      proxy_cache all;\n"
            "      proxy_cache_valid 200 10m;\n"
            "      proxy_ignore_headers Cache-Control Expires Set-Cookie;\n"
            "      add_header X-Cache-Status $upstream_cache_status;\n"
            "    }\n"
            "    location = /api/v1/login {\n"
            "      limit_req zone=login burst=10 nodelay;\n"
            "      proxy_pass http://store;\n"
            "    }\n"
            "  }\n"
            /* files: a plain static site */
            "  server {\n"
            "    listen 127.0.0.1:%d;\n"
            "    root %s/docroot;\n"
            "    location /admin { auth_basic admin; auth_basic_user_file %s/htpasswd; }\n"
            "  }\n"
            "}\n",
            dir, worker_connections, dir, dir, dir, dir, dir, dir, dir, store, cert, key, f->modern,
            f->plain, f->modern, f->legacy, f->files, dir, dir);
    fclose(c);
    char *argv[] = {"nginx", "-p", (char *)dir, "-c", conf, "-e", "stderr", NULL};
    f->pid = sup_spawn(argv, NULL);
    if (f->pid < 0 || sup_wait_port(f->modern) || sup_wait_port(f->legacy) ||
        sup_wait_port(f->plain) || sup_wait_port(f->files)) {
        fprintf(stderr, "nginx did not start\n");
        sup_stop(f->pid);
        return -1;
    }
    return 0;
}

static void test_nginx(void)
{
    struct refstore rs;
    /* The store's own login limiter is off: what is judged is nginx's limit_req. */
    if (sup_refstore_start(&rs, "none", "no-rate-limit", NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    struct front f;
    if (nginx_start(&f, rs.http, 1024) != 0) {
        CHECK(!"nginx started");
        sup_refstore_stop(&rs);
        return;
    }
    struct config cfg;
    struct engine_report rep;

    CHECK(sup_config(&cfg, f.modern, f.plain, NULL, NULL) == 0);
    sup_run(&cfg,
            "S-TLS-VERSIONS,S-TLS-CIPHERS,S-TLS-CERT,S-HTTPS-REDIRECT,S-HSTS,"
            "S-COOKIE-FLAGS,S-VERSION-LEAK,T-HTTP2,T-CACHE-HIT,T-STATIC-CACHE,"
            "T-PRIVATE-CACHE,T-SESSION-ISOLATION,T-RATE-LIMIT",
            &rep);
    CHECK(sup_expect(&rep, "S-TLS-VERSIONS", PROBE_PASS, "only TLS 1.2 and TLS 1.3"));
    CHECK(sup_expect(&rep, "S-TLS-CIPHERS", PROBE_PASS, "ECDHE-RSA-AES128-GCM-SHA256"));
    CHECK(sup_expect(&rep, "S-TLS-CERT", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "S-HTTPS-REDIRECT", PROBE_PASS, "301 to HTTPS on the same host"));
    CHECK(sup_expect(&rep, "S-HSTS", PROBE_PASS, "63072000"));
    CHECK(sup_expect(&rep, "S-COOKIE-FLAGS", PROBE_PASS, "Secure"));
    CHECK(sup_expect(&rep, "S-VERSION-LEAK", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-HTTP2", PROBE_PASS, "ALPN selected: h2"));
    CHECK(sup_expect(&rep, "T-CACHE-HIT", PROBE_PASS, "X-Cache-Status: HIT"));
    CHECK(sup_expect(&rep, "T-STATIC-CACHE", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-SESSION-ISOLATION", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-RATE-LIMIT", PROBE_PASS, "Retry-After: 1"));
    engine_report_free(&rep);
    config_free(&cfg);

    /* An HTTPS-only store: nothing listens for plain HTTP, so there is nothing to redirect. */
    CHECK(sup_config(&cfg, f.modern, sup_free_port(), NULL, NULL) == 0);
    sup_run(&cfg, "S-HTTPS-REDIRECT", &rep);
    CHECK(sup_expect(&rep, "S-HTTPS-REDIRECT", PROBE_PASS, "no plain-HTTP listener"));
    engine_report_free(&rep);
    config_free(&cfg);

    CHECK(sup_config(&cfg, f.legacy, 0, NULL, NULL) == 0);
    sup_run(&cfg,
            "S-TLS-VERSIONS,S-TLS-CIPHERS,S-TLS-CERT,T-HTTP2,T-CACHE-HIT,"
            "T-PRIVATE-CACHE,T-SESSION-ISOLATION,T-RATE-LIMIT",
            &rep);
    CHECK(sup_expect(&rep, "S-TLS-VERSIONS", PROBE_FAIL, "accepts TLS 1.0 and TLS 1.1"));
    CHECK(sup_expect(&rep, "S-TLS-CIPHERS", PROBE_FAIL, "without forward secrecy"));
    CHECK(sup_expect(&rep, "S-TLS-CIPHERS", PROBE_FAIL, "AES256-SHA"));
    CHECK(sup_expect(&rep, "S-TLS-CERT", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-HTTP2", PROBE_WARN, "http/1.1"));
    CHECK(sup_expect(&rep, "T-CACHE-HIT", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_FAIL, "X-Cache-Status: HIT"));
    CHECK(sup_expect(&rep, "T-SESSION-ISOLATION", PROBE_FAIL, "session cookie"));
    CHECK(sup_expect(&rep, "T-RATE-LIMIT", PROBE_FAIL, "503"));
    engine_report_free(&rep);
    config_free(&cfg);

    /* The static site: the backup and the Finder index are found, their values masked in
     * the evidence; the password-protected /admin is not an exposed admin surface. */
    CHECK(sup_config(&cfg, 0, f.files, NULL, NULL) == 0);
    sup_run(&cfg, "S-EXPOSED-VCS,S-EXPOSED-CONFIG,S-ADMIN-SURFACE", &rep);
    CHECK(sup_expect(&rep, "S-EXPOSED-VCS", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "S-EXPOSED-CONFIG", PROBE_FAIL, "define('***', '***')"));
    CHECK(sup_expect(&rep, "S-EXPOSED-CONFIG", PROBE_FAIL, "/.DS_Store"));
    CHECK(!sup_evidence_has(sup_result(&rep, "S-EXPOSED-CONFIG"), "hunter2"));
    CHECK(sup_expect(&rep, "S-ADMIN-SURFACE", PROBE_PASS, NULL));
    engine_report_free(&rep);
    config_free(&cfg);

    sup_stop(f.pid);
    sup_refstore_stop(&rs);
}

static void test_varnish(void)
{
    struct refstore rs;
    if (sup_refstore_start(&rs, "none", NULL, NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    int port = sup_free_port();
    char listen[64], backend[64], workdir[4200];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(backend, sizeof backend, "127.0.0.1:%d", rs.http);
    snprintf(workdir, sizeof workdir, "%s/varnish", sup_scratch());
    char *argv[] = {"varnishd", "-F", "-j",    "none", "-n",         workdir, "-a",
                    listen,     "-b", backend, "-s",   "malloc,32m", NULL};
    pid_t v = sup_spawn(argv, NULL);
    if (v < 0 || sup_wait_port(port) != 0) {
        CHECK(!"varnishd started");
        sup_stop(v);
        sup_refstore_stop(&rs);
        return;
    }
    struct config cfg;
    CHECK(sup_config(&cfg, 0, port, NULL, NULL) == 0);
    struct engine_report rep;
    sup_run(&cfg, "T-CACHE-HIT,T-STATIC-CACHE,T-PRIVATE-CACHE,T-SESSION-ISOLATION", &rep);
    CHECK(sup_expect(&rep, "T-CACHE-HIT", PROBE_PASS, "X-Varnish"));
    CHECK(sup_expect(&rep, "T-STATIC-CACHE", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-PRIVATE-CACHE", PROBE_PASS, NULL));
    CHECK(sup_expect(&rep, "T-SESSION-ISOLATION", PROBE_PASS, NULL));
    engine_report_free(&rep);
    config_free(&cfg);
    sup_stop(v);
    sup_refstore_stop(&rs);
}

/* Whole audits of the modern front; how many probes ended in error each time, and the
 * statuses of the first run in first (the later runs are compared with it: *differ counts
 * the runs with another status for any probe). */
static void audits(const struct config *cfg, int runs, int errors[], enum probe_status first[],
                   size_t *count, int *differ)
{
    *differ = 0;
    for (int run = 0; run < runs; run++) {
        struct engine_report rep;
        sup_run(cfg, NULL, &rep);
        int changed = 0;
        errors[run] = 0;
        for (size_t i = 0; i < rep.count; i++) {
            enum probe_status st = rep.items[i].result.status;
            errors[run] += st == PROBE_ERROR;
            if (run == 0)
                first[i] = st;
            else if (first[i] != st && !changed++)
                sup_print(rep.items[i].probe->id, &rep.items[i].result);
        }
        *count = rep.count;
        *differ += changed != 0;
        engine_report_free(&rep);
    }
}

/* nginx with 64 worker connections and TLS, as a small store runs it: at the default bound
 * on connections per host, five identical audits give identical verdicts. The same audits
 * with the bound at 256 (as good as none) are printed for comparison, not judged. */
static void test_repeatable_on_small_server(void)
{
    enum { RUNS = 5 };
    struct refstore rs;
    if (sup_refstore_start(&rs, "none", NULL, NULL) != 0) {
        CHECK(!"refstore started");
        return;
    }
    struct front f;
    if (nginx_start(&f, rs.http, 64) != 0) {
        CHECK(!"nginx started");
        sup_refstore_stop(&rs);
        return;
    }
    struct config cfg;
    CHECK(sup_config(&cfg, f.modern, f.plain, NULL, NULL) == 0);
    /* One status per probe of the registry: a whole audit runs them all. */
    enum probe_status *first = calloc(probe_registry_count, sizeof *first);
    CHECK(first != NULL);
    size_t count = 0;
    int errors[RUNS], differ = 0;
    const uint32_t limits[] = {256, cfg.audit.max_connections_per_host};
    for (size_t l = 0; l < 2; l++) {
        cfg.audit.max_connections_per_host = limits[l];
        audits(&cfg, RUNS, errors, first, &count, &differ);
        printf("max_connections_per_host %u: %zu probes, errors per run:", limits[l], count);
        for (int r = 0; r < RUNS; r++)
            printf(" %d", errors[r]);
        printf("; runs differing from the first: %d\n", differ);
    }
    CHECK_INT_EQ(cfg.audit.max_connections_per_host, 6);
    CHECK_INT_EQ(differ, 0);
    free(first);
    config_free(&cfg);
    sup_stop(f.pid);
    sup_refstore_stop(&rs);
}

int main(void)
{
    engine_global_init();
    RUN(test_nginx);
    RUN(test_varnish);
    RUN(test_repeatable_on_small_server);
    engine_global_cleanup();
    return check_summary();
}
