/*
 * storecheck-refstore: the reference store storecheck is tested, demonstrated and benchmarked
 * against. See ../README.md for the surface and the broken variants.
 */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "broken.h"
#include "capacity.h"
#include "carts.h"
#include "catalog.h"
#include "headless.h"
#include "common/exit_codes.h"
#include "common/units.h"
#include "ids.h"
#include "orders.h"
#include "ratelimit.h"
#include "server.h"
#include "store.h"
#include "tls.h"
#include "webhooks.h"

#define DEFAULT_WEBHOOK_SECRET "whsec_cmVmc3RvcmUtd2ViaG9vay10ZXN0LXNlY3JldC0zMmI="
#define DEFAULT_INTAKE_SECRET  "whsec_cmVmc3RvcmUtaW50YWtlLXRlc3Qtc2VjcmV0LTMyYnk="

static void usage(FILE *out)
{
    fprintf(out,
            "usage: storecheck-refstore [options]\n"
            "\n"
            "A reference online store on loopback, good or broken on purpose.\n"
            "\n"
            "  --listen HOST:PORT        plain HTTP listener (default 127.0.0.1:8080; port 0 "
            "picks one)\n"
            "  --tls-listen HOST:PORT    HTTPS listener (needs --cert and --key); plain HTTP "
            "then redirects\n"
            "  --cert FILE, --key FILE   PEM certificate chain and private key\n"
            "  --admin HOST:PORT         admin listener with the orders_down fault hook\n"
            "  --broken NAME[,NAME...]   turn on broken variants; 'all' for every one\n"
            "  --seed N                  catalog seed (default 1)\n"
            "  --products N              catalog size (default 1000)\n"
            "  --webhook-schedule LIST   retry intervals (default 1m,5m,30m,2h,5h,10h)\n"
            "  --webhook-secret S        signing secret for outgoing webhooks\n"
            "                            (default %s)\n"
            "  --intake-secret S         secret for payment callbacks\n"
            "                            (default %s)\n"
            "  --rate-limit RATE         login rate limit per client, burst = one second's worth"
            " (default 20/s)\n"
            "  --capacity RATE           serve at most RATE requests/s store-wide; 503 above it\n"
            "  --request-timeout DUR     time a request may take to arrive, and idle limit "
            "(default 10s)\n"
            "  --tls-legacy              accept TLS 1.0/1.1 and weak ciphers (= --broken "
            "tls-legacy)\n"
            "  --headless                carts need a session token from POST /api/v1/session\n"
            "                            and a JSON body; no session cookie on pages\n"
            "  --ready-file FILE         also write the READY line to FILE\n"
            "  --quiet                   no log output\n"
            "  --api-only                a headless store: no HTML pages or assets, '/' "
            "answers JSON\n"
            "  --help                    this text\n"
            "\n"
            "Only loopback addresses are accepted. Once listening it prints\n"
            "  READY http=127.0.0.1:PORT https=127.0.0.1:PORT admin=127.0.0.1:PORT\n"
            "\n"
            "Broken variants:",
            DEFAULT_WEBHOOK_SECRET, DEFAULT_INTAKE_SECRET);
    for (int i = 0; i < BROKEN_COUNT; i++)
        fprintf(out, "%s%s", i % 6 ? ", " : "\n  ", broken_name((enum broken_id)i));
    fprintf(out, "\n\nExit status: 0 stopped by a signal, 2 usage error, 3 could not start.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "storecheck-refstore: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry --help.\n");
    va_end(ap);
    return EXIT_USAGE;
}

static int parse_schedule(const char *s)
{
    char copy[512], err[128];
    if (strlen(s) >= sizeof copy)
        return -1;
    strcpy(copy, s);
    store_cfg.webhook_schedule_len = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (store_cfg.webhook_schedule_len == WEBHOOK_SCHEDULE_MAX ||
            units_parse_duration_ms(tok,
                                    &store_cfg.webhook_schedule_ms[store_cfg.webhook_schedule_len],
                                    err, sizeof err) < 0)
            return -1;
        store_cfg.webhook_schedule_len++;
    }
    return 0;
}

