/* storecheck load as a user runs it: exit codes, allowed hosts, the JSON result, secrets kept
 * out, Ctrl-C. Runs the built binary against a server thread on loopback. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loadgen/clock.h"
#include "tests/loadgen/test_server.h"
#include "tests/support/check.h"

struct ran {
    int code;
    char out[65536];
    char err[8192];
    uint64_t wall_ms;
};

static char tmpdir[64];

static void slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
}

/* Run `pre` (a NULL-terminated command that runs what follows it, or NULL) then storecheck
 * with args (NULL-terminated); sigint_after_ms > 0 sends SIGINT then. */
static struct ran run_under(const char *const *pre, long sigint_after_ms, const char *const *args)
{
    struct ran r = {0};
    const char *bin = getenv("STORECHECK_BIN");
    char outp[128], errp[128];
    snprintf(outp, sizeof outp, "%s/out", tmpdir);
    snprintf(errp, sizeof errp, "%s/err", tmpdir);
    const char *argv[64];
    int n = 0;
    for (; pre && pre[n]; n++)
        argv[n] = pre[n];
    argv[n++] = bin;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    uint64_t t0 = clock_us();
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (sigint_after_ms > 0) {
        struct timespec ts = {sigint_after_ms / 1000, (sigint_after_ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
        kill(pid, SIGINT);
    }
    int status;
    waitpid(pid, &status, 0);
    r.wall_ms = (clock_us() - t0) / 1000;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int fd = open(outp, O_RDONLY);
    slurp(fd, r.out, sizeof r.out);
    close(fd);
    fd = open(errp, O_RDONLY);
    slurp(fd, r.err, sizeof r.err);
    close(fd);
    return r;
}

static struct ran run_bin(long sigint_after_ms, const char *const *args)
{
    return run_under(NULL, sigint_after_ms, args);
}

static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return cJSON_Parse(buf);
}

static double num(const cJSON *root, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(root, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

static int file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

/* Validate a result against reports/load-result.schema.json when python3 has jsonschema;
 * 1 valid, 0 invalid, -1 no validator here. */
static int schema_valid(const char *json)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, json\n"
             "try:\n    import jsonschema\nexcept ImportError:\n    sys.exit(77)\n"
             "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))'"
             " '%s' '%s/reports/load-result.schema.json' 2>&1",
             json, getenv("STORECHECK_SOURCE_DIR"));
    int rc = system(cmd);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 77 || WEXITSTATUS(rc) == 127)
        return -1;
    return WEXITSTATUS(rc) == 0;
}

static void check_schema(const char *json)
{
    int v = schema_valid(json);
    if (v < 0)
        printf("  (no jsonschema module: %s not validated)\n", json);
    else
        CHECK(v == 1);
}

static struct test_server srv;
static char url[64];

