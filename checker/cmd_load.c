/* storecheck load: drive URLs with the load engine, show progress, print and save the result. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "checker/cli.h"
#include "checker/commands.h"
#include "checker/console.h"
#include "checker/fd_limit.h"
#include "checker/load_gate.h"
#include "checker/load_scenarios.h"
#include "checker/progress.h"
#include "checker/run_thresholds.h"
#include "checker/scenario_table.h"
#include "checker/split_run.h"
#include "checker/stop_signal.h"
#include "checker/summary_table.h"
#include "common/allowlist.h"
#include "common/exit_codes.h"
#include "common/oom.h"
#include "common/redact.h"
#include "common/stop.h"
#include "common/units.h"
#include "common/url.h"
#include "config/config_load.h"
#include "loadgen/engine.h"
#include "loadgen/schedule.h"
#include "outputs/live_outputs.h"
#include "reports/load_json.h"
#include "reports/load_report.h"
#include "scenario/profile.h"
#include "scenario/run_fingerprint.h"
#include "scenario/scenario_check.h"

#define MAX_DURATION_US (24ULL * 3600 * 1000000) /* the hard cap of one run */
/* A latency is at most the wait for a connection plus the request, each up to the timeout:
 * with this cap it stays within the histograms' one-hour range. */
#define MAX_TIMEOUT_US (1800ULL * 1000000)
#define MAX_BODY        (64u << 20)

static const char help[] =
    "Usage: storecheck load [CONFIG] URL... [OPTIONS]\n"
    "       storecheck load CONFIG [--profile NAME|FILE] [--duration D] [--rate R] [--users N]\n"
    "\n"
    "Send HTTP/1.1 or HTTP/2 load to one or more URLs (same scheme, host and port; requests\n"
    "go round-robin over them) and report throughput, latency and errors.\n"
    "\n"
    "With a CONFIG that has load.scenarios and no URL, virtual users run the scenarios\n"
    "under a traffic profile (--profile, else load.profile, else smoke): the open model\n"
    "starts iterations at the profile's arrival rate, the closed model keeps its users\n"
    "looping; the profile's mix picks the scenario of each iteration. --duration stretches\n"
    "the profile, --rate (open) or --users (closed) scales its peak. load.thresholds are\n"
    "judged at the end (docs/scenarios.md).\n"
    "\n"
    "Closed model (default): each connection keeps --pipeline requests in flight.\n"
    "Open model (--rate or rate stages): requests are due at fixed intended times; latency is\n"
    "measured from the intended time (corrected) and from the actual send (uncorrected), and\n"
    "requests sent late or dropped for want of a connection are counted.\n"
    "\n"
    "Options:\n"
    "  -d, --duration D         how long to run (default 10s, at most 24h; with --stage and no\n"
    "                           --duration: the sum of the stages)\n"
    "  -R, --rate R             open model at R requests/s (e.g. 5000, 10k, 600/m)\n"
    "  -c, --connections N      closed model: connections (default 10); open model:\n"
    "                           connections opened before the start (default rate/100, at least\n"
    "                           one per thread, at most 1000)\n"
    "      --max-connections M  open model: open more connections up to M when requests are due\n"
    "                           and none is free (default 4 x --connections)\n"
    "  -t, --threads T          worker threads (default: the number of cores)\n"
    "      --pipeline N         requests in flight per connection (default 1); in the closed\n"
    "                           model the next N go out in one write once all are answered\n"
    "      --http 1.1|2|auto    the HTTP version (default 1.1, or load.http): 2 is h2 by ALPN\n"
    "                           over TLS (a server that does not choose h2 is an error) and\n"
    "                           prior knowledge (h2c) over plain TCP; auto lets the server\n"
    "                           choose by ALPN over TLS and is HTTP/1.1 over plain TCP\n"
    "      --streams N          HTTP/2: concurrent streams per connection (default 100, or\n"
    "                           fewer when the server's SETTINGS_MAX_CONCURRENT_STREAMS is\n"
    "                           lower; at most 10000); --pipeline is for HTTP/1.1\n"
    "      --timeout D          per request, and for connect + TLS handshake (default 10s,\n"
    "                           at most 30m)\n"
    "  -m, --method M           request method (default GET)\n"
    "  -H, --header 'K: V'      add a request header (repeatable); requests carry Host and\n"
    "                           Content-Length of their own, no User-Agent unless given\n"
    "      --body S|@FILE       request body, or the contents of FILE\n"
    "      --stage DUR:TARGET   ramp linearly to TARGET over DUR (repeatable); TARGET is a rate,\n"
    "                           or connections with a 'c' suffix (30s:200c)\n"
    "      --insecure           do not verify the server's TLS certificate\n"
    "      --cacert FILE        trust the CA certificates in FILE (PEM)\n"
    "      --allow-host H       hosts that may be contacted (repeatable); default: the URLs'\n"
    "                           hosts; a URL on any other host is refused\n"
    "      --json FILE          write the full result as JSON (see docs/load-json.md)\n"
    "      --html FILE          write the result as an HTML report with charts, and\n"
    "      --markdown FILE      as a Markdown summary (docs/reports.md); 'storecheck report'\n"
    "                           renders a saved --json to the same files. A FILE of - is\n"
    "                           stdout (for one of them at most), and the console output\n"
    "                           then goes to stderr\n"
    "      --out KIND=TARGET    stream the running totals once a second while the run goes\n"
    "                           on (repeatable; replaces load.outputs): json=FILE (a JSON\n"
    "                           object a line, k6's points), csv=FILE, or\n"
    "                           prometheus-rw=URL (Prometheus remote write, e.g.\n"
    "                           http://127.0.0.1:9090/api/v1/write); docs/outputs.md\n"
    "      --threshold EXPR     judge EXPR at the end (repeatable): 'p99 < 500ms',\n"
    "                           'error_rate < 1%', 'rps > 100' (docs/scenarios.md); with a\n"
    "                           CONFIG, besides load.thresholds; a broken one exits 1\n"
    "      --profile P          scenario run: a profile name (profiles/P.yaml) or file\n"
    "      --users N            scenario run, closed profile: the peak number of users\n"
    "      --segment i/n        run only segment i (from 0) of n of the schedule: arrival k\n"
    "                           when k mod n = i, closed-model user u when u mod n = i;\n"
    "                           `storecheck merge` adds the n results up (docs/load-json.md)\n"
    "      --run-id ID          the run's id, the same for all its segments (default: a\n"
    "                           random one); random values of the scenarios derive from it\n"
    "      --start-at TIME      wait until TIME (2026-12-06T03:30:00Z, or unix seconds; at\n"
    "                           most 24h ahead), then start: segments start together\n"
    "  -h, --help               this help\n"
    "\n"
    "With a CONFIG (docs/config.md), target.allowed_hosts decides which hosts may be\n"
    "contacted (--allow-host can only narrow it), target.base_url is loaded when no URL is\n"
    "given, target.headers, the TLS settings and load.duration, rate, max_rate,\n"
    "connections, threads and timeout apply unless an option overrides them, and an\n"
    "open-model load.profile gives the schedule of URL runs unless --rate, --stage or\n"
    "--connections does.\n"
    "\n"
    "On a terminal, a progress line (elapsed with a bar, users or connections, iterations,\n"
    "req/s, p95, errors) is redrawn once a second, and a k6-like table of the checks,\n"
    "thresholds, requests and iterations ends the result; -q or a pipe leaves both out.\n"
    "Ctrl-C stops the run (exit 3); the result is\n"
    "still printed and written, marked interrupted; a second Ctrl-C quits at once, without\n"
    "it. Authorization, Cookie and other credential header values\n"
    "never appear in the output.\n"
    "\n"
    "Exit codes:\n"
    "  0  the run was done and no threshold is broken\n"
    "  1  a threshold (load.thresholds, --threshold) is broken (or stopped the run:\n"
    "     abort_on_fail)\n"
    "  2  usage error, a URL outside the allowed hosts, more connections than the file limit\n"
    "  3  the run could not be done: no connection could be made, no request got an answer,\n"
    "     it was interrupted, internal error\n";

