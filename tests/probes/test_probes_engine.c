/* The engine without a network: selection, severity overrides, per-probe timeouts and the
 * audit deadline, redaction of results; and the CSP and HTML readers the probes use. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/stop.h"

#include "probes/csp.h"
#include "probes/engine.h"
#include "probes/fault.h"
#include "probes/html.h"
#include "tests/support/check.h"

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
}

static void run_pass(struct probe_ctx *ctx)
{
    probe_set(ctx, PROBE_PASS, "fine");
}

/* Waits as a stuck network read would, but honours cancellation like every probe wait. */
static void run_hang(struct probe_ctx *ctx)
{
    while (!probe_should_stop(ctx))
        nap();
    probe_set(ctx, PROBE_PASS, "should have been overridden");
}

/* Waits on the cancellation flag alone, as a raw socket or TLS wait does. */
static void run_raw_hang(struct probe_ctx *ctx)
{
    while (!atomic_load(ctx->cancelled))
        nap();
    probe_set(ctx, PROBE_PASS, "should have been overridden");
}

static void run_silent(struct probe_ctx *ctx)
{
    (void)ctx;
}

static void run_leaky(struct probe_ctx *ctx)
{
    probe_set(ctx, PROBE_FAIL, "saw hunter2-the-secret in a page");
    probe_evidence(ctx, "GET https://x/?k=hunter2-the-secret", 200, "body: hunter2-the-secret");
}

static const struct probe p_a = {
    .id = "S-A", .group = GROUP_S, .severity = SEV_LOW, .run = run_pass};
static const struct probe p_b = {
    .id = "T-B", .group = GROUP_T, .severity = SEV_HIGH, .run = run_pass};
static const struct probe p_hang = {.id = "T-HANG", .group = GROUP_T, .run = run_hang};
static const struct probe p_raw_hang = {.id = "T-RAW-HANG", .group = GROUP_T, .run = run_raw_hang};
static const struct probe p_silent = {.id = "O-SILENT", .group = GROUP_O, .run = run_silent};
static const struct probe p_leaky = {.id = "S-LEAKY", .group = GROUP_S, .run = run_leaky};
static const struct probe p_solo = {
    .id = "R-SOLO", .group = GROUP_R, .flags = PROBE_SOLO, .run = run_pass};
static const struct probe *const table[] = {&p_a, &p_b, &p_hang, &p_silent, &p_leaky, &p_solo};

static void base_config(struct config *cfg)
{
    config_init(cfg);
    url_parse("https://127.0.0.1:1/", &cfg->target.base, NULL, 0);
    cfg->target.base_url = "https://127.0.0.1:1/";
}

static const struct probe_result *find(const struct engine_report *r, const char *id)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->items[i].probe->id, id) == 0)
            return &r->items[i].result;
    return NULL;
}

static void test_timeouts(void)
{
    struct config cfg;
    base_config(&cfg);
    struct engine_options opt = {
        .table = table, .table_count = 6, .probe_timeout_ms = 300, .deadline_ms = 5000};
    struct engine_report rep;
    char err[128];
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    CHECK_INT_EQ(rep.count, 6);
    const struct probe_result *h = find(&rep, "T-HANG");
    CHECK(h && h->status == PROBE_ERROR);
    CHECK_CONTAINS(h ? h->reason : NULL, "timed out after");
    CHECK_CONTAINS(h ? h->reason : NULL, "probe timeout");
    CHECK(find(&rep, "S-A")->status == PROBE_PASS);
    CHECK(find(&rep, "R-SOLO")->status == PROBE_PASS);
    CHECK(find(&rep, "O-SILENT")->status == PROBE_ERROR);
    CHECK_CONTAINS(find(&rep, "O-SILENT")->reason, "no verdict");
    /* The hung probe cost its own timeout, not the others': well under a second in all. */
    CHECK(rep.elapsed_ms < 1500);
    engine_report_free(&rep);

    /* The audit deadline cuts a probe whose own timeout is longer. */
    static const struct probe *const hung[] = {&p_hang, &p_a};
    struct engine_options cut = {.table = hung,
                                 .table_count = 2,
                                 .probe_timeout_ms = 10000,
                                 .deadline_ms = 400,
                                 .concurrency = 1};
    CHECK(engine_run(&cfg, &cut, &rep, err, sizeof err) == 0);
    CHECK_CONTAINS(find(&rep, "T-HANG")->reason, "audit deadline");
    CHECK(find(&rep, "S-A")->status == PROBE_ERROR);
    CHECK(rep.elapsed_ms < 2000);
    engine_report_free(&rep);
    config_free(&cfg);
}