static void test_usage_errors(void)
{
    struct ran r = run_bin(0, (const char *[]){"load", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "no URL");
    r = run_bin(0, (const char *[]){"load", "--bogus", url, NULL});
    CHECK_INT_EQ(r.code, 2);
    r = run_bin(0, (const char *[]){"load", "--rate", "abc", url, NULL});
    CHECK_INT_EQ(r.code, 2);
    r = run_bin(0, (const char *[]){"load", "--duration", "48h", url, NULL});
    CHECK_INT_EQ(r.code, 2);
    /* A latency must fit the histograms' hour: a wait for a connection plus the request. */
    r = run_bin(0, (const char *[]){"load", "--timeout", "31m", url, "-d", "1s", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "30m");
    r = run_bin(0, (const char *[]){"load", "-H", "NoColon", url, "-d", "1s", NULL});
    CHECK_INT_EQ(r.code, 2);
    r = run_bin(0, (const char *[]){"load", "--stage", "1s:10c", "--rate", "5", url, NULL});
    CHECK_INT_EQ(r.code, 2);
    r = run_bin(0, (const char *[]){"load", "--help", NULL});
    CHECK_INT_EQ(r.code, 0);
    CHECK_CONTAINS(r.out, "--max-connections");
}

static void test_host_not_allowed(void)
{
    char other[64];
    snprintf(other, sizeof other, "http://localhost:%d/", srv.port);
    struct ran r = run_bin(
        0, (const char *[]){"load", "--allow-host", "127.0.0.1", url, other, "-d", "1s", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "localhost");
    /* URLs on two origins are refused as well: one run drives one origin. */
    r = run_bin(0, (const char *[]){"load", url, other, "-d", "1s", NULL});
    CHECK_INT_EQ(r.code, 2);
}

/* A URL refused for its credentials is quoted without them. */
static void test_url_credentials_redacted(void)
{
    struct ran r =
        run_bin(0, (const char *[]){"load", "http://user:SECRET@127.0.0.1:1/", "-d", "1s", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "127.0.0.1:1");
    CHECK(strstr(r.err, "SECRET") == NULL);
    CHECK(strstr(r.out, "SECRET") == NULL);
}

static void test_cannot_connect(void)
{
    char closed[64];
    snprintf(closed, sizeof closed, "http://127.0.0.1:%d/", test_server_closed_port());
    struct ran r = run_bin(0, (const char *[]){"load", closed, "-d", "5s", "-c", "3", NULL});
    CHECK_INT_EQ(r.code, 3);
    CHECK_CONTAINS(r.err, "refused");
    CHECK(r.wall_ms < 3000);
}

/* Connections are made, but every request ends without an answer (the server hangs up
 * mid-status-line): nothing was measured, and the run could not be done. */
static void test_no_answer_at_all(void)
{
    struct test_server closing;
    CHECK(test_server_start(&closing, TS_CLOSE_MID) == 0);
    char at[64];
    snprintf(at, sizeof at, "http://127.0.0.1:%d/", closing.port);
    const char *const models[][8] = {{"load", at, "-d", "1s", "-c", "2", NULL},
                                     {"load", at, "-d", "1s", "--rate", "50", NULL}};
    for (size_t i = 0; i < 2; i++) {
        struct ran r = run_bin(0, models[i]);
        CHECK_INT_EQ(r.code, 3);
        CHECK_CONTAINS(r.err, "could not be done");
    }
    test_server_stop(&closing);
}

/* More connections than the hard file limit allows: a usage error naming the limit, before
 * any connection is tried. Under the hard limit, the soft one is raised to it. */
static void test_file_limit(void)
{
    struct ran r = run_under((const char *[]){"prlimit", "--nofile=200:200", "--", NULL}, 0,
                             (const char *[]){"load", url, "-d", "1s", "-c", "500", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "limit of 200");
    r = run_under((const char *[]){"prlimit", "--nofile=100:1024", "--", NULL}, 0,
                  (const char *[]){"load", url, "-d", "1s", "-c", "150", NULL});
    CHECK_INT_EQ(r.code, 0);
}

static void test_json_result_and_secrets(void)
{
    char json[128];
    snprintf(json, sizeof json, "%s/closed.json", tmpdir);
    struct ran r = run_bin(0, (const char *[]){"load", url, "-d", "1s", "-c", "4", "-t", "2", "-H",
                                               "Authorization: Bearer supersecret123", "-H",
                                               "X-Api-Token: tok-abcdef99", "-H",
                                               "X-Plain: visible", "--json", json, NULL});
    CHECK_INT_EQ(r.code, 0);
    CHECK_CONTAINS(r.out, "Requests/sec");
    CHECK(!strstr(r.out, "supersecret123") && !strstr(r.err, "supersecret123"));
    CHECK(!file_contains(json, "supersecret123"));
    CHECK(!file_contains(json, "tok-abcdef99"));
    cJSON *root = read_json(json);
    CHECK(root != NULL);
    if (!root)
        return;
    CHECK(num(root, "schema_version", NULL) == 1);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(root, "interrupted")));
    const cJSON *run = cJSON_GetObjectItem(root, "run");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(run, "model")), "closed");
    const cJSON *hdrs = cJSON_GetObjectItem(run, "headers");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(hdrs, "Authorization")), "[redacted]");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(hdrs, "X-Api-Token")), "[redacted]");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(hdrs, "X-Plain")), "visible");
    double responses = num(root, "totals", "responses");
    CHECK(responses > 50);
    const cJSON *status = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "totals"), "status");
    CHECK(num(status, "200", NULL) == responses);
    /* The histogram's buckets add up to its count, which is the number of responses. */
    const cJSON *lat = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "latency_us"), "corrected");
    CHECK(num(lat, "count", NULL) == responses);
    double sum = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItem(lat, "buckets"))
    {
        sum += cJSON_GetArrayItem(b, 1)->valuedouble;
    }
    CHECK(sum == responses);
    CHECK(num(lat, "p50", NULL) > 0 && num(lat, "p50", NULL) <= num(lat, "p99", NULL));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(root, "seconds")) >= 1);
    CHECK(num(cJSON_GetObjectItem(root, "totals"), "errors_total", NULL) == 0);
    cJSON_Delete(root);
    check_schema(json);
}