enum {
    OPT_MAX_CONN = 256,
    OPT_PIPELINE,
    OPT_TIMEOUT,
    OPT_BODY,
    OPT_STAGE,
    OPT_INSECURE,
    OPT_CACERT,
    OPT_ALLOW,
    OPT_JSON,
    OPT_HTML,
    OPT_MARKDOWN,
    OPT_PROFILE,
    OPT_USERS,
    OPT_SEGMENT,
    OPT_RUN_ID,
    OPT_START_AT,
    OPT_HTTP,
    OPT_STREAMS,
    OPT_OUT,
    OPT_THRESHOLD,
};

static const struct option options[] = {
    {"duration", required_argument, NULL, 'd'},
    {"rate", required_argument, NULL, 'R'},
    {"connections", required_argument, NULL, 'c'},
    {"threads", required_argument, NULL, 't'},
    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
    {"pipeline", required_argument, NULL, OPT_PIPELINE},
    {"http", required_argument, NULL, OPT_HTTP},
    {"streams", required_argument, NULL, OPT_STREAMS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"method", required_argument, NULL, 'm'},
    {"header", required_argument, NULL, 'H'},
    {"body", required_argument, NULL, OPT_BODY},
    {"stage", required_argument, NULL, OPT_STAGE},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"allow-host", required_argument, NULL, OPT_ALLOW},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"markdown", required_argument, NULL, OPT_MARKDOWN},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"users", required_argument, NULL, OPT_USERS},
    {"segment", required_argument, NULL, OPT_SEGMENT},
    {"run-id", required_argument, NULL, OPT_RUN_ID},
    {"start-at", required_argument, NULL, OPT_START_AT},
    {"out", required_argument, NULL, OPT_OUT},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct load_args {
    uint64_t duration_us;
    int have_duration, have_rate, have_connections, have_timeout;
    int have_connections_cli; /* -c given: the closed model unless --rate, whatever the config */
    double rate;
    uint64_t connections, max_connections, threads, pipeline, streams;
    enum load_http http; /* LOAD_HTTP_UNSET: load.http, else 1.1 */
    uint64_t timeout_us;
    const char *method;
    const char **headers;
    size_t header_count;
    char *body;
    size_t body_len;
    struct lg_stage stages[SCHEDULE_MAX_STAGES];
    size_t stage_count;
    int stage_conns, stage_rates;
    int insecure;
    const char *cacert, *json, *html, *markdown;
    const char **allow;
    size_t allow_count;
    const char **urls;
    size_t url_count;
    struct url *parsed;
    const char *config_path;
    const char *profile;
    uint64_t users;
    int scenarios; /* a scenario run: the config has scenarios and no URL was given */
    struct split_run split;
    const char **thresholds; /* --threshold */
    size_t threshold_count;
    struct out_spec *outs; /* --out, else load.outputs */
    size_t out_count;
    char **owned; /* strings this command made (config headers), freed at the end */
    size_t owned_count;
};

static int parse_count(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
    char err[128];
    if (units_parse_count(v, out, err, sizeof err))
        return cli_usage_error(&cmd_load, "%s: %s", opt, err);
    if (*out < min || *out > max)
        return cli_usage_error(&cmd_load, "%s: %llu is outside %llu..%llu", opt,
                               (unsigned long long)*out, (unsigned long long)min,
                               (unsigned long long)max);
    return 0;
}

static int parse_duration(const char *opt, const char *v, uint64_t *us)
{
    char err[128];
    if (units_parse_duration_us(v, us, err, sizeof err))
        return cli_usage_error(&cmd_load, "%s: %s", opt, err);
    if (*us == 0)
        return cli_usage_error(&cmd_load, "%s: must be more than 0", opt);
    return 0;
}