static void test_selection(void)
{
    struct config cfg;
    base_config(&cfg);
    const char *only_items[] = {"s", "R-SOLO"};
    const char *skip_items[] = {"s-leaky"};
    struct strv only = {only_items, 2}, skip = {skip_items, 1};
    struct engine_options opt = {.table = table, .table_count = 6, .only = &only, .skip = &skip};
    struct engine_report rep;
    char err[128];
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    CHECK_INT_EQ(rep.count, 2);
    CHECK(find(&rep, "S-A") && find(&rep, "R-SOLO") && !find(&rep, "S-LEAKY"));
    engine_report_free(&rep);

    const char *bad_items[] = {"S-NOPE"};
    struct strv bad = {bad_items, 1};
    struct engine_options wrong = {.table = table, .table_count = 6, .only = &bad};
    CHECK(engine_run(&cfg, &wrong, &rep, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "S-NOPE");

    /* The config's audit.only applies when the command line gives none. */
    const char *cfg_only[] = {"T"};
    cfg.audit.only = (struct strv){cfg_only, 1};
    struct engine_options plain = {.table = table, .table_count = 6, .probe_timeout_ms = 300};
    CHECK(engine_run(&cfg, &plain, &rep, err, sizeof err) == 0);
    CHECK_INT_EQ(rep.count, 2);
    engine_report_free(&rep);
    config_free(&cfg);
}

static void test_overrides_and_redaction(void)
{
    struct config cfg;
    base_config(&cfg);
    struct severity_override ov = {.probe_id = "s-a", .severity = SEV_CRITICAL};
    cfg.audit.severity_overrides = &ov;
    cfg.audit.severity_override_count = 1;
    const char *secrets[] = {"hunter2-the-secret"};
    cfg.secrets = (struct strv){secrets, 1};
    const char *only_items[] = {"S-A", "S-LEAKY"};
    struct strv only = {only_items, 2};
    struct engine_options opt = {.table = table, .table_count = 6, .only = &only};
    struct engine_report rep;
    char err[128];
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    CHECK_INT_EQ(rep.items[0].severity, SEV_CRITICAL);
    const struct probe_result *l = find(&rep, "S-LEAKY");
    CHECK(l && !strstr(l->reason, "hunter2") && strstr(l->reason, "[redacted]"));
    CHECK(l && l->evidence_count == 1 && !strstr(l->evidence[0].request, "hunter2") &&
          !strstr(l->evidence[0].detail, "hunter2"));
    engine_report_free(&rep);
    config_free(&cfg);
}

static void test_csp(void)
{
    const char *p = "default-src 'self'; script-src 'self' https://cdn.example.test/js/ "
                    "*.pay.test; frame-ancestors 'none'";
    char v[256];
    CHECK(csp_directive(p, "FRAME-ANCESTORS", v, sizeof v));
    CHECK_STR_EQ(v, "'none'");
    CHECK(csp_script_sources(p, v, sizeof v));
    CHECK(csp_has_token(v, "'self'") && !csp_has_token(v, "'unsafe-inline'"));
    CHECK(csp_allows(v, "https://cdn.example.test"));
    CHECK(csp_allows(v, "https://js.pay.test"));
    CHECK(!csp_allows(v, "https://pay.test"));
    CHECK(!csp_allows(v, "https://evil.example"));
    CHECK(!csp_allows(v, "http://cdn.example.test"));
    CHECK(csp_allows("https:", "https://anything.test"));
    CHECK(csp_script_sources("default-src *", v, sizeof v) && csp_allows(v, "https://a.test"));
    CHECK(!csp_script_sources("img-src 'self'", v, sizeof v));
}

static void test_html(void)
{
    const char *page = "<html><head><LINK rel=stylesheet href='/static/a.css'>"
                       "<script src=\"/app.js\"></script>"
                       "<script integrity=\"sha384-abc\" crossorigin src=https://cdn.test/p.js>"
                       "</script><scripts>not a tag</scripts><script>inline()</script>";
    size_t pos = 0;
    struct html_tag t;
    CHECK(html_next_tag(page, &pos, &t));
    CHECK_STR_EQ(t.name, "link");
    CHECK_STR_EQ(t.src, "/static/a.css");
    CHECK_STR_EQ(t.rel, "stylesheet");
    CHECK(html_next_tag(page, &pos, &t));
    CHECK_STR_EQ(t.src, "/app.js");
    CHECK(!t.has_integrity);
    CHECK(html_next_tag(page, &pos, &t));
    CHECK_STR_EQ(t.src, "https://cdn.test/p.js");
    CHECK(t.has_integrity);
    CHECK_STR_EQ(t.integrity, "sha384-abc");
    CHECK(html_next_tag(page, &pos, &t));
    CHECK_STR_EQ(t.src, "");
    CHECK(!html_next_tag(page, &pos, &t));
    pos = 0;
    CHECK(!html_next_tag("<script src=\"unterminated", &pos, &t) || t.src[0] == 'u');
}

static void *stop_soon(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    stop_request();
    return NULL;
}

/* A stop cancels the probes in flight within a second and starts no other: all of them are
 * skips "interrupted", none an error; no fault starts after it. Runs last: a stop is final. */
static void test_stop(void)
{
    struct config cfg;
    base_config(&cfg);
    static const struct probe *const busy[] = {&p_hang, &p_raw_hang, &p_a};
    struct engine_options opt = {.table = busy,
                                 .table_count = 3,
                                 .probe_timeout_ms = 10000,
                                 .deadline_ms = 20000,
                                 .concurrency = 2};
    struct engine_report rep;
    char err[128];
    pthread_t t;
    CHECK(pthread_create(&t, NULL, stop_soon, NULL) == 0);
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    pthread_join(t, NULL);
    CHECK(rep.elapsed_ms < 1200);
    for (size_t i = 0; i < rep.count; i++) {
        CHECK_INT_EQ(rep.items[i].result.status, PROBE_SKIP);
        CHECK_CONTAINS(rep.items[i].result.reason, "interrupted");
    }
    CHECK_CONTAINS(find(&rep, "T-HANG")->reason, "while this probe ran");
    CHECK_CONTAINS(find(&rep, "T-RAW-HANG")->reason, "while this probe ran");
    CHECK_CONTAINS(find(&rep, "S-A")->reason, "not run");
    engine_report_free(&rep);

    char marker[64];
    snprintf(marker, sizeof marker, "/tmp/sc-fault-%ld", (long)getpid());
    char command[128];
    snprintf(command, sizeof command, "touch %s", marker);
    struct fault f = {.name = "orders_down",
                      .start = {.kind = FAULT_COMMAND, .command = command},
                      .stop = {.kind = FAULT_COMMAND, .command = "true"}};
    CHECK(fault_start(&cfg, &f, 2000, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "stopped");
    CHECK(access(marker, F_OK) != 0);
    unlink(marker);
    config_free(&cfg);
}

/* What an observer (the progress display) is told: the count first, then each probe starting
 * and ending; never more running at once than the workers. */
struct watched {
    pthread_mutex_t mu;
    size_t selected, started, finished, running, most_running;
    int finished_decided; /* every finished result already had its verdict */
};

static void on_selected(void *ctx, size_t n)
{
    struct watched *w = ctx;
    w->selected += n;
}

static void on_started(void *ctx, const struct probe *p)
{
    struct watched *w = ctx;
    (void)p;
    pthread_mutex_lock(&w->mu);
    w->started++;
    if (++w->running > w->most_running)
        w->most_running = w->running;
    pthread_mutex_unlock(&w->mu);
}

static void on_finished(void *ctx, const struct probe *p, const struct probe_result *r)
{
    struct watched *w = ctx;
    (void)p;
    pthread_mutex_lock(&w->mu);
    w->finished++;
    w->running--;
    w->finished_decided &= r->reason != NULL;
    pthread_mutex_unlock(&w->mu);
}

static void test_observer(void)
{
    struct config cfg;
    base_config(&cfg);
    struct watched w = {.mu = PTHREAD_MUTEX_INITIALIZER, .finished_decided = 1};
    struct engine_observer obs = {on_selected, on_started, on_finished, &w};
    const char *only_items[] = {"S-A", "T-B", "T-HANG", "R-SOLO"};
    struct strv only = {only_items, 4};
    struct engine_options opt = {.table = table, .table_count = 6, .only = &only,
                                 .probe_timeout_ms = 200, .concurrency = 2, .observer = &obs};
    struct engine_report rep;
    char err[128];
    CHECK(engine_run(&cfg, &opt, &rep, err, sizeof err) == 0);
    CHECK_INT_EQ(w.selected, 4);
    CHECK_INT_EQ(w.started, 4);
    CHECK_INT_EQ(w.finished, 4);
    CHECK_INT_EQ(w.running, 0);
    CHECK(w.most_running >= 1 && w.most_running <= 2);
    CHECK(w.finished_decided);
    engine_report_free(&rep);
    config_free(&cfg);
}

int main(void)
{
    RUN(test_observer);
    RUN(test_timeouts);
    RUN(test_selection);
    RUN(test_overrides_and_redaction);
    RUN(test_csp);
    RUN(test_html);
    RUN(test_stop);
    return check_summary();
}