static void test_open_model_stages(void)
{
    char json[128];
    snprintf(json, sizeof json, "%s/open.json", tmpdir);
    /* Ramp 0 -> 400/s over 1 s (200 arrivals), then 400/s for 1 s (400 arrivals). */
    struct ran r = run_bin(0, (const char *[]){"load", url, "--stage", "1s:400", "--stage",
                                               "1s:400", "--json", json, NULL});
    CHECK_INT_EQ(r.code, 0);
    CHECK_CONTAINS(r.out, "uncorrected");
    cJSON *root = read_json(json);
    CHECK(root != NULL);
    if (!root)
        return;
    CHECK_STR_EQ(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "run"), "model")),
        "open");
    CHECK(num(root, "totals", "scheduled") == 600);
    CHECK(num(root, "totals", "responses") == 600);
    CHECK(num(root, "totals", "dropped") == 0);
    cJSON_Delete(root);
    check_schema(json);
}

static void test_closed_model_ramp(void)
{
    char json[128];
    snprintf(json, sizeof json, "%s/ramp.json", tmpdir);
    /* 0 -> 6 connections over 0.5 s, then 6 until the end. */
    struct ran r = run_bin(0, (const char *[]){"load", url, "--stage", "500ms:6c", "-d", "1s", "-t",
                                               "1", "--json", json, NULL});
    CHECK_INT_EQ(r.code, 0);
    cJSON *root = read_json(json);
    CHECK(root != NULL);
    if (!root)
        return;
    CHECK(num(root, "totals", "peak_connections") == 6);
    CHECK(num(root, "totals", "responses") > 0);
    cJSON_Delete(root);
}

static void test_interrupt_still_writes(void)
{
    char json[128];
    snprintf(json, sizeof json, "%s/int.json", tmpdir);
    struct ran r =
        run_bin(1200, (const char *[]){"load", url, "-d", "30s", "-c", "2", "--json", json, NULL});
    CHECK_INT_EQ(r.code, 3); /* an interrupted run is not a pass */
    CHECK(r.wall_ms < 5000);
    CHECK_CONTAINS(r.out, "interrupted");
    cJSON *root = read_json(json);
    CHECK(root != NULL);
    if (!root)
        return;
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(root, "interrupted")));
    CHECK(num(root, "totals", "responses") > 0);
    CHECK(num(root, "elapsed_us", NULL) < 5e6);
    cJSON_Delete(root);
    check_schema(json);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* --threshold judges a run of URLs as load.thresholds judge a config's: exit 1 when one is
 * broken, each judged in the JSON; refused before anything is sent when one does not parse or
 * selects steps a run of URLs does not have. */