static int read_body(const char *arg, struct load_args *a)
{
    if (arg[0] != '@') {
        a->body = xstrdup(arg);
        a->body_len = strlen(arg);
        return 0;
    }
    FILE *f = fopen(arg + 1, "rb");
    if (!f)
        return cli_usage_error(&cmd_load, "--body: cannot read %s: %s", arg + 1, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len > MAX_BODY) {
            fclose(f);
            free(buf);
            return cli_usage_error(&cmd_load, "--body: %s is larger than 64 MiB", arg + 1);
        }
        if (len == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    fclose(f);
    a->body = buf;
    a->body_len = len;
    return 0;
}

static int parse_stage(const char *v, struct load_args *a)
{
    if (a->stage_count == SCHEDULE_MAX_STAGES)
        return cli_usage_error(&cmd_load, "--stage: at most %d stages", SCHEDULE_MAX_STAGES);
    const char *colon = strchr(v, ':');
    if (!colon)
        return cli_usage_error(&cmd_load, "--stage '%s': expected DURATION:TARGET", v);
    char dur[64], target[64], err[128];
    size_t n = (size_t)(colon - v);
    if (n >= sizeof dur || strlen(colon + 1) >= sizeof target)
        return cli_usage_error(&cmd_load, "--stage '%s': too long", v);
    memcpy(dur, v, n);
    dur[n] = '\0';
    snprintf(target, sizeof target, "%s", colon + 1);
    struct lg_stage *s = &a->stages[a->stage_count];
    if (units_parse_duration_us(dur, &s->duration_us, err, sizeof err))
        return cli_usage_error(&cmd_load, "--stage '%s': %s", v, err);
    size_t tl = strlen(target);
    if (tl && target[tl - 1] == 'c') {
        target[tl - 1] = '\0';
        uint64_t conns;
        if (units_parse_count(target, &conns, err, sizeof err))
            return cli_usage_error(&cmd_load, "--stage '%s': %s", v, err);
        s->target = (double)conns;
        a->stage_conns = 1;
    } else {
        if (units_parse_rate(target, &s->target, err, sizeof err))
            return cli_usage_error(&cmd_load, "--stage '%s': %s", v, err);
        a->stage_rates = 1;
    }
    a->stage_count++;
    return 0;
}

static int looks_like_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static int parse_args(int argc, char **argv, struct load_args *a)
{
    a->duration_us = 10000000;
    a->pipeline = 1;
    a->timeout_us = 10000000;
    a->headers = xcalloc((size_t)argc, sizeof *a->headers);
    a->allow = xcalloc((size_t)argc, sizeof *a->allow);
    a->urls = xcalloc((size_t)argc, sizeof *a->urls);
    a->outs = xcalloc((size_t)argc, sizeof *a->outs);
    a->thresholds = xcalloc((size_t)argc, sizeof *a->thresholds);
    split_run_init(&a->split);
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":d:R:c:t:m:H:h", options, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case 'd':
            rc = parse_duration("--duration", optarg, &a->duration_us);
            a->have_duration = 1;
            break;
        case 'R': {
            char err[128];
            if (units_parse_rate(optarg, &a->rate, err, sizeof err))
                return cli_usage_error(&cmd_load, "--rate: %s", err);
            if (!(a->rate > 0))
                return cli_usage_error(&cmd_load, "--rate: must be more than 0");
            a->have_rate = 1;
            break;
        }
        case 'c':
            rc = parse_count("--connections", optarg, 1, 1000000, &a->connections);
            a->have_connections = a->have_connections_cli = 1;
            break;
        case 't':
            rc = parse_count("--threads", optarg, 1, 1024, &a->threads);
            break;
        case OPT_MAX_CONN:
            rc = parse_count("--max-connections", optarg, 1, 1000000, &a->max_connections);
            break;
        case OPT_PIPELINE:
            rc = parse_count("--pipeline", optarg, 1, 1024, &a->pipeline);
            break;
        case OPT_HTTP:
            a->http = load_http_parse(optarg);
            if (a->http == LOAD_HTTP_UNSET)
                return cli_usage_error(&cmd_load, "--http: '%s' is not 1.1, 2 or auto", optarg);
            break;
        case OPT_STREAMS:
            rc = parse_count("--streams", optarg, 1, 10000, &a->streams);
            break;
        case OPT_TIMEOUT:
            rc = parse_duration("--timeout", optarg, &a->timeout_us);
            a->have_timeout = 1;
            break;
        case 'm':
            a->method = optarg;
            break;
        case 'H':
            a->headers[a->header_count++] = optarg;
            break;
        case OPT_BODY:
            free(a->body);
            rc = read_body(optarg, a);
            break;
        case OPT_STAGE:
            rc = parse_stage(optarg, a);
            break;
        case OPT_INSECURE:
            a->insecure = 1;
            break;
        case OPT_CACERT:
            a->cacert = optarg;
            break;
        case OPT_ALLOW:
            a->allow[a->allow_count++] = optarg;
            break;
        case OPT_JSON:
            a->json = optarg;
            break;
        case OPT_HTML:
            a->html = optarg;
            break;
        case OPT_MARKDOWN:
            a->markdown = optarg;
            break;
        case OPT_PROFILE:
            a->profile = optarg;
            break;
        case OPT_USERS:
            rc = parse_count("--users", optarg, 1, 10000000, &a->users);
            break;
        case OPT_SEGMENT:
        case OPT_RUN_ID:
        case OPT_START_AT: {
            char err[256];
            int bad = opt == OPT_SEGMENT  ? split_run_segment(&a->split, optarg, err, sizeof err)
                      : opt == OPT_RUN_ID ? split_run_id(&a->split, optarg, err, sizeof err)
                                          : split_run_start_at(&a->split, optarg,
                                                               split_run_now_ms(), err, sizeof err);
            if (bad)
                return cli_usage_error(&cmd_load, "%s: %s",
                                       opt == OPT_SEGMENT  ? "--segment"
                                       : opt == OPT_RUN_ID ? "--run-id"
                                                           : "--start-at",
                                       err);
            break;
        }
        case OPT_OUT: {
            char err[320];
            if (out_spec_parse(optarg, &a->outs[a->out_count++], err, sizeof err))
                return cli_usage_error(&cmd_load, "--out %s", err);
            break;
        }
        case OPT_THRESHOLD:
            a->thresholds[a->threshold_count++] = optarg;
            break;
        case ':':
            return cli_usage_error(&cmd_load, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(&cmd_load, "unknown option '%s'", argv[optind - 1]);
        }
        if (rc)
            return rc;
    }
    for (int i = optind; i < argc; i++) {
        if (looks_like_url(argv[i]))
            a->urls[a->url_count++] = argv[i];
        else if (access(argv[i], F_OK) == 0 && !a->config_path && a->url_count == 0)
            a->config_path = argv[i];
        else if (access(argv[i], F_OK) == 0)
            return cli_usage_error(&cmd_load, "'%s': one CONFIG, before the URLs", argv[i]);
        else
            return cli_usage_error(&cmd_load, "'%s' is neither a URL nor a file", argv[i]);
    }
    if (a->url_count == 0 && !a->config_path)
        return cli_usage_error(&cmd_load, "no URL given");
    if (a->stage_conns && (a->stage_rates || a->have_rate))
        return cli_usage_error(&cmd_load,
                               "stages are all rates (open model) or all connections (closed)");
    if (a->stage_count && !a->have_duration) {
        a->duration_us = 0;
        for (size_t i = 0; i < a->stage_count; i++)
            a->duration_us += a->stages[i].duration_us;
        a->have_duration = 1;
    }
    return 0;
}