static int parse_args(int argc, char **argv)
{
    enum {
        O_LISTEN = 256,
        O_TLS_LISTEN,
        O_CERT,
        O_KEY,
        O_ADMIN,
        O_BROKEN,
        O_SEED,
        O_PRODUCTS,
        O_SCHEDULE,
        O_WH_SECRET,
        O_IN_SECRET,
        O_RATE,
        O_CAPACITY,
        O_TIMEOUT,
        O_TLS_LEGACY,
        O_READY,
        O_QUIET,
        O_API_ONLY,
        O_HEADLESS,
        O_HELP
    };
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"tls-listen", required_argument, NULL, O_TLS_LISTEN},
        {"cert", required_argument, NULL, O_CERT},
        {"key", required_argument, NULL, O_KEY},
        {"admin", required_argument, NULL, O_ADMIN},
        {"broken", required_argument, NULL, O_BROKEN},
        {"seed", required_argument, NULL, O_SEED},
        {"products", required_argument, NULL, O_PRODUCTS},
        {"webhook-schedule", required_argument, NULL, O_SCHEDULE},
        {"webhook-secret", required_argument, NULL, O_WH_SECRET},
        {"intake-secret", required_argument, NULL, O_IN_SECRET},
        {"rate-limit", required_argument, NULL, O_RATE},
        {"capacity", required_argument, NULL, O_CAPACITY},
        {"request-timeout", required_argument, NULL, O_TIMEOUT},
        {"tls-legacy", no_argument, NULL, O_TLS_LEGACY},
        {"ready-file", required_argument, NULL, O_READY},
        {"quiet", no_argument, NULL, O_QUIET},
        {"api-only", no_argument, NULL, O_API_ONLY},
        {"headless", no_argument, NULL, O_HEADLESS},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    static const uint64_t default_schedule[] = {60000,   300000,   1800000,
                                                7200000, 18000000, 36000000};
    store_cfg.listen = "127.0.0.1:8080";
    store_cfg.seed = 1;
    store_cfg.products = 1000;
    memcpy(store_cfg.webhook_schedule_ms, default_schedule, sizeof default_schedule);
    store_cfg.webhook_schedule_len = sizeof default_schedule / sizeof default_schedule[0];
    store_cfg.webhook_secret = DEFAULT_WEBHOOK_SECRET;
    store_cfg.intake_secret = DEFAULT_INTAKE_SECRET;
    store_cfg.rate_per_s = 20;
    store_cfg.request_timeout = 10;

    char err[256];
    uint64_t n;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN:
            store_cfg.listen = optarg;
            break;
        case O_TLS_LISTEN:
            store_cfg.tls_listen = optarg;
            break;
        case O_CERT:
            store_cfg.cert = optarg;
            break;
        case O_KEY:
            store_cfg.key = optarg;
            break;
        case O_ADMIN:
            store_cfg.admin = optarg;
            break;
        case O_BROKEN:
            if (broken_enable_list(optarg, err, sizeof err) < 0)
                return usage_error("%s", err);
            break;
        case O_SEED:
            if (units_parse_count(optarg, &store_cfg.seed, err, sizeof err) < 0)
                return usage_error("--seed: %s", err);
            break;
        case O_PRODUCTS:
            if (units_parse_count(optarg, &n, err, sizeof err) < 0 || n < 1 || n > 1000000)
                return usage_error("--products: '%s' is not a count from 1 to 1000000", optarg);
            store_cfg.products = (unsigned)n;
            break;
        case O_SCHEDULE:
            if (parse_schedule(optarg) < 0)
                return usage_error("--webhook-schedule: '%s' is not a list like 1s,2s,4s", optarg);
            break;
        case O_WH_SECRET:
            store_cfg.webhook_secret = optarg;
            break;
        case O_IN_SECRET:
            store_cfg.intake_secret = optarg;
            break;
        case O_RATE:
            if (units_parse_rate(optarg, &store_cfg.rate_per_s, err, sizeof err) < 0 ||
                store_cfg.rate_per_s <= 0)
                return usage_error("--rate-limit: '%s' is not a rate like 20/s", optarg);
            break;
        case O_CAPACITY:
            if (units_parse_rate(optarg, &store_cfg.capacity_per_s, err, sizeof err) < 0 ||
                store_cfg.capacity_per_s <= 0)
                return usage_error("--capacity: '%s' is not a rate like 200/s", optarg);
            break;
        case O_TIMEOUT:
            if (units_parse_duration_ms(optarg, &n, err, sizeof err) < 0 || n < 10)
                return usage_error("--request-timeout: '%s' is not a duration like 10s", optarg);
            store_cfg.request_timeout = (double)n / 1000.0;
            break;
        case O_TLS_LEGACY:
            store_cfg.tls_legacy = true;
            break;
        case O_READY:
            store_cfg.ready_file = optarg;
            break;
        case O_HEADLESS:
            store_cfg.headless = true;
            break;
        case O_QUIET:
            store_cfg.quiet = true;
            break;
        case O_API_ONLY:
            store_cfg.api_only = true;
            break;
        case O_HELP:
            usage(stdout);
            exit(EXIT_PASSED);
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (store_cfg.tls_listen && (!store_cfg.cert || !store_cfg.key))
        return usage_error("%s", "--tls-listen needs --cert and --key");
    /* Every address is checked before anything is bound, so a bad one is a usage error
     * whatever else fails. */
    const char *addrs[] = {store_cfg.listen, store_cfg.tls_listen, store_cfg.admin};
    for (int i = 0; i < 3; i++)
        if (addrs[i] && server_check_address(addrs[i], err, sizeof err) < 0)
            return usage_error("%s", err);
    if (broken(BROKEN_TLS_LEGACY))
        store_cfg.tls_legacy = true;
    store_cfg.burst = (unsigned)ceil(store_cfg.rate_per_s);
    return 0;
}