static void test_thresholds(void)
{
    char json[128];
    snprintf(json, sizeof json, "%s/thresholds.json", tmpdir);
    struct ran r = run_bin(0, (const char *[]){"load", url, "-d", "1s", "-c", "2", "--threshold",
                                               "p99 < 30s", "--threshold", "error_rate < 1%",
                                               "--json", json, NULL});
    CHECK_INT_EQ(r.code, 0);
    CHECK_CONTAINS(r.out, "pass   p99 = ");
    cJSON *root = read_json(json);
    const cJSON *th = cJSON_GetObjectItem(root, "thresholds");
    CHECK_INT_EQ(cJSON_GetArraySize(th), 2);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(th, 1), "passed")));
    cJSON_Delete(root);

    r = run_bin(0, (const char *[]){"load", url, "-d", "1s", "-c", "2", "--threshold",
                                    "p99 < 30s", "--threshold", "rps > 10000000", NULL});
    CHECK_INT_EQ(r.code, 1);
    CHECK_CONTAINS(r.out, "FAIL   rps = ");

    r = run_bin(0, (const char *[]){"load", url, "-d", "1s", "--threshold", "p99 <", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "--threshold 'p99 <': expected a value");
    r = run_bin(0, (const char *[]){"load", url, "-d", "1s", "--threshold",
                                    "p95(step:pay) < 1s", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "no scenarios or steps to select");

    /* In a run of scenarios a selector must name one of them, or one of their steps. */
    char cfg[128], text[1024];
    snprintf(cfg, sizeof cfg, "%s/thresholds.yaml", tmpdir);
    snprintf(text, sizeof text,
             "target: { base_url: \"http://127.0.0.1:%d/\" }\n"
             "load:\n  scenarios:\n"
             "    browse: [ { name: home, path: / } ]\n    search: [ { name: find, path: / } ]\n"
             "    cart: [ { name: add, path: / } ]\n    checkout: [ { name: pay, path: / } ]\n",
             srv.port);
    write_file(cfg, text);
    r = run_bin(0, (const char *[]){"load", cfg, "-d", "1s", "--threshold",
                                    "p95(step:paid) < 1s", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "--threshold 'p95(step:paid) < 1s': ");
}

static void test_config(void)
{
    char cfg[128], prof[128], json[128], text[1024];
    snprintf(cfg, sizeof cfg, "%s/store.yaml", tmpdir);
    snprintf(prof, sizeof prof, "%s/burst.yaml", tmpdir);
    snprintf(json, sizeof json, "%s/cfg.json", tmpdir);
    setenv("LOADGEN_TEST_TOKEN", "cfgsecret-4242", 1);
    snprintf(text, sizeof text,
             "target:\n"
             "  base_url: http://127.0.0.1:%d/\n"
             "  allowed_hosts: [127.0.0.1]\n"
             "  headers: { Authorization: \"Bearer ${LOADGEN_TEST_TOKEN}\", X-Shop: demo }\n"
             "load:\n"
             "  duration: 1s\n"
             "  max_rate: 300\n"
             "  profile: ./burst.yaml\n",
             srv.port);
    write_file(cfg, text);
    /* An open profile: 0 -> 200/s over 1 s (100 arrivals), stretched to the 1 s run. */
    write_file(prof, "model: open\nstart_rate: 0\nstages:\n  - { duration: 2s, rate: 200 }\n");

    /* target.base_url, the profile's schedule, the config's headers with the secret kept out. */
    struct ran r = run_bin(0, (const char *[]){"load", cfg, "--json", json, NULL});
    CHECK_INT_EQ(r.code, 0);
    if (r.code)
        fprintf(stderr, "%s", r.err);
    CHECK(!file_contains(json, "cfgsecret-4242"));
    CHECK(!strstr(r.out, "cfgsecret-4242") && !strstr(r.err, "cfgsecret-4242"));
    cJSON *root = read_json(json);
    CHECK(root != NULL);
    if (root) {
        const cJSON *run = cJSON_GetObjectItem(root, "run");
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(run, "model")), "open");
        CHECK(num(root, "totals", "scheduled") == 100);
        const cJSON *hdrs = cJSON_GetObjectItem(run, "headers");
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(hdrs, "X-Shop")), "demo");
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(hdrs, "Authorization")),
                     "[redacted]");
        cJSON_Delete(root);
    }

    /* A URL on a host the config does not allow is refused before anything is sent. */
    char other[64];
    snprintf(other, sizeof other, "http://localhost:%d/", srv.port);
    r = run_bin(0, (const char *[]){"load", cfg, other, NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "allowed_hosts");
    /* --allow-host narrows the config's list, never widens it. */
    r = run_bin(0, (const char *[]){"load", cfg, other, "--allow-host", "localhost", NULL});
    CHECK_INT_EQ(r.code, 2);
    /* load.max_rate caps the command line too. */
    r = run_bin(0, (const char *[]){"load", cfg, "--rate", "500", NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "max_rate");
    /* A config error names its place. */
    write_file(cfg, "target:\n  base_url: http://127.0.0.1/\n  timeout: 5\n");
    r = run_bin(0, (const char *[]){"load", cfg, NULL});
    CHECK_INT_EQ(r.code, 2);
    CHECK_CONTAINS(r.err, "store.yaml:3:");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/storecheck-cli-XXXXXX");
    if (!mkdtemp(tmpdir) || test_server_start(&srv, TS_SLOW_GOOD) != 0)
        return 1;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv.port);
    RUN(test_usage_errors);
    RUN(test_host_not_allowed);
    RUN(test_thresholds);
    RUN(test_url_credentials_redacted);
    RUN(test_cannot_connect);
    RUN(test_no_answer_at_all);
    RUN(test_file_limit);
    RUN(test_json_result_and_secrets);
    RUN(test_open_model_stages);
    RUN(test_closed_model_ramp);
    RUN(test_interrupt_still_writes);
    RUN(test_config);
    test_server_stop(&srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        return 1;
    return check_summary();
}