/* What holds once the command line and the config are combined. */
static int check_args(const struct load_args *a)
{
    if (!a->scenarios && (a->profile || a->users))
        return cli_usage_error(&cmd_load, "--profile and --users need a CONFIG with "
                                          "load.scenarios (and no URL)");
    if (a->timeout_us > MAX_TIMEOUT_US)
        return cli_usage_error(&cmd_load, "the timeout is above the cap of 30m");
    if (a->scenarios)
        return 0;
    if (a->max_connections && !a->have_rate && !a->stage_rates)
        return cli_usage_error(&cmd_load, "--max-connections applies to the open model (--rate)");
    if (a->duration_us > MAX_DURATION_US)
        return cli_usage_error(&cmd_load, "the duration is above the cap of 24h");
    if (a->duration_us == 0)
        return cli_usage_error(&cmd_load, "the run would last 0s");
    return 0;
}

/* Parse the URLs and refuse any whose host is not allowed by the config (if any) and by
 * --allow-host (if given). With neither, the URLs' own hosts are the allowed hosts. */
static int check_urls(struct load_args *a, const struct strv *cfg_allowed)
{
    a->parsed = xcalloc(a->url_count, sizeof *a->parsed);
    struct strv allowed = {a->allow, a->allow_count};
    for (size_t i = 0; i < a->url_count; i++) {
        char err[256];
        const char *refused_by = NULL;
        if (url_parse(a->urls[i], &a->parsed[i], err, sizeof err))
            refused_by = "";
        else if (cfg_allowed && !allowlist_url_ok(cfg_allowed, a->urls[i], err, sizeof err))
            refused_by = " (target.allowed_hosts)";
        else if (a->allow_count && !allowlist_url_ok(&allowed, a->urls[i], err, sizeof err))
            refused_by = " (--allow-host)";
        if (refused_by) {
            char *shown = redact_url_userinfo(a->urls[i]);
            int rc = cli_usage_error(&cmd_load, "%s: %s%s", shown, err, refused_by);
            free(shown);
            return rc;
        }
    }
    return 0;
}

/* Secret header values: never printed, never written. */
static void collect_secrets(const struct load_args *a, const struct strv *cfg_secrets,
                            struct strv *secrets)
{
    size_t extra = cfg_secrets ? cfg_secrets->count : 0;
    secrets->items = xcalloc(a->header_count + extra + 1, sizeof *secrets->items);
    secrets->count = 0;
    for (size_t i = 0; i < extra; i++)
        secrets->items[secrets->count++] = cfg_secrets->items[i];
    for (size_t i = 0; i < a->header_count; i++) {
        const char *colon = strchr(a->headers[i], ':');
        if (!colon)
            continue;
        char name[256];
        size_t n = (size_t)(colon - a->headers[i]);
        if (n >= sizeof name)
            continue;
        memcpy(name, a->headers[i], n);
        name[n] = '\0';
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (redact_header_is_secret(name) && *v)
            secrets->items[secrets->count++] = v;
    }
}

static void fmt_us(uint64_t us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%lluus", (unsigned long long)us);
    else if (us < 1000000)
        snprintf(buf, len, "%.2fms", (double)us / 1e3);
    else
        snprintf(buf, len, "%.2fs", (double)us / 1e6);
}

static void fmt_bytes(double b, char *buf, size_t len)
{
    const char *u[] = {"B", "KB", "MB", "GB", "TB"};
    int i = 0;
    while (b >= 1024 && i < 4) {
        b /= 1024;
        i++;
    }
    snprintf(buf, len, "%.2f%s", b, u[i]);
}

/* The latency table: percentiles, max, mean and stdev; one row per histogram. */
static void print_row(FILE *out, const char *name, const struct hist *a, const struct hist *b)
{
    static const double ps[] = {50, 75, 90, 95, 99, 99.9, 99.99};
    static const char *const pn[] = {"p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99"};
    enum { N = sizeof ps / sizeof ps[0] };
    fprintf(out, "  %-14s", name);
    for (size_t i = 0; i < N; i++)
        fprintf(out, " %8s", pn[i]);
    fprintf(out, " %8s %8s %8s\n", "max", "mean", "stdev");
    const struct hist *hs[2] = {a, b};
    const char *labels[2] = {b ? "corrected" : "from send", "uncorrected"};
    for (int k = 0; k < (b ? 2 : 1); k++) {
        char v[32];
        fprintf(out, "    %-12s", labels[k]);
        for (size_t i = 0; i < N; i++) {
            fmt_us(hist_percentile(hs[k], ps[i]), v, sizeof v);
            fprintf(out, " %8s", v);
        }
        fmt_us(hs[k]->max, v, sizeof v);
        fprintf(out, " %8s", v);
        fmt_us((uint64_t)hist_mean(hs[k]), v, sizeof v);
        fprintf(out, " %8s", v);
        fmt_us((uint64_t)hist_stdev(hs[k]), v, sizeof v);
        fprintf(out, " %8s\n", v);
    }
}

