#include "config/config.h"

#include <string.h>
#include <strings.h>

const char *const endpoint_names[EP_COUNT] = {
    [EP_HOME] = "home",
    [EP_PRODUCT_PAGE] = "product_page",
    [EP_CHECKOUT_PAGE] = "checkout_page",
    [EP_ACCOUNT] = "account",
    [EP_CATALOG] = "catalog",
    [EP_PRODUCT] = "product",
    [EP_SEARCH] = "search",
    [EP_CART] = "cart",
    [EP_CART_ITEMS] = "cart_items",
    [EP_CHECKOUT] = "checkout",
    [EP_LOGIN] = "login",
    [EP_HEALTH] = "health",
    [EP_READINESS] = "readiness",
    [EP_METRICS] = "metrics",
    [EP_OPENAPI] = "openapi",
    [EP_STATIC_ASSET] = "static_asset",
    [EP_WEBHOOK_INTAKE] = "webhook_intake",
    [EP_ORDERS] = "orders",
};

static const char *const severity_names[SEV_COUNT] = {"info", "low", "medium", "high",
                                                      "critical"};

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    arena_init(&cfg->arena);
}

void config_free(struct config *cfg)
{
    arena_free(&cfg->arena);
    config_init(cfg);
}

const char *severity_name(enum severity sev)
{
    return (unsigned)sev < SEV_COUNT ? severity_names[sev] : "unknown";
}

int severity_parse(const char *s)
{
    for (int i = 0; i < SEV_COUNT; i++)
        if (strcasecmp(s, severity_names[i]) == 0)
            return i;
    return -1;
}

const struct scenario *config_scenario(const struct config *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->load.scenario_count; i++)
        if (strcmp(cfg->load.scenarios[i].name, name) == 0)
            return &cfg->load.scenarios[i];
    return NULL;
}

int scenario_extracts(const struct scenario *sc, const char *var)
{
    for (size_t i = 0; sc && i < sc->step_count; i++)
        for (size_t x = 0; x < sc->steps[i].extraction_count; x++)
            if (sc->steps[i].extractions[x].var &&
                strcmp(sc->steps[i].extractions[x].var, var) == 0)
                return 1;
    return 0;
}

int endpoint_lookup(const char *name)
{
    for (int i = 0; i < EP_COUNT; i++)
        if (strcmp(name, endpoint_names[i]) == 0)
            return i;
    return -1;
}
