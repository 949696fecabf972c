/* The built binary: validate and init exit codes and output; docs/config.md's example and
 * the init output both validate. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checker/starter_config.h"
#include "common/oom.h"
#include "tests/support/check.h"

static char dir[] = "/tmp/storecheck-cli-XXXXXX";

struct result {
    int status;
    char *out;
    char *err;
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return xstrdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = xmalloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return s;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static char *in_dir(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

/* Run storecheck with args (NULL-terminated), capturing stdout and stderr. */
static struct result run(const char *const *args)
{
    const char *bin = getenv("STORECHECK_BIN");
    char out[300], err[300];
    snprintf(out, sizeof out, "%s/.stdout", dir);
    snprintf(err, sizeof err, "%s/.stderr", dir);
    const char *argv[16] = {bin};
    for (int i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out, "wb", stdout) || !freopen(err, "wb", stderr))
            _exit(127);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    struct result r = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(out), slurp(err)};
    return r;
}

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

static const char good[] = "target:\n"
                           "  base_url: https://127.0.0.1:8443\n"
                           "  endpoints: { home: /, checkout: /api/v1/checkout }\n"
                           "load:\n"
                           "  scenarios:\n"
                           "    browse: [ { path: / }, { path: /x } ]\n"
                           "  thresholds: [\"p95(scenario:browse) < 1s\"]\n";

static void test_validate_ok(void)
{
    char *path = in_dir("good.yaml");
    spit(path, good);
    struct result r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    char want[512];
    snprintf(want, sizeof want,
             "%s: OK: 2 endpoints, 1 scenario (2 steps), 1 threshold, 0 fault hooks\n", path);
    CHECK_STR_EQ(r.out, want);
    CHECK_STR_EQ(r.err, "");
    result_free(&r);
}

static void test_validate_errors(void)
{
    char *path = in_dir("bad.yaml");
    spit(path,
         "target:\n  base_url: https://127.0.0.1\n  timeout: 10\n  endpoints: { chekout: / }\n");
    struct result r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_STR_EQ(r.out, "");
    char want[1024];
    snprintf(want, sizeof want,
             "%s:3:12: target.timeout: '10' needs a unit\n"
             "%s:4:16: target.endpoints.chekout: unknown key 'chekout' (did you mean "
             "'checkout'?)\n"
             "%s: 2 errors\n",
             path, path, path);
    CHECK_STR_EQ(r.err, want);
    result_free(&r);
}

/* A structural error does not hide the errors only the load checks see. */
static void test_validate_all_errors_in_one_pass(void)
{
    spit(in_dir("mix.yaml"), "model: open\nstages: [ { duration: 1m, rate: 1 } ]\n"
                             "mix: { browse: 50, ghost: 50 }\n");
    char *path = in_dir("all.yaml");
    spit(path, "target:\n  base_url: https://127.0.0.1:8443\n  timeout: 10\n"
               "load:\n  profile: mix.yaml\n  scenarios:\n    browse:\n"
               "      - { path: \"/p/{{nope\" }\n"
               "      - { path: /x, extract: { id: \"$.[\" } }\n"
               "  thresholds: [\"p95(nosuch) < 1s\"]\n");
    struct result r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "target.timeout: '10' needs a unit");
    CHECK_CONTAINS(r.err, "load.scenarios.browse[0].path: '{{' is not closed");
    CHECK_CONTAINS(r.err, "load.scenarios.browse[1].extract.id: JSON path '$.['");
    CHECK_CONTAINS(r.err, "load.thresholds[0]: p95(nosuch)");
    CHECK_CONTAINS(r.err, "mix.ghost: scenario 'ghost' is not defined");
    CHECK_CONTAINS(r.err, "all.yaml: 5 errors");
    result_free(&r);
}

/* A literal path a request line cannot carry is valid YAML but draws a warning. */
static void test_validate_warns_on_bad_path(void)
{
    char *path = in_dir("space.yaml");
    spit(path, "target:\n  base_url: https://127.0.0.1:8443\n"
               "load:\n  scenarios:\n    search: [ { path: \"/search?q=red shoes\" } ]\n");
    struct result r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "OK");
    CHECK_CONTAINS(r.err, ":5:23: load.scenarios.search[0].path: warning: the path holds a space");
    result_free(&r);
    spit(path, "target:\n  base_url: https://127.0.0.1:8443\n"
               "load:\n  scenarios:\n    search: [ { path: \"/search?q=red%20shoes\" } ]\n");
    r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.err, "");
    result_free(&r);
    /* A ${VAR} lands in the literal text: its value is checked the same way. */
    spit(path, "target:\n  base_url: https://127.0.0.1:8443\n"
               "load:\n  scenarios:\n    search: [ { path: \"/search?q=${SC_CLI_QUERY}\" } ]\n");
    setenv("SC_CLI_QUERY", "50% off", 1);
    r = run((const char *[]){"validate", path, NULL});
    unsetenv("SC_CLI_QUERY");
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.err, "load.scenarios.search[0].path: warning: the path holds '%'");
    result_free(&r);
}

static void test_validate_hides_secrets(void)
{
    char *path = in_dir("secret.yaml");
    spit(path, "target:\n  base_url: https://127.0.0.1\n  timeout: \"${SC_CLI_SECRET}\"\n"
               "  webhooks: { secret: whsec_inline_1234, scheme: \"whsec_inline_1234\" }\n");
    setenv("SC_CLI_SECRET", "hunter2-from-env", 1);
    struct result r = run((const char *[]){"validate", path, NULL});
    unsetenv("SC_CLI_SECRET");
    CHECK_INT_EQ(r.status, 2);
    CHECK(strstr(r.err, "hunter2") == NULL);
    CHECK(strstr(r.err, "whsec_inline") == NULL);
    CHECK_CONTAINS(r.err, "target.timeout: '[redacted]'");
    CHECK_CONTAINS(r.err, "unknown webhook scheme '[redacted]'");
    result_free(&r);
}