static void print_timing(FILE *out, const char *name, const struct hist *h, const char *extra)
{
    char p50[32], p99[32], mx[32];
    fmt_us(hist_percentile(h, 50), p50, sizeof p50);
    fmt_us(hist_percentile(h, 99), p99, sizeof p99);
    fmt_us(h->max, mx, sizeof mx);
    fprintf(out, "  %-14s p50 %-9s p99 %-9s max %-9s (%llu)%s\n", name, p50, p99, mx,
            (unsigned long long)h->total, extra);
}

/* What each connection spoke (the ALPN outcome) beside the version asked for, as the HTML
 * report says it: "Connections by protocol: http/1.1 10 (HTTP 1.1 asked)"; in HTTP/2 runs
 * also the requests the servers refused unprocessed. */
static void print_protocols(FILE *out, const struct load_result *r)
{
    const struct lg_counters *c = &r->totals;
    fprintf(out, "  Connections by protocol:");
    int any = 0;
    for (int i = 0; i < LG_PROTO_COUNT; i++)
        if (c->protocols[i])
            fprintf(out, "%s %s %llu", any++ ? "," : "", lg_proto_names[i],
                    (unsigned long long)c->protocols[i]);
    fprintf(out, "%s (HTTP %s asked)", any ? "" : " none", lg_http_names[r->http]);
    if (c->protocols[LG_PROTO_H2])
        fprintf(out, "; %llu requests sent again after the server refused them",
                (unsigned long long)c->retried);
    fputc('\n', out);
}

static void summary(const struct cli *cli, FILE *out, const struct load_result *r,
                    const struct load_args *a, const struct strv *secrets)
{
    const struct lg_counters *c = &r->totals;
    char *target = redact_copy(secrets, a->urls[0]);
    char dur[32];
    units_format_duration_us(r->elapsed_us, dur, sizeof dur);
    fprintf(out, "%s%s load%s %s%s: %s%s\n", cli_bold(cli),
            r->model == LG_MODEL_OPEN ? "Open-model" : "Closed-model", cli_reset(cli), target,
            a->url_count > 1 ? " (and more URLs)" : "", r->interrupted ? "interrupted after " : "",
            dur);
    free(target);
    if (r->segment.count > 1)
        fprintf(out, "  segment %u/%u of run %s (storecheck merge adds the segments up)\n",
                r->segment.index, r->segment.count, r->run_id);
    fprintf(out, "  %u thread%s, %u connection%s (max %u, peak %u), pipeline %u", r->threads,
            r->threads == 1 ? "" : "s", r->connections, r->connections == 1 ? "" : "s",
            r->max_connections, r->peak_connections, r->pipeline);
    if (r->model == LG_MODEL_OPEN)
        fprintf(out, ", requested %.2f %s/s", r->requested_rate,
                r->scenario_count ? "iterations" : "req");
    fprintf(out, "\n\n");
    if (r->model == LG_MODEL_OPEN)
        print_row(out, "Latency", r->latency, r->latency_uncorrected);
    else
        print_row(out, "Latency", r->latency, NULL);
    fprintf(out, "\n");
    print_timing(out, "Connect", r->connect, "");
    if (r->tls) {
        char extra[64];
        snprintf(extra, sizeof extra, " %llu of %llu handshakes resumed",
                 (unsigned long long)c->resumed, (unsigned long long)c->handshakes);
        print_timing(out, "TLS handshake", r->tls_handshake, extra);
    }
    print_protocols(out, r);
    print_timing(out, "TTFB", r->ttfb, "");
    if (r->model == LG_MODEL_OPEN)
        print_timing(out, "Schedule lag", r->schedule_lag, "");

    char bytes_read[32], bytes_written[32], per[32];
    fmt_bytes((double)c->bytes_in, bytes_read, sizeof bytes_read);
    fmt_bytes((double)c->bytes_out, bytes_written, sizeof bytes_written);
    double secs = r->elapsed_us ? (double)r->elapsed_us / 1e6 : 1;
    fmt_bytes((double)c->bytes_in / secs, per, sizeof per);
    fprintf(out, "\n  %llu requests, %llu responses in %s; %s read, %s written\n",
            (unsigned long long)c->requests, (unsigned long long)c->responses, dur, bytes_read,
            bytes_written);
    fprintf(out, "  %sRequests/sec: %.2f%s", cli_bold(cli), r->achieved_rate, cli_reset(cli));
    fprintf(out, "   Transfer/sec: %s\n", per);

    fprintf(out, "  Status:");
    int any = 0;
    for (int s = 100; s < 600; s++)
        if (c->status[s]) {
            fprintf(out, " %d: %llu", s, (unsigned long long)c->status[s]);
            any = 1;
        }
    fprintf(out, "%s\n", any ? "" : " none");
    uint64_t errs = load_result_errors(r);
    fprintf(out, "  Errors: %s%llu%s", errs ? cli_red(cli) : "", (unsigned long long)errs,
            errs ? cli_reset(cli) : "");
    for (int i = 0; i < LG_ERR_COUNT; i++)
        if (c->errors[i])
            fprintf(out, "  %s %llu", lg_error_names[i], (unsigned long long)c->errors[i]);
    fprintf(out, "\n");
    if (r->model == LG_MODEL_OPEN || c->unfinished) {
        const char *warn = c->late || c->dropped ? cli_yellow(cli) : "";
        fprintf(out, "  %sLate: %llu  Dropped: %llu%s  Unfinished: %llu\n", warn,
                (unsigned long long)c->late, (unsigned long long)c->dropped,
                *warn ? cli_reset(cli) : "", (unsigned long long)c->unfinished);
    }
    if (c->internal_errors)
        fprintf(out,
                "  %sInternal errors: %llu (a fault of storecheck: these figures are not to be "
                "trusted)%s\n",
                cli_red(cli), (unsigned long long)c->internal_errors, cli_reset(cli));
    if (r->first_error[0]) {
        char *e = redact_copy(secrets, r->first_error);
        fprintf(out, "  First error: %s\n", e);
        free(e);
    }
}