static void stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    ev_break(loop, EVBREAK_ALL);
}

/* Prints the READY line: each listener's bound address, absent ones left out. */
static int announce(const struct server_bound *bound)
{
    static const char *const names[] = {"http", "https", "admin"};
    char line[256];
    int len = snprintf(line, sizeof line, "READY");
    for (int i = 0; i < 3; i++)
        if (bound[i].port)
            len +=
                snprintf(line + len, sizeof line - (size_t)len, " %s=%s", names[i], bound[i].addr);
    printf("%s\n", line);
    fflush(stdout);
    if (store_cfg.ready_file) {
        FILE *f = fopen(store_cfg.ready_file, "w");
        if (!f || fprintf(f, "%s\n", line) < 0 || fclose(f) != 0) {
            perror(store_cfg.ready_file);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rc = parse_args(argc, argv);
    if (rc)
        return rc;
    signal(SIGPIPE, SIG_IGN);
    store.loop = EV_DEFAULT;
    ev_now_update(store.loop);
    ids_init();
    catalog_init(store_cfg.seed, store_cfg.products);
    assets_init();
    carts_init();
    headless_init();
    orders_init();
    ratelimit_init(store_cfg.rate_per_s, store_cfg.burst);
    capacity_init(store_cfg.capacity_per_s);

    char err[512];
    SSL_CTX *ctx = NULL;
    rc = EXIT_RUN_ERROR;
    if (store_cfg.tls_listen) {
        ctx = tls_create(store_cfg.cert, store_cfg.key, store_cfg.tls_legacy, err, sizeof err);
        if (!ctx)
            goto fail;
    }
    const char *addrs[] = {store_cfg.listen, store_cfg.tls_listen, store_cfg.admin};
    enum listener_kind kinds[] = {LISTENER_HTTP, LISTENER_HTTPS, LISTENER_ADMIN};
    struct server_bound bound[3] = {{0}};
    for (int i = 0; i < 3; i++) {
        if (!addrs[i])
            continue;
        if (server_listen(addrs[i], kinds[i], kinds[i] == LISTENER_HTTPS ? ctx : NULL, &bound[i],
                          err, sizeof err) < 0)
            goto fail;
    }
    store.https_port = bound[1].port;
    if (announce(bound) < 0)
        goto fail_quiet;
    if (!store_cfg.quiet)
        for (int i = 0; i < BROKEN_COUNT; i++)
            if (broken((enum broken_id)i))
                fprintf(stderr, "storecheck-refstore: broken variant on: %s\n",
                        broken_name((enum broken_id)i));

    ev_signal sigterm, sigint;
    ev_signal_init(&sigterm, stop_cb, SIGTERM);
    ev_signal_init(&sigint, stop_cb, SIGINT);
    ev_signal_start(store.loop, &sigterm);
    ev_signal_start(store.loop, &sigint);
    ev_run(store.loop, 0);
    rc = EXIT_PASSED;
    goto out;
fail:
    fprintf(stderr, "storecheck-refstore: %s\n", err);
fail_quiet:
out:
    server_shutdown();
    webhooks_shutdown();
    orders_free();
    carts_free();
    headless_free();
    catalog_free();
    SSL_CTX_free(ctx);
    return rc;
}