static void test_validate_unusable_input(void)
{
    struct result r = run((const char *[]){"validate", in_dir("missing.yaml"), NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "missing.yaml: cannot open the config: No such file or directory");
    result_free(&r);

    r = run((const char *[]){"validate", dir, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "is a directory, not a config file");
    result_free(&r);

    char *bin = in_dir("binary.yaml");
    spit(bin, "\x7f"
              "ELF");
    r = run((const char *[]){"validate", bin, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "binary.yaml:1:1: control character 0x7f");
    result_free(&r);

    char *big = in_dir("big.yaml");
    FILE *f = fopen(big, "wb");
    CHECK(f && fseek(f, 100L << 20, SEEK_SET) == 0 && fputc('\n', f) == '\n');
    if (f)
        fclose(f);
    r = run((const char *[]){"validate", big, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "larger than 4 MiB");
    result_free(&r);
    unlink(big);
}

static void test_validate_usage(void)
{
    struct result r = run((const char *[]){"validate", "--help", NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "Usage: storecheck validate CONFIG");
    CHECK_CONTAINS(r.out, "Exit codes:");
    result_free(&r);

    r = run((const char *[]){"validate", NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "storecheck validate: missing CONFIG");
    result_free(&r);

    r = run((const char *[]){"validate", "--strict", "x.yaml", NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "unknown option '--strict'");
    result_free(&r);

    r = run((const char *[]){"--help", NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "  validate ");
    CHECK_CONTAINS(r.out, "  init ");
    result_free(&r);
}

static void test_init(void)
{
    struct result r = run((const char *[]){"init", NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.out, starter_config);
    result_free(&r);

    char *path = in_dir("starter.yaml");
    r = run((const char *[]){"init", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "wrote ");
    result_free(&r);
    char *written = slurp(path);
    CHECK_STR_EQ(written, starter_config);
    free(written);

    /* The starter validates with no environment variables set. */
    r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "OK: 18 endpoints, 4 scenarios (8 steps), 2 thresholds");
    CHECK_STR_EQ(r.err, "");
    result_free(&r);

    /* An existing file is kept unless --force. */
    spit(path, "mine\n");
    r = run((const char *[]){"init", path, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "exists; use --force to overwrite it");
    result_free(&r);
    written = slurp(path);
    CHECK_STR_EQ(written, "mine\n");
    free(written);
    r = run((const char *[]){"-q", "init", "--force", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.out, "");
    result_free(&r);
    written = slurp(path);
    CHECK_STR_EQ(written, starter_config);
    free(written);

    r = run((const char *[]){"init", in_dir("no/such/dir.yaml"), NULL});
    CHECK_INT_EQ(r.status, 3);
    CHECK_CONTAINS(r.err, "cannot write");
    result_free(&r);
}

/* docs/config.md opens with a complete example in its first ```yaml block; it must load. */
static void test_docs_example_validates(void)
{
    char doc_path[1024];
    snprintf(doc_path, sizeof doc_path, "%s/docs/config.md", getenv("STORECHECK_SOURCE_DIR"));
    char *doc = slurp(doc_path);
    char *start = strstr(doc, "```yaml\n");
    char *end = start ? strstr(start + 8, "\n```") : NULL;
    CHECK(start && end);
    if (start && end) {
        end[1] = '\0';
        char *path = in_dir("docs-example.yaml");
        spit(path, start + 8);
        spit(in_dir("users.csv"), "email\nshopper@example.test\n"); /* its feeder's file */
        setenv("STORE_TOKEN", "t0ken-for-docs", 1);
        setenv("WEBHOOK_SECRET", "whsec_docs", 1);
        setenv("INTAKE_SECRET", "whsec_intake_docs", 1);
        struct result r = run((const char *[]){"validate", path, NULL});
        CHECK_INT_EQ(r.status, 0);
        CHECK_STR_EQ(r.err, "");
        CHECK_CONTAINS(r.out, "OK: 18 endpoints");
        result_free(&r);
    }
    free(doc);
}

/* The example the README runs against the reference store validates too. */
static void test_refstore_example_validates(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/refstore.yaml", getenv("STORECHECK_SOURCE_DIR"));
    setenv("STORECHECK_CA_FILE", "/tmp/ca.pem", 1);
    setenv("WEBHOOK_SECRET", "whsec_example", 1);
    setenv("INTAKE_SECRET", "whsec_intake_example", 1);
    struct result r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.err, "");
    result_free(&r);
    /* Its secrets come from the environment: without them it names each one. */
    unsetenv("WEBHOOK_SECRET");
    r = run((const char *[]){"validate", path, NULL});
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "target.webhooks.secret: environment variable WEBHOOK_SECRET is not set");
    result_free(&r);
}

int main(void)
{
    if (!getenv("STORECHECK_BIN") || !mkdtemp(dir)) {
        fprintf(stderr, "needs STORECHECK_BIN and a writable /tmp\n");
        return 1;
    }
    RUN(test_validate_ok);
    RUN(test_validate_errors);
    RUN(test_validate_all_errors_in_one_pass);
    RUN(test_validate_warns_on_bad_path);
    RUN(test_validate_hides_secrets);
    RUN(test_validate_unusable_input);
    RUN(test_validate_usage);
    RUN(test_init);
    RUN(test_docs_example_validates);
    RUN(test_refstore_example_validates);
    /* Remove whatever the tests wrote, so no test's file can be forgotten here. */
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlink(in_dir(e->d_name));
    if (d)
        closedir(d);
    rmdir(dir);
    return check_summary();
}