static void fill_params(struct load_args *a, struct loadgen_params *p)
{
    memset(p, 0, sizeof *p);
    p->urls = a->parsed;
    p->url_count = a->url_count;
    p->method = a->method;
    p->headers = a->headers;
    p->header_count = a->header_count;
    p->body = a->body;
    p->body_len = a->body_len;
    p->insecure = a->insecure;
    p->ca_file = a->cacert;
    p->duration_us = a->duration_us;
    p->timeout_us = a->timeout_us;
    p->pipeline = (uint32_t)a->pipeline;
    p->http = lg_http_of(a->http);
    p->streams = (uint32_t)a->streams;
    p->stages = a->stages;
    p->stage_count = a->stage_count;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t threads = a->threads ? a->threads : (uint64_t)(cores > 0 ? cores : 1);
    if (a->have_rate || a->stage_rates) {
        p->model = LG_MODEL_OPEN;
        p->start = a->have_rate ? a->rate : 0;
        double peak = p->start;
        for (size_t i = 0; i < a->stage_count; i++)
            peak = fmax(peak, a->stages[i].target);
        uint64_t conns = a->connections;
        if (!a->have_connections) {
            conns = (uint64_t)ceil(peak / 100);
            conns = conns < threads ? threads : conns > 1000 ? 1000 : conns;
        }
        p->connections = (uint32_t)conns;
        p->max_connections = (uint32_t)(a->max_connections ? a->max_connections : 4 * conns);
        if (p->max_connections < p->connections)
            p->max_connections = p->connections;
    } else {
        p->model = LG_MODEL_CLOSED;
        uint64_t conns = a->have_connections ? a->connections : 10;
        p->start = a->stage_count && !a->have_connections ? 0 : (double)conns;
        p->connections = (uint32_t)conns;
        if (!a->threads && threads > conns)
            threads = conns;
    }
    p->threads = (uint32_t)(threads ? threads : 1);
}

static void free_args(struct load_args *a)
{
    for (size_t i = 0; i < a->owned_count; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->headers);
    free(a->allow);
    free(a->urls);
    free(a->outs);
    free(a->thresholds);
    free(a->parsed);
    free(a->body);
}

static int header_given(const struct load_args *a, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < a->header_count; i++)
        if (strncasecmp(a->headers[i], name, n) == 0 && a->headers[i][n] == ':')
            return 1;
    return 0;
}

/* An open-model profile gives the schedule: its start rate and stages, scaled by the
 * duration and load.rate as the config reference says. */
static int apply_profile(struct load_args *a, const struct config *cfg)
{
    const char *dirs[PROFILE_DIRS];
    size_t ndirs = profile_dirs(cfg->dir, dirs);
    char path[4096], err[512];
    if (profile_resolve(cfg->load.profile, dirs, ndirs, path, sizeof path, err,
                        sizeof err))
        return cli_usage_error(&cmd_load, "load.profile: %s", err);
    struct profile prof;
    struct diag_list diags;
    diag_list_init(&diags);
    if (profile_load(&prof, path, &diags)) {
        diag_list_print(&diags, stderr);
        diag_list_free(&diags);
        return EXIT_USAGE;
    }
    diag_list_free(&diags);
    int rc = 0;
    if (prof.model != PROFILE_OPEN) {
        rc = cli_usage_error(&cmd_load,
                             "load.profile '%s' has virtual users with think time, which need "
                             "scenarios; drive URLs with --connections or --rate",
                             cfg->load.profile);
    } else if (prof.stage_count > SCHEDULE_MAX_STAGES) {
        rc = cli_usage_error(&cmd_load, "load.profile: more than %d stages", SCHEDULE_MAX_STAGES);
    } else if ((a->have_duration && profile_scale_duration(&prof, a->duration_us)) ||
               (cfg->load.rate > 0 && profile_scale_peak(&prof, cfg->load.rate))) {
        rc = cli_usage_error(&cmd_load, "load.profile '%s' cannot be scaled (it is empty)",
                             cfg->load.profile);
    } else {
        a->rate = prof.start;
        a->have_rate = prof.start > 0;
        for (size_t i = 0; i < prof.stage_count; i++)
            a->stages[i] = (struct lg_stage){prof.stages[i].duration_us, prof.stages[i].target};
        a->stage_count = prof.stage_count;
        a->stage_rates = 1;
        a->duration_us = profile_duration_us(&prof);
        a->have_duration = 1;
    }
    profile_free(&prof);
    return rc;
}

