/* The config loader on arbitrary bytes: it must return errors, never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/config_load.h"
#include "common/allowlist.h"
#include "probes/endpoint_check.h"

/* A fixed environment, so a run depends on the input alone. */
static const char *fuzz_lookup(const char *name, void *ctx)
{
    (void)ctx;
    if (strcmp(name, "SET") == 0)
        return "s3cret-value";
    if (strcmp(name, "EMPTY") == 0)
        return "";
    return NULL;
}

#define REQUIRE(cond)                                                                       \
    do {                                                                                    \
        if (!(cond))                                                                        \
            __builtin_trap();                                                               \
    } while (0)

/* What every loaded config promises its readers. */
static void check_loaded(const struct config *cfg)
{
    const struct target *t = &cfg->target;
    REQUIRE(t->base_url && t->allowed_hosts.count >= 1);
    REQUIRE(allowlist_has(&t->allowed_hosts, t->base.host));
    REQUIRE(t->timeout_ms > 0 && cfg->load.timeout_ms > 0);
    char err[512];
    REQUIRE(!t->http_url || allowlist_url_ok(&t->allowed_hosts, t->http_url, err, sizeof err));
    for (size_t i = 0; i < t->fault_count; i++) {
        const struct fault_action *acts[] = {&t->faults[i].start, &t->faults[i].stop};
        for (int k = 0; k < 2; k++) {
            REQUIRE(acts[k]->kind != FAULT_NONE);
            if (acts[k]->kind == FAULT_HTTP) {
                REQUIRE(acts[k]->method);
                REQUIRE(allowlist_url_ok(&t->allowed_hosts, acts[k]->url, err, sizeof err));
            } else {
                REQUIRE(acts[k]->command && !acts[k]->url);
            }
        }
    }
    for (size_t i = 0; i < cfg->load.scenario_count; i++) {
        const struct scenario *sc = &cfg->load.scenarios[i];
        REQUIRE(sc->name && sc->step_count >= 1);
        for (size_t j = 0; j < sc->step_count; j++) {
            const struct step *st = &sc->steps[j];
            REQUIRE(st->name && st->method && st->path);
            REQUIRE((st->body_kind == BODY_NONE) == (st->body == NULL));
            REQUIRE(st->think_min_ms <= st->think_max_ms);
            for (size_t k = 0; k < st->expect_count; k++)
                REQUIRE(st->expect[k] >= 100 && st->expect[k] <= 599);
            for (size_t k = 0; k < st->extraction_count; k++)
                REQUIRE(st->extractions[k].var && st->extractions[k].expr);
        }
    }
    for (int i = 0; i < EP_COUNT; i++) {
        const struct endpoint_request *r = &t->requests[i];
        /* A request always has its path where the URL-only probes read it. */
        REQUIRE(!r->set || t->endpoints[i]);
        REQUIRE((r->body_kind == BODY_NONE) == (r->body == NULL));
        REQUIRE(!r->body || !r->method ||
                (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0));
        for (size_t k = 0; k < r->expect_count; k++)
            REQUIRE(r->expect[k] >= 100 && r->expect[k] <= 599);
        for (size_t k = 0; k < r->check_count; k++)
            REQUIRE(r->checks[k].expr);
    }
    int named = !cfg->audit.session;
    for (size_t i = 0; !named && i < cfg->load.scenario_count; i++)
        named = strcmp(cfg->load.scenarios[i].name, cfg->audit.session) == 0;
    REQUIRE(named);
    for (size_t i = 0; i < cfg->load.threshold_count; i++)
        REQUIRE(cfg->load.thresholds[i].expr && cfg->load.thresholds[i].pos.line > 0);
    if (cfg->load.rate > 0 && cfg->load.max_rate > 0)
        REQUIRE(cfg->load.rate <= cfg->load.max_rate);
    /* The secret list is sorted longest first, without repeats. */
    for (size_t i = 1; i < cfg->secrets.count; i++)
        REQUIRE(strlen(cfg->secrets.items[i - 1]) >= strlen(cfg->secrets.items[i]) &&
                strcmp(cfg->secrets.items[i - 1], cfg->secrets.items[i]) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct env_source env = {fuzz_lookup, NULL};
    struct config cfg;
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = config_load_buffer(&cfg, (const char *)data, size, "fuzz/c.yaml", &env, &diags);
    /* Either it loaded or it said why. */
    REQUIRE((rc == 0) == (diags.count == 0));
    if (rc == 0) {
        check_loaded(&cfg);
        /* The endpoints' templates and checks, as validate compiles them. */
        endpoint_check(&cfg, &diags);
    }
    char buf[2048];
    for (size_t i = 0; i < diags.count; i++)
        diag_format(&diags.items[i], buf, sizeof buf);
    diag_list_free(&diags);
    config_free(&cfg);
    return 0;
}