/* Fill what the command line left open from the config. */
static int apply_config(struct load_args *a, const struct config *cfg)
{
    const struct target *t = &cfg->target;
    a->scenarios = a->url_count == 0 && cfg->load.scenario_count > 0;
    if (a->scenarios && (a->stage_count || a->pipeline > 1 || a->method || a->body))
        return cli_usage_error(&cmd_load, "--stage, --pipeline, --method and --body drive "
                                          "URLs; a scenario run takes its steps from %s",
                               a->config_path);
    if (a->url_count == 0) {
        if (!t->base_url)
            return cli_usage_error(&cmd_load, "no URL given and no target.base_url in %s",
                                   a->config_path);
        a->urls[a->url_count++] = t->base_url;
    }
    /* The config's headers, unless the command line sets the same one. */
    size_t n = t->headers.count;
    const char **all = xcalloc(a->header_count + n + 1, sizeof *all);
    a->owned = xcalloc(n + 1, sizeof *a->owned);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kv *h = &t->headers.items[i];
        if (header_given(a, h->key))
            continue;
        size_t len = strlen(h->key) + strlen(h->value) + 3;
        char *line = xmalloc(len);
        snprintf(line, len, "%s: %s", h->key, h->value);
        a->owned[a->owned_count++] = line;
        all[k++] = line;
    }
    for (size_t i = 0; i < a->header_count; i++)
        all[k++] = a->headers[i];
    free(a->headers);
    a->headers = all;
    a->header_count = k;
    if (!a->cacert)
        a->cacert = t->ca_file;
    a->insecure |= t->insecure;
    if (!a->have_timeout)
        a->timeout_us = 1000 * (cfg->load.timeout_ms ? cfg->load.timeout_ms : t->timeout_ms);
    if (!a->have_duration && cfg->load.duration_ms) {
        a->duration_us = cfg->load.duration_ms * 1000;
        a->have_duration = 1;
    }
    if (!a->have_connections && cfg->load.connections) {
        a->connections = cfg->load.connections;
        a->have_connections = 1;
    }
    if (!a->threads)
        a->threads = cfg->load.threads;
    if (a->http == LOAD_HTTP_UNSET)
        a->http = cfg->load.http;
    if (!a->out_count) {
        free(a->outs);
        a->outs = xcalloc(cfg->load.output_count + 1, sizeof *a->outs);
        for (size_t i = 0; i < cfg->load.output_count; i++)
            a->outs[i] = cfg->load.outputs[i];
        a->out_count = cfg->load.output_count;
    }
    if (a->scenarios) /* the profile gives the schedule (load_scenarios.c) */
        return 0;
    /* The schedule: the command line's, else the config's rate or profile. */
    if (!a->have_rate && !a->stage_count && !a->have_connections_cli) {
        if (cfg->load.profile) {
            int rc = apply_profile(a, cfg);
            if (rc)
                return rc;
        } else if (cfg->load.rate > 0) {
            a->rate = cfg->load.rate;
            a->have_rate = 1;
        }
    }
    /* The config's cap holds whatever the command line asks. */
    double cap = cfg->load.max_rate;
    if (cap > 0) {
        if (!a->have_rate && !a->stage_rates)
            return cli_usage_error(&cmd_load, "load.max_rate caps the rate: give --rate (the "
                                              "closed model has no rate to cap)");
        double peak = a->have_rate ? a->rate : 0;
        for (size_t i = 0; i < a->stage_count; i++)
            peak = fmax(peak, a->stages[i].target);
        if (peak > cap)
            return cli_usage_error(&cmd_load, "a rate of %g/s is above load.max_rate (%g/s)", peak,
                                   cap);
    }
    return 0;
}

static void print_error(const struct strv *secrets, const char *err)
{
    char *msg = redact_copy(secrets, err);
    fprintf(stderr, "storecheck load: %s\n", msg);
    free(msg);
}

/* What validate reports about the load section stops a run too. */
static int check_load_section(const struct config *cfg)
{
    struct diag_list diags;
    diag_list_init(&diags);
    size_t problems = scenario_check(cfg, &diags);
    diag_list_print(&diags, stderr);
    diag_list_free(&diags);
    return problems ? EXIT_USAGE : 0;
}

/* Scenario runs: the profile, the plan and the users replace the URL schedule. */
static int prepare_scenarios(struct scenario_run *sr, const struct load_args *a,
                             const struct config *cfg, struct loadgen_params *p)
{
    struct scenario_overrides o = {
        .profile = a->profile,
        .duration_us = a->have_duration ? a->duration_us : 0, /* --duration or load.duration */
        .rate = a->have_rate ? a->rate : 0,
        .users = a->users,
        .connections = a->have_connections_cli ? a->connections : 0,
        .max_connections = a->max_connections,
        .have_timeout = a->have_timeout,
        .run_id = a->split.run_id,
    };
    char err[512];
    if (scenario_run_prepare(sr, cfg, &o, a->headers, a->header_count, p, err, sizeof err))
        return cli_usage_error(&cmd_load, "%s", err);
    if (p->duration_us > MAX_DURATION_US)
        return cli_usage_error(&cmd_load, "the profile lasts more than the cap of 24h");
    return 0;
}

/* --html and --markdown: the result's document rendered by each load report asked for. 0, or
 * -1 with err. */
static int write_reports(const struct load_args *a, const struct load_result *r,
                         const struct load_json_meta *m, char *err, size_t errlen)
{
    cJSON *doc = load_json_object(r, m);
    int rc = 0;
    for (const struct reporter *const *f = load_reporters; *f && !rc; f++) {
        const char *path = strcmp((*f)->name, "html") == 0 ? a->html : a->markdown;
        if (path)
            rc = reporter_write(*f, doc, path, err, errlen);
    }
    cJSON_Delete(doc);
    return rc;
}

static int run(const struct cli *cli, int argc, char **argv)
{
    struct load_args a = {0};
    struct strv secrets = {0};
    struct engine *e = NULL;
    struct load_result r = {0};
    struct config cfg;
    struct scenario_run sr = {0};
    struct load_gate gate = {0};
    struct threshold *judged = NULL; /* load.thresholds and --threshold */
    size_t judged_count = 0;
    struct stop_signal *watch = NULL;
    struct live_outputs *outs = NULL;
    struct progress *prog = NULL;
    int have_cfg = 0;
    int rc = parse_args(argc, argv, &a);
    if (rc == 0 && a.config_path) {
        struct diag_list diags;
        diag_list_init(&diags);
        have_cfg = 1;
        if (config_load_file(&cfg, a.config_path, NULL, &diags) != 0) {
            diag_list_print(&diags, stderr);
            rc = EXIT_USAGE;
        }
        diag_list_free(&diags);
        if (rc == 0)
            rc = apply_config(&a, &cfg);
    }
    if (rc == 0)
        rc = check_args(&a);
    const char *reports[] = {a.json, a.html, a.markdown};
    if (rc == 0)
        rc = console_check(&cmd_load, reports, sizeof reports / sizeof *reports);
    if (rc == 0)
        rc = check_urls(&a, have_cfg ? &cfg.target.allowed_hosts : NULL);
    if (rc == 0 && have_cfg)
        rc = check_load_section(&cfg);
    char err[512];
    if (rc == 0) {
        judged = run_thresholds(have_cfg ? &cfg : NULL, a.scenarios, a.thresholds,
                                a.threshold_count, &judged_count, err, sizeof err);
        struct load judge = {.thresholds = judged, .threshold_count = judged_count};
        if (!judged || load_gate_init(&gate, &judge, err, sizeof err))
            rc = cli_usage_error(&cmd_load, "%s", err);
    }
    if (rc)
        goto out;
    collect_secrets(&a, have_cfg ? &cfg.secrets : NULL, &secrets);
    split_run_finish(&a.split);
    struct loadgen_params p;
    fill_params(&a, &p);
    if (a.scenarios && (rc = prepare_scenarios(&sr, &a, &cfg, &p)))
        goto out;
    prog = progress_start(cli);
    /* Live outputs read the running totals. */
    p.snapshots = gate.any_abort || progress_wants_snapshots(prog) || a.out_count;
    p.segment = a.split.segment;
    char fingerprint[RUN_FINGERPRINT_LEN];
    run_fingerprint(&p, scenario_run_plan(&sr), judged, judged_count, fingerprint);
    uint64_t conns = p.model == LG_MODEL_OPEN || p.users ? p.max_connections : p.connections,
             files = fd_limit_need(conns, p.threads), limit = 0;
    if (fd_limit_fit(files, &limit)) {
        rc = cli_usage_error(&cmd_load,
                             "%llu connections need %llu open files, above this process's "
                             "limit of %llu (ulimit -n): ask for fewer connections or raise "
                             "the hard limit",
                             (unsigned long long)conns, (unsigned long long)files,
                             (unsigned long long)limit);
        goto out;
    }

    int created = engine_create(&e, &p, err, sizeof err);
    if (created != 0) {
        print_error(&secrets, err);
        rc = created == ENGINE_BAD_PARAMS ? EXIT_USAGE : EXIT_RUN_ERROR;
        goto out;
    }
    /* Before the workers: they leave SIGINT/SIGTERM to the watcher. */
    watch = stop_signal_start("load");
    if (prog)
        stop_signal_over_status_line(watch);
    /* Files are created before --start-at's wait, so a bad path is said at once. */
    if (live_outputs_open(&outs, a.outs, a.out_count, a.split.run_id, a.split.segment.index, err,
                          sizeof err)) {
        print_error(&secrets, err);
        rc = EXIT_RUN_ERROR;
        goto out;
    }
    if (split_run_wait(&a.split)) {
        fprintf(stderr, "storecheck load: interrupted before the start\n");
        rc = EXIT_RUN_ERROR;
        goto out;
    }
    if (engine_start(e, err, sizeof err)) {
        print_error(&secrets, err);
        rc = EXIT_RUN_ERROR;
        goto out;
    }
    int aborted = 0;
    uint64_t next_check = 1100000;
    while (!engine_done(e)) {
        if (stop_wait_ms(100))
            engine_interrupt(e);
        uint64_t el = engine_elapsed_us(e);
        progress_load(prog, e, &p, "load");
        char why[320];
        if (gate.any_abort && !aborted && el >= next_check) {
            aborted = load_gate_check_running(&gate, e, why, sizeof why);
            if (aborted) {
                progress_clear(prog);
                fprintf(stderr, "storecheck load: stopping early: %s\n", why);
            }
            next_check = el + 1000000;
        }
        live_outputs_tick(outs, e);
    }
    progress_end(prog);
    prog = NULL;
    engine_finish(e, &r);
    snprintf(r.run_id, sizeof r.run_id, "%s", a.split.run_id);
    snprintf(r.config_hash, sizeof r.config_hash, "%s", fingerprint);
    size_t broken = load_gate_judge(&gate, &r);
    live_outputs_result(outs, &r);
    live_outputs_close(outs);
    FILE *out = console_stream(reports, sizeof reports / sizeof *reports);
    if (!cli->quiet) {
        summary(cli, out, &r, &a, &secrets);
        scenario_table_print(cli, out, &r, &secrets);
        if (summary_table_wanted(cli, out)) {
            struct summary_table t = {.load = &r, .secrets = &secrets};
            summary_table_print(cli, out, &t);
        } else {
            load_gate_print(cli, out, &r);
        }
    }
    live_outputs_report(outs, out, cli->quiet, "load", &secrets);
    fflush(out);
    struct load_json_meta m = {.urls = a.urls,
                               .url_count = a.url_count,
                               .method = a.method,
                               .headers = a.headers,
                               .header_count = a.header_count,
                               .secrets = &secrets,
                               .profile = a.scenarios ? sr.profile_path : NULL};
    m.outputs = live_outputs_stats(outs, &m.output_count);
    if (a.json && load_json_write(a.json, &r, &m, err, sizeof err)) {
        fprintf(stderr, "storecheck load: %s\n", err);
        rc = EXIT_RUN_ERROR;
        goto out;
    }
    if ((a.html || a.markdown) && write_reports(&a, &r, &m, err, sizeof err)) {
        fprintf(stderr, "storecheck load: %s\n", err);
        rc = EXIT_RUN_ERROR;
        goto out;
    }
    rc = load_gate_exit_code(&r, broken, "load");
out:
    progress_end(prog);
    stop_signal_end(watch);
    live_outputs_free(outs);
    load_result_free(&r);
    engine_destroy(e);
    scenario_run_free(&sr);
    load_gate_free(&gate);
    free(judged);
    free(secrets.items);
    free_args(&a);
    if (have_cfg)
        config_free(&cfg);
    return rc;
}

const struct command cmd_load = {
    .name = "load",
    .summary = "send HTTP load to URLs: throughput, honest latency, errors",
    .help = help,
    .run = run,
};
